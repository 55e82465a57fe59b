/**
 * The "Operations: review queue" and "Operations: failed executions to the review queue" templates
 * in real n8n. The queue is seeded through n8n's public Data Table API with the 7 columns every
 * template creates it with: ops list the open items, dismiss one (who and why end up in its reason),
 * and retry deposits — an item whose key is already on the client's MT5 ledger is recorded in the
 * CRM if it is missing there and resolved, one that is not stays open with instructions. The
 * deposit template runs beside them: a deposit credited while the CRM was down lands in the queue
 * through it, and a retry finishes it. A workflow that names the error template as its Error
 * workflow and fails on purpose puts its failure into the queue with an alert.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit } from '../../sandbox/praxis';
import { startN8n, type E2eWorkflow, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest, eventually } from './support';

const COLUMNS = ['received_at', 'idempotency_key', 'client_id', 'amount', 'currency', 'reason', 'status'].map((name) => ({ name, type: 'string' }));
const FAILING_WORKFLOW_NAME = 'E2E: fails on purpose';

interface QueueRow {
	id: number;
	idempotency_key: string;
	reason: string;
	status: string;
	[column: string]: unknown;
}

describe('Review queue templates in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let errorWorkflowId = '';
	let failingWorkflowId = '';
	const ids: Record<string, number> = {};

	const ops = async (action: string, body: unknown, key = OPS_RUN_KEY) => {
		const response = await fetch(n8n.webhookUrl(`review-queue/${action}`), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': key },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		// n8n answers a refused webhook call in plain text.
		const json = /^\s*[{[]/.test(text) ? (JSON.parse(text) as Record<string, any>) : { text };
		return { status: response.status, json };
	};
	const crmTransactions = (reference: string) => sandbox.crm.simulator.state().transactions.filter((t) => t.reference === reference);
	const depositDeals = (key: string) => sandbox.mt5.simulator.dealsOf(500001).filter((d) => d.Comment === key);
	const queueRows = async (): Promise<QueueRow[]> => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: 'brokerage_review_queue' }))}`);
		const table = tables.data.find((t) => t.name === 'brokerage_review_queue');
		return table ? (await n8n.api.request<{ data: QueueRow[] }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data : [];
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const reviewQueue = loadTemplate('review-queue', wiring);
		const errorWorkflow = loadTemplate('error-to-review-queue', wiring);
		const deposits = loadTemplate('deposit-credit-once', wiring);
		errorWorkflowId = errorWorkflow.id as string;
		failingWorkflowId = 'e2efailsonpurpos';
		const failing: E2eWorkflow = {
			id: failingWorkflowId,
			name: FAILING_WORKFLOW_NAME,
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], parameters: { httpMethod: 'POST', path: 'e2e/fails-on-purpose', responseMode: 'onReceived', options: {} } },
				{ name: 'Fail on Purpose', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [240, 0], parameters: { errorType: 'errorMessage', errorMessage: 'Deliberate failure for the review-queue test' } },
			],
			connections: { Start: { main: [[{ node: 'Fail on Purpose', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', errorWorkflow: errorWorkflowId },
		};
		n8n = await startN8n({
			// n8n 2.8 runs an Error workflow only in its published (active) version.
			workflows: [reviewQueue, errorWorkflow, failing, deposits],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis'],
		});

		// Client 1001's MT5 account 500001 already carries the deposit "praxis:rq-credited" (credited after the item was queued).
		sandbox.mt5.simulator.seedBalanceOperation(500001, 2, 100, 'praxis:rq-credited');
		const table = await n8n.api.request<{ id: string }>('POST', '/data-tables', { name: 'brokerage_review_queue', columns: COLUMNS });
		const noMt5 = await crmRequest(sandbox, 'POST', '/api/clients', { first_name: 'Nora', last_name: 'NoAccount', email: 'nora@example.com', country: 'CY' });
		// Queued a minute apart, oldest first in this order (the list sorts by received_at).
		let minute = 0;
		const row = (idempotency_key: string, reason: string, status = 'open', client_id = '1001', amount = '100.00') => ({
			received_at: new Date(Date.now() - (60 - minute++) * 60_000).toISOString(), idempotency_key, client_id, amount, currency: 'USD', reason, status,
		});
		const inserted = await n8n.api.request<QueueRow[]>('POST', `/data-tables/${table.id}/rows`, {
			data: [
				row('praxis:rq-credited', 'MetaTrader 5 did not answer in time'),
				row('praxis:rq-missing', 'client 1001 has no MT5 or cTrader account linked in the CRM'),
				row('kyc:review:1001:2026-11-02', 'Sumsub answered 503', 'open', '1001', ''),
				row('ltv-cac:2026-11-02T07:00:00Z:affiliate', '"spend.currency": is EUR but the report is in USD', 'open', '', '700.00'),
				row('praxis:rq-old', 'duplicate notification', 'dismissed'),
				row('praxis:rq-no-mt5', 'client has no MT5 or cTrader account linked in the CRM', 'open', String(noMt5.id)),
			],
			returnType: 'all',
		});
		for (const r of inserted) ids[r.idempotency_key] = r.id;
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('lists the open items oldest first with counts per status, and refuses a caller without the Ops run key', async () => {
		const { status, json } = await ops('list', {});
		expect(status).toBe(200);
		expect(json).toMatchObject({ status: 'open', count: 5, total: 6, counts: { open: 5, dismissed: 1 } });
		expect(json.items.map((i: QueueRow) => i.idempotency_key)).toEqual(
			['praxis:rq-credited', 'praxis:rq-missing', 'kyc:review:1001:2026-11-02', 'ltv-cac:2026-11-02T07:00:00Z:affiliate', 'praxis:rq-no-mt5'],
		);
		expect(json.items[0]).toEqual({
			id: ids['praxis:rq-credited'], received_at: expect.any(String), idempotency_key: 'praxis:rq-credited', client_id: '1001', amount: '100.00', currency: 'USD',
			reason: 'MetaTrader 5 did not answer in time', status: 'open',
		});
		expect((await ops('list', { status: 'dismissed' })).json.items.map((i: QueueRow) => i.idempotency_key)).toEqual(['praxis:rq-old']);

		expect((await ops('list', {}, 'wrong-key')).status).toBe(403);
	});

	it('dismisses an open item with who and why, which the list then shows as dismissed', async () => {
		const id = ids['kyc:review:1001:2026-11-02'];
		const { status, json } = await ops('dismiss', { id, by: 'anna', note: 'client re-verified by phone' });
		expect(status).toBe(200);
		expect(json).toMatchObject({ result: 'dismissed', item: { id, status: 'dismissed' } });
		expect(json.item.reason).toMatch(/^Sumsub answered 503 \| dismissed \d{4}-\d\d-\d\dT[^ ]+Z by anna: client re-verified by phone$/);

		const open = (await ops('list', {})).json;
		expect(open.items.map((i: QueueRow) => i.id)).not.toContain(id);
		expect(open.counts).toEqual({ open: 4, dismissed: 2 });
		const dismissed = (await ops('list', { status: 'dismissed' })).json.items.find((i: QueueRow) => i.id === id);
		expect(dismissed).toMatchObject({ status: 'dismissed', reason: expect.stringContaining('by anna: client re-verified by phone') });
	});

	it('refuses to dismiss without a note, an item that is not open, or an unknown id, changing nothing', async () => {
		expect(await ops('dismiss', { id: ids['praxis:rq-missing'], by: 'anna' })).toMatchObject({ status: 400, json: { result: 'refused' } });
		expect(await ops('dismiss', { id: ids['praxis:rq-old'], by: 'anna', note: 'again' })).toMatchObject({ status: 409, json: { result: 'not_open', status: 'dismissed' } });
		expect(await ops('dismiss', { id: 999999, by: 'anna', note: 'x' })).toMatchObject({ status: 404, json: { result: 'not_found' } });
		expect((await queueRows()).find((r) => r.id === ids['praxis:rq-missing'])).toMatchObject({ status: 'open', reason: 'client 1001 has no MT5 or cTrader account linked in the CRM' });
	});

	it('retry records in the CRM and resolves a deposit whose key is already on the client\'s MT5 ledger', async () => {
		const { status, json } = await ops('retry', { id: ids['praxis:rq-credited'], by: 'anna' });
		expect(status).toBe(200);
		expect(json).toMatchObject({ result: 'resolved', item: { status: 'resolved' }, deal: { login: '500001', amount: '100.00' } });
		const row = (await queueRows()).find((r) => r.id === ids['praxis:rq-credited']);
		expect(row?.status).toBe('resolved');
		expect(row?.reason).toContain(`resolved`);
		expect(row?.reason).toContain(`MT5 deal ${json.deal.dealId as string} on account 500001 carries the key`);
		expect(crmTransactions('praxis:rq-credited')).toEqual([expect.objectContaining({ client_id: 1001, login: '500001', amount: '100.00', currency: 'USD', psp: 'praxis', psp_transaction_id: 'rq-credited' })]);
	});

	it('retry leaves a deposit that is not on the ledger open and says what to do', async () => {
		const { status, json } = await ops('retry', { id: ids['praxis:rq-missing'], by: 'anna' });
		expect(status).toBe(200);
		expect(json.result).toBe('still_open');
		expect(json.message).toContain('MT5 account 500001 has no deal for praxis:rq-missing');
		expect(json.message).toContain('re-send the notification');
		expect((await queueRows()).find((r) => r.id === ids['praxis:rq-missing'])?.status).toBe('open');
	});

	it('retry leaves a deposit of a client without an MT5 account open and says so', async () => {
		const { status, json } = await ops('retry', { id: ids['praxis:rq-no-mt5'], by: 'anna' });
		expect(status).toBe(200);
		expect(json).toMatchObject({ result: 'still_open', message: expect.stringMatching(/^Client \d+ has no MT5 account in the CRM\. The item stays open\./) });
		expect((await queueRows()).find((r) => r.id === ids['praxis:rq-no-mt5'])?.status).toBe('open');
	});

	it('retry of an item that is not a deposit answers not_retryable and says how to handle it', async () => {
		const { status, json } = await ops('retry', { id: ids['ltv-cac:2026-11-02T07:00:00Z:affiliate'] });
		expect(status).toBe(422);
		expect(json).toMatchObject({ result: 'not_retryable', message: expect.stringContaining('then dismiss this item with a note') });
		expect((await ops('retry', { id: ids['praxis:rq-credited'] })).json.result).toBe('not_open');
	});

	it('a deposit credited while the CRM was down lands in the queue; retry records it in the CRM once and resolves it', async () => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		await openPraxisDeposit(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid: '1001', orderId: 'rq-dep-crm-down', amountMinor: 7_500, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') },
		);
		sandbox.crm.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'PUT', path: '/api/transactions/by-reference/*' });
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('rq-dep-crm-down', { status: 'approved' });
		const key = `praxis:${transaction.tid}`;
		let item: QueueRow | undefined;
		await eventually(async () => {
			item = (await queueRows()).find((r) => r.idempotency_key === key);
			expect(item).toMatchObject({ status: 'open', client_id: '1001', amount: '75.00', currency: 'USD' });
			expect(sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text)).toEqual([expect.stringContaining(`Payment event ${key}`)]);
		}, 60_000);
		// Claimed in the CRM before the credit, never completed there: the retry completes it.
		expect(crmTransactions(key)).toEqual([expect.objectContaining({ status: 'pending', login: '500001', amount: '75.00' })]);
		expect(depositDeals(key)).toHaveLength(1);

		const { status, json } = await ops('retry', { id: item!.id, by: 'anna' });
		expect(status).toBe(200);
		expect(json).toMatchObject({ result: 'resolved', deal: { login: '500001', amount: '75.00', currency: 'USD' } });
		expect(crmTransactions(key)).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', type: 'deposit', amount: '75.00', currency: 'USD', status: 'completed', psp: 'praxis', psp_transaction_id: String(transaction.tid) }),
		]);
		expect((await queueRows()).find((r) => r.id === item!.id)?.status).toBe('resolved');

		// A second retry changes nothing: the item is no longer open, one deal, one CRM record.
		expect(await ops('retry', { id: item!.id })).toMatchObject({ status: 409, json: { result: 'not_open' } });
		expect(depositDeals(key)).toHaveLength(1);
		expect(crmTransactions(key)).toHaveLength(1);
	});

	it('puts a failed execution of a workflow that names the error template into the queue, with an alert', async () => {
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const response = await fetch(n8n.webhookUrl('e2e/fails-on-purpose'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const [failed] = await n8n.api.waitForExecutions(failingWorkflowId, { status: 'error' });
		await n8n.api.waitForExecutions(errorWorkflowId, { status: 'success', timeoutMs: 60_000 });

		const row = (await queueRows()).find((r) => r.idempotency_key === `n8n-execution:${failed.id}`);
		expect(row).toMatchObject({
			status: 'open',
			client_id: '',
			reason: `Workflow "${FAILING_WORKFLOW_NAME}" execution ${failed.id} failed at node "Fail on Purpose": Deliberate failure for the review-queue test`,
		});
		await eventually(() => {
			const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
			expect(alerts).toEqual([expect.stringContaining(`Workflow "${FAILING_WORKFLOW_NAME}" failed (execution ${failed.id})`)]);
		});
		// Ops see it in the list like any other item.
		expect((await ops('list', {})).json.items.map((i: QueueRow) => i.idempotency_key)).toContain(`n8n-execution:${failed.id}`);
	});
});
