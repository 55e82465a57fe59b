/**
 * cTrader balance operations move money exactly once: against the cTrader simulator over real
 * HTTP, through the node as n8n runs it. The simulator's balance history is the proof. Several
 * cases run against a server that does NOT refuse a repeated externalId (`externalIdPolicy:
 * 'accept'`), since cTrader's docs do not promise that it does.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { CTraderSimulator } from '../../sandbox/ctrader';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/ctrader-balance.json';

// The runner loads the node from dist/, so the process-wide claim store and breakers it uses are
// dist's copies, not the TypeScript sources'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { processClaims } = require('../../dist/lib/idempotency') as typeof import('../../lib/idempotency');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Credit Deposit';

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error('the condition never became true');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** Another system's deposit, straight through the WebServices API (not through the node). */
async function depositDirectly(baseUrl: string, login: number, amount: string, externalId: string): Promise<void> {
	const hashedPassword = createHash('md5').update('sandbox-manager-pass').digest('hex');
	const tokenAnswer = await fetch(`${baseUrl}/webserv/managers/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ login: 30017, hashedPassword }),
	});
	const { webservToken } = (await tokenAnswer.json()) as { webservToken: string };
	const answer = await fetch(`${baseUrl}/webserv/traders/${login}/changebalance?token=${webservToken}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ login, preciseAmount: Number(amount), type: 'DEPOSIT', externalId }),
	});
	if (answer.status !== 200) throw new Error(`the direct deposit failed: ${answer.status} ${await answer.text()}`);
}

function withOperation(operation: string, options: INodeParameters = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, operation, balanceOptions: options } })),
	};
}

