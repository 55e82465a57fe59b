/**
 * The "Transaction history to the CRM" template in real n8n: every MT5 balance deal of the last
 * 25 hours — our templates' and a dealer's by hand — lands in the CRM once, by reference, with its
 * time in UTC; a deal the deposit template already recorded is not duplicated; a deal of an account
 * no CRM client has goes to the review queue with one alert.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import type { CrmTransaction } from '../../sandbox/crm/simulator';
import { openPraxisDeposit } from '../../sandbox/praxis';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

/** MT5 EnDealAction of `/api/trade/balance` types (reference/trading.md §1.4). */
const BALANCE = 2;
const CREDIT = 3;
const CORRECTION = 5;
const BONUS = 6;

describe('Transaction history template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let runs = 0;
	let unlinkedLogin = 0;
	/** The Praxis transaction the deposit template credited and recorded before the first sync. */
	let praxisTid = 0;
	/** Each seeded deal's ticket and the UTC instant it was booked at. */
	const deals: Record<string, { ticket: number; atUtc: string }> = {};

	/** Starts one run with the Ops run key (optionally over an explicit period) and waits for it. */
	const sync = async (period?: { from: string; to: string }) => {
		const response = await fetch(n8n.webhookUrl('transaction-history-sync'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify(period ?? {}),
		});
		expect(response.status).toBe(200);
		runs++;
		const [latest] = await n8n.api.waitForExecutions(workflowId, { count: runs, status: 'success' });
		return await n8n.api.getExecution(latest.id);
	};
	const crmTransactions = (): CrmTransaction[] => sandbox.crm.simulator.state().transactions;
	const byReference = (reference: string) => crmTransactions().filter((t) => t.reference === reference);
	/** A whole second some hours ago, as MT5 keeps deal times in seconds here. */
	const hoursAgo = (hours: number) => new Date(Math.floor((Date.now() - hours * 3_600_000) / 1000) * 1000).toISOString();
	const book = (name: string, login: number, type: number, amount: number, comment: string, atUtc: string) => {
		deals[name] = { ticket: sandbox.mt5.simulator.seedBalanceOperation(login, type, amount, comment, atUtc), atUtc };
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const crm = sandbox.crm.simulator.credentials();
		// The deposit template credited praxis:880001 on MT5 and recorded it in the CRM by that reference.
		book('ourDeposit', 500001, BALANCE, 247, 'praxis:880001', hoursAgo(5));
		const recorded = await fetch(`${sandbox.crm.url}/api/transactions/by-reference/praxis:880001`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', 'x-api-key': crm.apiKey },
			body: JSON.stringify({ client_id: 1001, login: '500001', type: 'deposit', amount: '247.00', currency: 'USD', status: 'completed', method: 'card', psp: 'praxis', psp_transaction_id: '880001' }),
		});
		expect(recorded.status).toBe(201);
		// The withdrawal template records a Praxis request before the MT5 login is known (login null)
		// under the key it then debits MT5 with.
		book('ourWithdrawal', 500001, BALANCE, -80, 'praxis:withdrawal:40099', hoursAgo(5));
		const request = await fetch(`${sandbox.crm.url}/api/transactions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': crm.apiKey },
			body: JSON.stringify({ client_id: 1001, type: 'withdrawal', amount: '80.00', currency: 'USD', status: 'approved', method: 'Credit Card', psp: 'praxis', psp_transaction_id: '40099', reference: 'praxis:withdrawal:40099' }),
		});
		expect(request.status).toBe(201);
		// What a dealer booked by hand in the MT5 manager (comments are free text there).
		book('manualDeposit', 500001, BALANCE, 1000, 'Wire 25/11 ref 7781', hoursAgo(4));
		book('withdrawal', 500002, BALANCE, -300.5, 'Withdrawal to card', hoursAgo(3));
		book('bonus', 500002, BONUS, 50, 'Welcome bonus', hoursAgo(2));
		book('creditIn', 500001, CREDIT, 200, 'Credit line', hoursAgo(2));
		book('correction', 500001, CORRECTION, -12.34, 'Fee correction', hoursAgo(1));
		// Older than the 25 hours a scheduled run reads: only an explicit period imports it.
		book('lastWeek', 500002, BALANCE, 75, 'Old wire', hoursAgo(24 * 7));
		unlinkedLogin = sandbox.mt5.simulator.addAccount({ group: 'real\\standard', name: 'Not In CRM' });
		book('unlinked', unlinkedLogin, BALANCE, 500, 'Wire from bank', hoursAgo(1));

		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('transaction-history-sync', wiring);
		workflowId = template.id as string;
		// The hourly schedule stays off here: runs are started (and counted) by the test alone.
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		const deposits = loadTemplate('deposit-credit-once', wiring);
		n8n = await startN8n({ workflows: [{ ...template, nodes }, deposits], credentials: sandboxCredentials(wiring), waitForWebhooks: ['praxis'] });

		// A real deposit through the deposit template: credited on MT5 and recorded in the CRM by its key.
		const praxis = sandbox.praxis.simulator.credentials();
		await openPraxisDeposit(
			{ baseUrl: sandbox.praxis.url, merchantId: praxis.merchant_id, applicationKey: praxis.application_key, merchantSecret: praxis.merchant_secret },
			{ cid: '1002', orderId: 'history-dep-1', amountMinor: 12_500, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') },
		);
		praxisTid = (await sandbox.praxis.simulator.completeDeposit('history-dep-1', { status: 'approved', fee: 250 })).transaction.tid;
		await n8n.api.waitForExecutions(deposits.id as string, { count: 1, status: 'success' });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('records a dealer\'s manual deposit, a withdrawal, a bonus, credit and a correction once, with UTC times', async () => {
		await sync();
		const ref = (name: string, login: number) => `mt5:${login}:${deals[name].ticket}`;
		const expected = [
			{ name: 'manualDeposit', login: 500001, client: 1001, type: 'deposit', amount: '1000.00', method: 'mt5_balance' },
			{ name: 'withdrawal', login: 500002, client: 1002, type: 'withdrawal', amount: '300.50', method: 'mt5_balance' },
			{ name: 'bonus', login: 500002, client: 1002, type: 'bonus', amount: '50.00', method: 'mt5_bonus' },
			{ name: 'creditIn', login: 500001, client: 1001, type: 'credit_in', amount: '200.00', method: 'mt5_credit' },
			{ name: 'correction', login: 500001, client: 1001, type: 'correction', amount: '12.34', method: 'mt5_correction_debit' },
		];
		for (const deal of expected) {
			expect(byReference(ref(deal.name, deal.login))).toEqual([
				expect.objectContaining({
					client_id: deal.client,
					login: String(deal.login),
					type: deal.type,
					amount: deal.amount,
					currency: 'USD',
					status: 'completed',
					method: deal.method,
					occurred_at: deals[deal.name].atUtc,
				}),
			]);
		}
	});

	it('does not duplicate a deposit the deposit template credited and recorded', async () => {
		expect(sandbox.mt5.simulator.dealsOf(500002).filter((d) => d.Comment === `praxis:${praxisTid}`).map((d) => d.Profit)).toEqual(['122.50']);
		expect(crmTransactions().filter((t) => t.psp_transaction_id === String(praxisTid))).toEqual([
			expect.objectContaining({ reference: `praxis:${praxisTid}`, client_id: 1002, login: '500002', amount: '122.50', method: expect.not.stringMatching(/^mt5_/) }),
		]);
	});

	it('does not duplicate a deposit already recorded in the CRM under its key', async () => {
		expect(byReference('praxis:880001')).toEqual([expect.objectContaining({ id: 5002, method: 'card', amount: '247.00', type: 'deposit' })]);
		expect(crmTransactions().filter((t) => t.login === '500001' && t.amount === '247.00')).toHaveLength(1);
	});

	it('does not duplicate or queue a withdrawal the withdrawal template recorded before the login was known', async () => {
		expect(byReference('praxis:withdrawal:40099')).toEqual([expect.objectContaining({ login: null, type: 'withdrawal', amount: '80.00', method: 'Credit Card' })]);
		expect(crmTransactions().filter((t) => t.type === 'withdrawal' && t.amount === '80.00')).toHaveLength(1);
		expect(sandbox.alerts.simulator.received().map((a) => a.text ?? '').filter((t) => t.includes('praxis:withdrawal:40099'))).toEqual([]);
	});

	it('puts a deal of an account no CRM client has in the review queue and alerts ops', async () => {
		const key = `mt5:${unlinkedLogin}:${deals.unlinked.ticket}`;
		expect(byReference(key)).toEqual([]);
		const [execution] = await n8n.api.listExecutions({ workflowId, limit: 1 });
		const queued = nodeOutput(await n8n.api.getExecution(execution.id), 'Add to Review Queue');
		expect(queued).toEqual([
			expect.objectContaining({ idempotency_key: key, client_id: '', amount: '500.00', status: 'open', reason: expect.stringContaining('no CRM client has this MT5 account') }),
		]);
		const alerts = sandbox.alerts.simulator.received().map((a) => a.text);
		expect(alerts).toEqual([expect.stringContaining(`Transaction history: ${key} (500.00) is in the review queue`)]);
		expect(alerts[0]).toContain(`MT5 deposit deal ${deals.unlinked.ticket} of account ${unlinkedLogin} at ${deals.unlinked.atUtc}`);
	});

	it('creates nothing new and alerts nothing new when the same period is synced again', async () => {
		const before = crmTransactions().map((t) => ({ ...t }));
		const events = sandbox.crm.simulator.emittedEvents.length;
		const execution = await sync();
		expect(crmTransactions()).toEqual(before);
		expect(sandbox.crm.simulator.emittedEvents).toHaveLength(events);
		expect(nodeOutput(execution, 'Not Yet in Review Queue')).toEqual([]);
		expect(sandbox.alerts.simulator.received()).toHaveLength(1);
	});

	it('queues a deal the CRM failed to save, and the next run records it once', async () => {
		const alertsBefore = sandbox.alerts.simulator.received().length;
		book('crmDown', 500002, BALANCE, 40, 'Cash desk', hoursAgo(0.5));
		const key = `mt5:500002:${deals.crmDown.ticket}`;
		sandbox.crm.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'PUT', path: `/api/transactions/by-reference/${encodeURIComponent(key)}` });
		const failed = await sync();
		expect(byReference(key)).toEqual([]);
		expect(nodeOutput(failed, 'Add to Review Queue')).toEqual([
			expect.objectContaining({ idempotency_key: key, client_id: '1002', amount: '40.00', currency: 'USD', reason: expect.stringContaining('the CRM did not save it') }),
		]);
		expect(sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text)).toEqual([expect.stringContaining(`${key} (40.00 USD) is in the review queue`)]);

		await sync();
		expect(byReference(key)).toEqual([expect.objectContaining({ client_id: 1002, type: 'deposit', amount: '40.00', occurred_at: deals.crmDown.atUtc })]);
		expect(sandbox.alerts.simulator.received()).toHaveLength(alertsBefore + 1);
	});

	it('queues a deal whose key the CRM already holds for another money movement, instead of merging them', async () => {
		const alertsBefore = sandbox.alerts.simulator.received().length;
		book('clash', 500001, BALANCE, 99, 'praxis:880002', hoursAgo(0.25));
		const other = await fetch(`${sandbox.crm.url}/api/transactions/by-reference/praxis:880002`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
			body: JSON.stringify({ client_id: 1002, login: '500002', type: 'deposit', amount: '15.00', currency: 'USD', status: 'completed' }),
		}).then(async (r) => (await r.json()) as CrmTransaction);
		const execution = await sync();
		expect(byReference('praxis:880002')).toEqual([other]);
		expect(nodeOutput(execution, 'Add to Review Queue')).toEqual([
			expect.objectContaining({ idempotency_key: 'praxis:880002', client_id: '1001', amount: '99.00', reason: expect.stringContaining(`already belongs to CRM transaction ${other.id}`) }),
		]);
		expect(sandbox.alerts.simulator.received()).toHaveLength(alertsBefore + 1);
	});

	it('imports older history when Run Now is given a period', async () => {
		expect(byReference(`mt5:500002:${deals.lastWeek.ticket}`)).toEqual([]);
		await sync({ from: hoursAgo(24 * 8), to: hoursAgo(0) });
		expect(byReference(`mt5:500002:${deals.lastWeek.ticket}`)).toEqual([expect.objectContaining({ type: 'deposit', amount: '75.00', occurred_at: deals.lastWeek.atUtc })]);
	});
});
