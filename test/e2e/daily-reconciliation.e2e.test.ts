/**
 * The "Operations: daily reconciliation" template in real n8n: one UTC day with a planted missing
 * credit, a duplicate credit and an amount mismatch among clean deposits gives exactly those three
 * findings — one Slack alert listing them and three review-queue rows — and a clean day gives none.
 * PSP transactions come from the `psp_transactions` Data Table (the template's documented source),
 * MT5 balance deals from the MT5 sandbox, CRM transactions from the CRM sandbox by reference.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest } from './support';

const LOGIN = 500001;
const CLIENT_ID = 1001;
const PSP_COLUMNS = ['transaction_id', 'source', 'type', 'status', 'gross_amount', 'net_amount', 'currency', 'idempotency_key', 'withdrawal_request_id', 'foreign_id', 'login', 'client_id', 'updated_at_utc'];
const BALANCE = 2;

const utcDay = (daysFromToday: number) => {
	const now = new Date();
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + daysFromToday)).toISOString().slice(0, 10);
};

describe('Daily reconciliation template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let pspTableId = '';

	const tableNamed = async (name: string) => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
		return tables.data.find((t) => t.name === name);
	};
	const queueRows = async () => {
		const table = await tableNamed('brokerage_review_queue');
		return table ? (await n8n.api.request<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data : [];
	};
	const runNow = async (day: string) => {
		const before = (await n8n.api.listExecutions({ workflowId })).length;
		const response = await fetch(n8n.webhookUrl('daily-reconciliation'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify({ day }),
		});
		expect(response.status).toBe(200);
		await n8n.api.waitForExecutions(workflowId, { count: before + 1, status: 'success' });
		return n8n.api.getExecution((await n8n.api.listExecutions({ workflowId }))[0].id);
	};
	/** The Reconciliation node's summary in a run (its second output). */
	const summaryOf = (execution: Awaited<ReturnType<typeof runNow>>) => nodeOutput(execution, 'Reconciliation', 1)[0];

	/** A deposit as each system recorded it: the PSP row, the MT5 deals (comment = key) and the CRM transactions (reference = key). */
	const plantDeposit = async (day: string, id: number, at: string, psp: { net: string; gross?: string } | null, dealAmounts: number[], crmAmounts: string[]) => {
		const key = `praxis:${id}`;
		const time = `${day}T${at}:00.000Z`;
		if (psp) {
			await n8n.api.request('POST', `/data-tables/${pspTableId}/rows`, {
				data: [{
					transaction_id: String(id), source: 'praxis', type: 'deposit', status: 'succeeded', gross_amount: psp.gross ?? psp.net, net_amount: psp.net,
					currency: 'USD', idempotency_key: key, withdrawal_request_id: '', foreign_id: '', login: String(LOGIN), client_id: String(CLIENT_ID), updated_at_utc: time,
				}],
				returnType: 'count',
			});
		}
		dealAmounts.forEach((amount, n) => sandbox.mt5.simulator.seedBalanceOperation(LOGIN, BALANCE, amount, key, new Date(Date.parse(time) + (n + 1) * 5_000)));
		for (const amount of crmAmounts) {
			await crmRequest(sandbox, 'POST', '/api/transactions', {
				client_id: CLIENT_ID, login: String(LOGIN), type: 'deposit', amount, currency: 'USD', status: 'completed', psp: 'praxis', psp_transaction_id: String(id), reference: key, occurred_at: time,
			});
		}
		return key;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('daily-reconciliation', wiring);
		workflowId = template.id as string;
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [{ ...template, nodes }], credentials: sandboxCredentials(wiring) });
		const table = await n8n.api.request<{ id: string }>('POST', '/data-tables', { name: 'psp_transactions', columns: PSP_COLUMNS.map((name) => ({ name, type: 'string' })) });
		pspTableId = table.id;
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('finds the planted missing credit, duplicate and amount mismatch and nothing else: one alert, three review-queue rows', async () => {
		const day = utcDay(-3);
		// Clean deposits, one of them succeeded at 23:50 and credited after midnight (inside the grace).
		await plantDeposit(day, 7101, '08:15', { net: '100.00' }, [100], ['100.00']);
		await plantDeposit(day, 7102, '12:30', { net: '97.20', gross: '100.00' }, [97.2], ['97.20']);
		await plantDeposit(day, 7103, '23:58', { net: '250.00' }, [250], ['250.00']);
		const missing = await plantDeposit(day, 7201, '10:00', { net: '50.00' }, [], []);
		const duplicate = await plantDeposit(day, 7202, '14:00', { net: '75.00' }, [75, 75], ['75.00']);
		const mismatch = await plantDeposit(day, 7203, '16:00', { net: '100.00' }, [90], ['100.00']);
		// Another day's deposit: not this day's business.
		await plantDeposit(utcDay(-5), 7001, '09:00', null, [20], ['20.00']);

		const run = await runNow(day);
		expect(summaryOf(run)).toMatchObject({
			clean: false,
			counts: { total: 3, missingCredit: 1, duplicateCredit: 1, amountMismatch: 1, missingCrmRecord: 0, unknownCredit: 0, statusMismatch: 0 },
			compared: { pspTransactions: 6 },
		});
		expect(Object.fromEntries(nodeOutput(run, 'Reconciliation', 0).map((f) => [f.key, f.kind]))).toEqual({
			[missing]: 'missingCredit',
			[duplicate]: 'duplicateCredit',
			[mismatch]: 'amountMismatch',
		});

		const alerts = sandbox.alerts.simulator.received().map((a) => a.text);
		expect(alerts).toHaveLength(1);
		const lines = (alerts[0] ?? '').split('\n').filter((l) => l.startsWith('• '));
		expect(lines).toHaveLength(3);
		expect(alerts[0] ?? '').toContain(`Reconciliation of ${day} (UTC): 3 finding(s)`);
		for (const key of [missing, duplicate, mismatch]) expect(lines.filter((l) => l.includes(key))).toHaveLength(1);
		for (const clean of ['praxis:7101', 'praxis:7102', 'praxis:7103', 'praxis:7001']) expect(alerts[0] ?? '').not.toContain(clean);

		const rows = await queueRows();
		expect(rows.map((r) => r.idempotency_key).sort()).toEqual([missing, duplicate, mismatch].sort());
		for (const row of rows) {
			expect(row.status).toBe('open');
			expect(lines).toContain(`• ${String(row.reason)}`);
		}
		expect(String(rows.find((r) => r.idempotency_key === missing)?.reason)).toMatch(/missing|no deal|not credited/i);
	});

	it('a clean day sends no alert and queues nothing', async () => {
		const day = utcDay(-2);
		await plantDeposit(day, 7301, '09:00', { net: '40.00' }, [40], ['40.00']);
		await plantDeposit(day, 7302, '18:45', { net: '60.50', gross: '62.00' }, [60.5], ['60.50']);
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const rowsBefore = (await queueRows()).length;

		const run = await runNow(day);

		expect(summaryOf(run)).toMatchObject({ clean: true, counts: { total: 0 }, compared: { pspTransactions: 2, crmTransactions: 2 } });
		expect(sandbox.alerts.simulator.received()).toHaveLength(alertsBefore);
		expect(await queueRows()).toHaveLength(rowsBefore);
	});

	it('a CRM read that fails puts the day in the review queue with an alert and reports no findings', async () => {
		const day = utcDay(-1);
		await plantDeposit(day, 7401, '11:00', { net: '30.00' }, [30], ['30.00']);
		const alertsBefore = sandbox.alerts.simulator.received().length;
		sandbox.crm.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'GET', path: '/api/transactions', times: 50 });
		try {
			const run = await runNow(day);
			expect(Object.keys(run.data?.resultData.runData ?? {})).not.toContain('Reconciliation');
		} finally {
			sandbox.crm.simulator.faults.clear();
		}
		const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
		expect(alerts).toEqual([expect.stringContaining(`Reconciliation of ${day} did not run: could not read CRM transactions`)]);
		expect((await queueRows()).filter((r) => r.idempotency_key === `reconciliation:${day}:CRM transactions`)).toEqual([
			expect.objectContaining({ status: 'open', reason: expect.stringMatching(/503|unavailable/i) }),
		]);
	});
});