describe.each([
	['refuses a repeated externalId', 'reject'],
	['accepts a repeated externalId', 'accept'],
] as const)('cTrader balance operations, exactly once, on a server that %s', (_title, externalIdPolicy) => {
	let ctrader: RunningSimulator<CTraderSimulator>;
	let login: number;
	// A fresh object per run: n8n writes the fetched token into the credential data it is given.
	const credentials = () => ({
		cTraderApi: {
			baseUrl: ctrader.url,
			managerLogin: '30017',
			password: 'sandbox-manager-pass',
			brokerName: 'sandboxbroker',
			webservToken: '',
		},
	});
	const run = async (input: IDataObject[], wf = workflow) => await runWorkflow(wf, { input, credentials: credentials() });
	const deposits = () => ctrader.simulator.balanceHistory(login);

	beforeAll(async () => {
		ctrader = await startSimulator(new CTraderSimulator({ externalIdPolicy, seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});
	beforeEach(() => {
		ctrader.simulator.reset();
		ctrader.simulator.faults.clear();
		processClaims.clear();
		resetBreakers();
		login = ctrader.simulator.seedTrader({ name: 'Eleni', lastName: 'Christodoulou', balance: '0' });
	});

	it('credits a deposit with the idempotency key as externalId and cTrader\'s balanceHistoryId as the transaction id', async () => {
		const result = await run([{ login: String(login), amount: '250.50', key: 'praxis:8823' }]);

		const [[item]] = [result.outputs[NODE][0]];
		expect(item.json).toMatchObject({
			source: 'ctrader',
			type: 'deposit',
			status: 'succeeded',
			login: String(login),
			amount: '250.50',
			currency: 'USD',
			idempotencyKey: 'praxis:8823',
			externalId: 'praxis:8823',
			alreadyApplied: false,
			confirmedBy: 'answer',
		});
		expect(deposits()).toHaveLength(1);
		expect(deposits()[0]).toMatchObject({ type: 'DEPOSIT', preciseAmount: '250.5', externalId: 'praxis:8823' });
		expect(item.json.transactionId).toBe(String(deposits()[0].balanceHistoryId));
		expect(ctrader.simulator.balanceOf(login)).toBe('250.50');
	});

	it('reads the credential once for a credit, not once per call (n8n reads and decrypts it from its database each time)', async () => {
		const result = await run([{ login: String(login), amount: '10.00', key: 'praxis:reads' }]);

		expect(result.outputs[NODE][0]).toHaveLength(1);
		expect(result.credentialReads).toBe(1);
	});

	it('credits once when the same event arrives twice in a row', async () => {
		await run([{ login: String(login), amount: '100.00', key: 'praxis:1' }]);
		const again = await run([{ login: String(login), amount: '100.00', key: 'praxis:1' }]);

		expect(again.outputs[NODE][0][0].json).toMatchObject({ alreadyApplied: true, confirmedBy: 'thisProcess' });
		expect(deposits()).toHaveLength(1);
		expect(ctrader.simulator.balanceOf(login)).toBe('100.00');
	});

	it('credits once when the same event appears twice in one run', async () => {
		const result = await run([
			{ login: String(login), amount: '40.00', key: 'praxis:dup' },
			{ login: String(login), amount: '40.00', key: 'praxis:dup' },
		]);

		expect(result.outputs[NODE][0].map((item) => item.json.alreadyApplied)).toEqual([false, true]);
		expect(deposits()).toHaveLength(1);
	});

	it('credits once when ten executions deliver the same deposit concurrently', async () => {
		const runs = await Promise.all(
			Array.from({ length: 10 }, async () => await run([{ login: String(login), amount: '75.00', key: 'coinspaid:tx-77' }])),
		);

		const applied = runs.map((r) => r.outputs[NODE][0][0].json.alreadyApplied);
		expect(applied.filter((a) => a === false)).toHaveLength(1);
		expect(new Set(runs.map((r) => r.outputs[NODE][0][0].json.transactionId)).size).toBe(1);
		expect(deposits()).toHaveLength(1);
		expect(ctrader.simulator.balanceOf(login)).toBe('75.00');
	});

	it('credits once when the answer is lost after cTrader booked it (timeout after commit), seeing the balance moved instead of sending again', async () => {
		ctrader.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: `/webserv/traders/${login}/changebalance` });
		const result = await run([{ login: String(login), amount: '500.00', key: 'praxis:lost-answer' }]);

		expect(result.outputs[NODE][1] ?? []).toEqual([]);
		expect(result.outputs[NODE][0][0].json).toMatchObject({ alreadyApplied: false, confirmedBy: 'balanceCheck', amount: '500.00' });
		expect(deposits()).toHaveLength(1);
		expect(ctrader.simulator.balanceOf(login)).toBe('500.00');
		expect(ctrader.simulator.faults.fired.map((f) => f.kind)).toEqual(['timeoutAfterCommit']);
	});

	it('sends again when the connection dropped before cTrader booked anything, and credits once', async () => {
		ctrader.simulator.faults.add({ fault: { kind: 'reset' }, path: `/webserv/traders/${login}/changebalance` });
		const result = await run([{ login: String(login), amount: '20.00', key: 'praxis:reset' }]);

		expect(result.outputs[NODE][0][0].json).toMatchObject({ alreadyApplied: false, confirmedBy: 'answer' });
		expect(deposits()).toHaveLength(1);
	});

	it('refuses to guess, and says so, when the answer is lost and the balance moved by another amount meanwhile', async () => {
		ctrader.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: `/webserv/traders/${login}/changebalance` });
		// The node reads the trader before the change and again after the lost answer; both reads are
		// slowed down so another deposit can land in between, as a second cashier might.
		ctrader.simulator.faults.add({ fault: { kind: 'delay', ms: 300 }, method: 'GET', path: `/webserv/traders/${login}`, times: 2 });
		const pending = run([{ login: String(login), amount: '30.00', key: 'praxis:ambiguous' }]);
		await waitUntil(() => deposits().some((entry) => entry.externalId === 'praxis:ambiguous'));
		await depositDirectly(ctrader.url, login, '7.00', 'cashier:other');
		const result = await pending;

		const [valid, invalid] = result.outputs[NODE];
		expect(valid).toEqual([]);
		expect(invalid[0].json.error).toContain(`The deposit of 30.00 to trader ${login} may have been applied`);
		expect(invalid[0].json.error).toContain('moved by 37.00 meanwhile instead of 30.00');
		expect(deposits().map((entry) => entry.externalId)).toEqual(['praxis:ambiguous', 'cashier:other']);
	});

	it('routes a withdrawal larger than the balance to the error output with cTrader\'s reason in words', async () => {
		await run([{ login: String(login), amount: '50.00', key: 'praxis:dep' }]);
		const result = await run([{ login: String(login), amount: '80.00', key: 'praxis:wd' }], withOperation('withdrawal'));

		const [valid, invalid] = result.outputs[NODE];
		expect(valid).toEqual([]);
		expect(invalid[0].json.error).toContain(`cTrader could not debit the withdrawal of 80.00 from trader ${login}: there is not enough money on the account`);
		expect(invalid[0].json.error).toContain('NOT_ENOUGH_MONEY');
		expect(invalid[0].pairedItem).toEqual({ item: 0 });
		expect(deposits()).toHaveLength(1);
		expect(ctrader.simulator.balanceOf(login)).toBe('50.00');
	});

	it('debits a withdrawal and reports it as a negative amount', async () => {
		await run([{ login: String(login), amount: '50.00', key: 'praxis:dep2' }]);
		const result = await run([{ login: String(login), amount: '20.00', key: 'praxis:wd2' }], withOperation('withdrawal'));

		expect(result.outputs[NODE][0][0].json).toMatchObject({ type: 'withdrawal', amount: '-20.00' });
		expect(deposits().map((entry) => [entry.type, entry.delta])).toEqual([
			['DEPOSIT', '50.00'],
			['WITHDRAW', '-20.00'],
		]);
	});

	it('gives and takes back credit as cTrader\'s non-withdrawable bonus, leaving the balance alone', async () => {
		await run([{ login: String(login), amount: '100.00', key: 'bonus:in' }], withOperation('creditIn'));
		const out = await run([{ login: String(login), amount: '40.00', key: 'bonus:out' }], withOperation('creditOut'));

		expect(out.outputs[NODE][0][0].json).toMatchObject({ type: 'credit_out', amount: '-40.00' });
		expect(deposits().map((entry) => entry.type)).toEqual(['DEPOSIT_NONWITHDRAWABLE_BONUS', 'WITHDRAW_NONWITHDRAWABLE_BONUS']);
		expect(ctrader.simulator.trader(login)).toMatchObject({ balance: 0, nonWithdrawableBonus: 6000 });
	});

	it('names the field when the amount, the key or the login is unusable', async () => {
		const result = await run([
			{ login: String(login), amount: '1,000', key: 'praxis:x' },
			{ login: String(login), amount: '-5', key: 'praxis:y' },
			{ login: String(login), amount: '5', key: '' },
			{ login: 'abc', amount: '5', key: 'praxis:z' },
			{ login: String(login), amount: '5.001', key: 'praxis:w' },
		]);

		expect(result.outputs[NODE][1].map((item) => item.json.error)).toEqual([
			'"Amount" must be a decimal number such as "100.50" (digits, optional sign and point, no thousands separators), got "1,000"',
			'"Amount": must be positive for a Deposit; the operation sets the direction',
			'"Idempotency Key": is empty; use the source event\'s ID, e.g. praxis:8823',
			'"Login": must be a cTrader trader login (a whole number such as 3100101); it is "abc"',
			`"Amount": has more decimals than trader ${login}'s account allows (2): "5.001"`,
		]);
		expect(deposits()).toHaveLength(0);
	});
});

