/**
 * MetaTrader 5 balance operations move money exactly once: against the MT5 simulator over real
 * HTTP, through the node as n8n runs it. Duplicated, replayed, retried and concurrent events never
 * credit twice; the MT5 ledger (the deal comment) is the proof.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-balance.json';

const workflow = fixture as unknown as WorkflowJson;
// The instances the node under test uses (loaded from dist/ by the runner).
const { processClaims } = fromPackage<typeof import('../../lib/idempotency')>('lib/idempotency');
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');
const { closeMt5Sessions, setMt5PingAfterIdleMs } = fromPackage<typeof import('../../nodes/MetaTrader5/transport/connection')>(
	'nodes/MetaTrader5/transport/connection',
);
const NODE = 'Credit Deposit';

function withOperation(operation: string, options: INodeParameters = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node: INode) => ({
			...node,
			parameters: { ...node.parameters, operation, balanceOptions: options },
		})),
	};
}

describe('MetaTrader 5 balance operations, exactly once', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	let login: number;
	const credentials = () => ({
		metaTrader5Api: {
			serverUrl: mt5.url,
			login: '1015',
			password: 'Sandbox#Mgr1',
			agent: 'n8n-test',
			serverTimeZone: 'detect',
			ignoreSslIssues: false,
		},
	});
	const run = async (input: IDataObject[], wf = workflow) =>
		await runWorkflow(wf, { input, credentials: credentials() });
	const balanceDeals = () => mt5.simulator.dealsOf(login).filter((deal) => deal.Action === '2');

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});
	beforeEach(() => {
		mt5.simulator.reset();
		mt5.simulator.faults.clear();
		processClaims.clear();
		resetBreakers();
		login = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Eleni Christodoulou', leverage: 100 });
	});

	it('credits a deposit with the idempotency key as the deal comment', async () => {
		const result = await run([{ login: String(login), amount: '250.50', key: 'praxis:8823' }]);

		const [[item]] = [result.outputs[NODE][0]];
		expect(item.json).toMatchObject({
			source: 'mt5',
			type: 'deposit',
			status: 'succeeded',
			login: String(login),
			amount: '250.50',
			idempotencyKey: 'praxis:8823',
			dealComment: 'praxis:8823',
			alreadyApplied: false,
		});
		expect(balanceDeals()).toHaveLength(1);
		expect(balanceDeals()[0]).toMatchObject({ Profit: '250.50', Comment: 'praxis:8823', Deal: item.json.transactionId });
	});

	it('reaches a server given by an IPv6 address ([::1]) and credits once', async () => {
		const v6 = await startSimulator(new Mt5Simulator({ accounts: [] }), { host: '::1' });
		try {
			expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
			const account = v6.simulator.addAccount({ group: 'real\\standard', name: 'IPv6 Client', leverage: 100 });
			const result = await runWorkflow(workflow, {
				input: [{ login: String(account), amount: '10.00', key: 'praxis:ipv6' }],
				credentials: { metaTrader5Api: { ...credentials().metaTrader5Api, serverUrl: v6.url } },
			});
			expect(result.outputs[NODE][0].map((item) => item.json.alreadyApplied)).toEqual([false]);
			expect(v6.simulator.dealsOf(account).filter((deal) => deal.Comment === 'praxis:ipv6')).toHaveLength(1);
		} finally {
			await v6.close();
		}
	});

	it('reads the credential once for a run of many deposits (n8n reads and decrypts it from its database each time)', async () => {
		const result = await run([1, 2, 3, 4, 5].map((n) => ({ login: String(login), amount: `${n}.00`, key: `praxis:reads-${n}` })));

		expect(result.outputs[NODE][0].map((item) => item.json.alreadyApplied)).toStrictEqual([false, false, false, false, false]);
		expect(balanceDeals()).toHaveLength(5);
		expect(result.credentialReads).toBe(1);
	});

	it('does not credit the same event twice, even after the process forgot it (the ledger decides)', async () => {
		await run([{ login: String(login), amount: '100.00', key: 'praxis:1' }]);
		processClaims.clear();
		const again = await run([{ login: String(login), amount: '100.00', key: 'praxis:1' }]);

		expect(again.outputs[NODE][0][0].json.alreadyApplied).toBe(true);
		expect(balanceDeals()).toHaveLength(1);
	});

	it('credits once when ten executions deliver the same deposit concurrently', async () => {
		const runs = await Promise.all(
			Array.from({ length: 10 }, async () => await run([{ login: String(login), amount: '75.00', key: 'coinspaid:tx-77' }])),
		);

		const applied = runs.map((r) => r.outputs[NODE][0][0].json.alreadyApplied);
		expect(applied.filter((a) => a === false)).toHaveLength(1);
		expect(new Set(runs.map((r) => r.outputs[NODE][0][0].json.transactionId)).size).toBe(1);
		expect(balanceDeals()).toHaveLength(1);
	});

	it('credits once when the answer is lost after MT5 applied it (timeout after commit), finding its deal instead of retrying', async () => {
		mt5.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/api/trade/balance' });
		const result = await run([{ login: String(login), amount: '500.00', key: 'praxis:lost-answer' }]);

		expect(result.outputs[NODE][1] ?? []).toEqual([]);
		// This execution's own call moved the money; the node learnt its ticket from the ledger.
		expect(result.outputs[NODE][0][0].json).toMatchObject({ alreadyApplied: false, amount: '500.00' });
		expect(result.outputs[NODE][0][0].json.transactionId).toBe(balanceDeals()[0]?.Deal);
		expect(balanceDeals()).toHaveLength(1);
		expect(mt5.simulator.faults.fired.map((f) => f.kind)).toEqual(['timeoutAfterCommit']);
	});

	it("reads MT5's Retry-After: a wait longer than allowed stops the item, naming it, and credits nothing", async () => {
		mt5.simulator.faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 600 }, path: '/api/deal/get_batch' });
		const result = await run([{ login: String(login), amount: '30.00', key: 'praxis:429' }]);

		expect(result.outputs[NODE][0] ?? []).toEqual([]);
		expect(String(result.outputs[NODE][1][0].json.error)).toMatch(/asked to wait until .* longer than Max Retry-After Wait allows \(60 s\)/);
		expect(balanceDeals()).toHaveLength(0);
	});

	it('retries a 503 on the balance call and credits once', async () => {
		mt5.simulator.faults.add({ fault: { kind: 'status', status: 503 }, path: '/api/trade/balance' });
		const result = await run([{ login: String(login), amount: '20.00', key: 'praxis:503' }]);

		expect(result.outputs[NODE][0][0].json.transactionId).toBe(balanceDeals()[0]?.Deal);
		expect(balanceDeals()).toHaveLength(1);
	});

	it('logs in again when the server lost the session mid-run, and credits once', async () => {
		await run([{ login: String(login), amount: '10.00', key: 'praxis:before' }]);
		mt5.simulator.faults.add({ fault: { kind: 'sessionLoss' }, path: '/api/trade/balance' });
		const result = await run([{ login: String(login), amount: '11.00', key: 'praxis:after' }]);

		expect(result.outputs[NODE][0][0].json).toMatchObject({ amount: '11.00', alreadyApplied: false });
		expect(balanceDeals().map((deal) => deal.Comment)).toEqual(['praxis:before', 'praxis:after']);
	});

	it('pings before a write that follows silence, so a connection dropped while idle is replaced by a harmless read', async () => {
		setMt5PingAfterIdleMs(0);
		try {
			await run([{ login: String(login), amount: '5.00', key: 'praxis:idle-1' }]);
			mt5.dropConnections();
			// Counts requests without changing them: a zero-delay fault on the paths of interest.
			mt5.simulator.faults.add({ fault: { kind: 'delay', ms: 0 }, path: '/api/test/access', times: 10 });
			mt5.simulator.faults.add({ fault: { kind: 'delay', ms: 0 }, path: '/api/deal/get_batch', times: 10 });
			const result = await run([{ login: String(login), amount: '6.00', key: 'praxis:idle-2' }]);

			expect(result.outputs[NODE][0][0].json).toMatchObject({ amount: '6.00', alreadyApplied: false });
			const paths = mt5.simulator.faults.fired.map((f) => f.path);
			expect(paths.filter((p) => p === '/api/test/access')).toHaveLength(1);
			// One ledger look-up before applying; none after, because the write never met a dead socket.
			expect(paths.filter((p) => p === '/api/deal/get_batch')).toHaveLength(1);
			expect(balanceDeals()).toHaveLength(2);
		} finally {
			setMt5PingAfterIdleMs(20_000);
		}
	});

	it('keeps every call of a run on one connection with one session', async () => {
		await run([
			{ login: String(login), amount: '1.00', key: 'k:1' },
			{ login: String(login), amount: '2.00', key: 'k:2' },
			{ login: String(login), amount: '3.00', key: 'k:3' },
		]);
		const sessions = (mt5.simulator.state() as { sessions: Array<{ connectionId: number }> }).sessions;
		expect(sessions).toHaveLength(1);
		expect(balanceDeals()).toHaveLength(3);
	});

	it('routes a withdrawal larger than the balance to the error output with MT5\'s reason in words', async () => {
		await run([{ login: String(login), amount: '50.00', key: 'praxis:dep' }]);
		const result = await run([{ login: String(login), amount: '80.00', key: 'praxis:wd' }], withOperation('withdrawal'));

		const [valid, invalid] = result.outputs[NODE];
		expect(valid).toEqual([]);
		expect(invalid[0].json.error).toContain('there is not enough money');
		expect(invalid[0].json.error).toContain('10019');
		expect(balanceDeals()).toHaveLength(1);
	});

	it('debits a withdrawal as a negative balance deal', async () => {
		await run([{ login: String(login), amount: '50.00', key: 'praxis:dep2' }]);
		const result = await run([{ login: String(login), amount: '20.00', key: 'praxis:wd2' }], withOperation('withdrawal'));

		expect(result.outputs[NODE][0][0].json).toMatchObject({ type: 'withdrawal', amount: '-20.00' });
		expect(balanceDeals().map((deal) => deal.Profit)).toEqual(['50.00', '-20.00']);
	});

	it('books credit in and out, bonus and a negative correction with their MT5 deal types', async () => {
		await run([{ login: String(login), amount: '100.00', key: 'crm:credit-in' }], withOperation('creditIn'));
		await run([{ login: String(login), amount: '40.00', key: 'crm:credit-out' }], withOperation('creditOut'));
		await run([{ login: String(login), amount: '25.00', key: 'crm:bonus' }], withOperation('bonus'));
		const correction = await run([{ login: String(login), amount: '-10.00', key: 'crm:correction' }], withOperation('correction'));

		expect(correction.outputs[NODE][0][0].json).toMatchObject({ type: 'correction', amount: '-10.00' });
		const booked = mt5.simulator
			.dealsOf(login)
			.filter((deal) => String(deal.Comment).startsWith('crm:'))
			.map((deal) => [deal.Action, deal.Profit, deal.Comment]);
		expect(booked).toEqual([
			['3', '100.00', 'crm:credit-in'],
			['3', '-40.00', 'crm:credit-out'],
			['6', '25.00', 'crm:bonus'],
			['5', '-10.00', 'crm:correction'],
		]);
	});

	it('names the field when the amount or the key is unusable', async () => {
		const result = await run([
			{ login: String(login), amount: '1,000', key: 'praxis:x' },
			{ login: String(login), amount: '-5', key: 'praxis:y' },
			{ login: String(login), amount: '5', key: '' },
			{ login: 'abc', amount: '5', key: 'praxis:z' },
		]);

		expect(result.outputs[NODE][1].map((item) => item.json.error)).toEqual([
			'"Amount" must be a decimal number such as "100.50" (digits, optional sign and point, no thousands separators), got "1,000"',
			'"Amount": must be positive for a Deposit; the operation sets the direction',
			'"Idempotency Key": is empty; use the source event\'s ID, e.g. praxis:8823',
			'"Login": must be an MT5 account number, got "abc"',
		]);
		expect(balanceDeals()).toHaveLength(0);
	});

	it('shortens a long key to MT5\'s 31-character comment, stably', async () => {
		const key = 'coinspaid:5f0c2d8e-1b7a-4a57-9d1e-3f2b8c9a0d11';
		await run([{ login: String(login), amount: '9.00', key }]);
		processClaims.clear();
		const again = await run([{ login: String(login), amount: '9.00', key }]);

		expect(balanceDeals()).toHaveLength(1);
		expect(String(balanceDeals()[0].Comment)).toHaveLength(31);
		expect(again.outputs[NODE][0][0].json.alreadyApplied).toBe(true);
	});
});
