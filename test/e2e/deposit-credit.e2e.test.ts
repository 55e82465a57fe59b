/**
 * The "Deposit: credit the trading account exactly once" template in real n8n: an approved Praxis
 * deposit is credited (net of the PSP fee) to the client's MT5 account once, however often the
 * notification arrives, and recorded in the CRM; a deposit that cannot be credited lands in the
 * review queue with an alert.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit } from '../../sandbox/praxis';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';

describe('Deposit template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';

	/** Opens a Praxis deposit session for a CRM client, as the cashier page would. */
	const openDeposit = async (cid: string, orderId: string, amountMinor: number) => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		await openPraxisDeposit(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') },
		);
	};
	const depositDeals = (login: number, key: string) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Comment === key);

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('deposit-credit-once', wiring);
		workflowId = template.id as string;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['praxis'] });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('credits an approved deposit net of the PSP fee and records it in the CRM', async () => {
		await openDeposit('1001', 'dep-template-1', 25_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-1', { status: 'approved', fee: 300 });
		await n8n.api.waitForExecutions(workflowId, { count: 1, status: 'success' });

		const key = `praxis:${transaction.tid}`;
		expect(depositDeals(500001, key).map((d) => d.Profit)).toEqual(['247.00']);
		const crm = sandbox.crm.simulator.state().transactions;
		expect(crm.filter((t) => t.psp_transaction_id === String(transaction.tid))).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', amount: '247.00', currency: 'USD', status: 'completed', psp: 'praxis' }),
		]);
	});

	it('credits once when the same notification is delivered three times', async () => {
		await openDeposit('1001', 'dep-template-2', 10_000);
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 3 });
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-2', { status: 'approved' });
		await n8n.api.waitForExecutions(workflowId, { count: 2, status: 'success' });

		expect(depositDeals(500001, `praxis:${transaction.tid}`)).toHaveLength(1);
	});

	it('debits a chargeback of the credited net once, blocks the client and notes why', async () => {
		await openDeposit('1002', 'dep-template-cb', 40_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-cb', { status: 'approved', fee: 1_000 });
		await n8n.api.waitForExecutions(workflowId, { count: 3, status: 'success' });
		await sandbox.praxis.simulator.chargeback(transaction.tid);
		await n8n.api.waitForExecutions(workflowId, { count: 4, status: 'success' });

		expect(depositDeals(500002, `praxis:${transaction.tid}`).map((d) => d.Profit)).toEqual(['390.00']);
		expect(depositDeals(500002, `praxis:${transaction.tid}:chargeback`).map((d) => d.Profit)).toEqual(['-390.00']);
		const client = sandbox.crm.simulator.state().clients.find((c) => c.id === 1002);
		expect(client?.status).toBe('blocked');
		expect(sandbox.crm.simulator.state().notes.map((n) => n.body)).toEqual([
			expect.stringContaining(`Account blocked: chargeback on praxis transaction ${transaction.tid}; 390.00 USD debited from MT5 500002.`),
		]);
	});

	it('puts a deposit it cannot credit in the review queue and alerts ops', async () => {
		const before = sandbox.alerts.simulator.received().length;
		await openDeposit('9999', 'dep-template-3', 5_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-3', { status: 'approved' });
		const executions = await n8n.api.waitForExecutions(workflowId, { count: 5, status: 'success' });

		const queued = nodeOutput(await n8n.api.getExecution(executions[0].id), 'Add to Review Queue');
		expect(queued).toEqual([expect.objectContaining({ idempotency_key: `praxis:${transaction.tid}`, client_id: '9999', amount: '50.00', status: 'open' })]);
		const alerts = sandbox.alerts.simulator.received().slice(before).map((a) => a.text);
		expect(alerts).toEqual([expect.stringContaining(`Payment event praxis:${transaction.tid} for client 9999 (50.00 USD) is in the review queue`)]);
	});
});