describe('cTrader balance operations across n8n processes', () => {
	let ctrader: RunningSimulator<CTraderSimulator>;
	const credentials = () => ({
		cTraderApi: { baseUrl: ctrader.url, managerLogin: '30017', password: 'sandbox-manager-pass', brokerName: 'sandboxbroker', webservToken: '' },
	});

	beforeAll(async () => {
		ctrader = await startSimulator(new CTraderSimulator({ seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});

	it('takes cTrader\'s refusal of a repeated externalId as "already applied" when this process has forgotten the key', async () => {
		const login = ctrader.simulator.seedTrader({ balance: '0' });
		await runWorkflow(workflow, { input: [{ login: String(login), amount: '10.00', key: 'praxis:restart' }], credentials: credentials() });
		processClaims.clear(); // as after a restart, or on another worker

		const again = await runWorkflow(workflow, { input: [{ login: String(login), amount: '10.00', key: 'praxis:restart' }], credentials: credentials() });

		const first = ctrader.simulator.balanceHistory(login)[0];
		expect(again.outputs[NODE][0][0].json).toMatchObject({
			alreadyApplied: true,
			confirmedBy: 'externalIdRefusal',
			transactionId: String(first.balanceHistoryId),
		});
		expect(ctrader.simulator.balanceHistory(login)).toHaveLength(1);
	});
});
