/**
 * The "Operations: import PSP settlement report" template in real n8n: a Praxis or CoinsPaid CSV
 * export lands in the `psp_transactions` Data Table under the keys the deposit and withdrawal
 * templates use, importing it again changes nothing, a changed status updates the row, bad rows are
 * answered with row + column + reason, queued and alerted while the good rows still land, and the
 * daily reconciliation then reconciles against the imported rows.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { crmRequest } from './support';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

const LOGIN = 500001;
const CLIENT_ID = 1001;
const BALANCE = 2;

const utcDay = (daysFromToday: number) => {
	const now = new Date();
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + daysFromToday)).toISOString().slice(0, 10);
};

/** A CSV text from a header and rows (no cell here needs quoting). */
const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';

const PRAXIS_HEADER = ['tid', 'order_id', 'transaction_type', 'transaction_status', 'processed_amount', 'processed_currency', 'fee', 'fee_included', 'withdrawal_request_id', 'cid', 'payment_method', 'created_at', 'updated_at'];
const COINSPAID_HEADER = ['id', 'type', 'status', 'currency', 'amount', 'fee', 'foreign_id', 'address', 'txid', 'created_at', 'updated_at'];

interface ImportAnswer {
	ok: boolean;
	provider: string;
	rowsRead: number;
	inserted: number;
	updated: number;
	unchanged: number;
	rejected: number;
	failed: number;
	rejectedRows: Array<{ row: number; key: string | null; problems: Array<{ field: string; problem: string }> }>;
	updatedRows: Array<{ row: number; key: string; changes: Record<string, { from: string; to: string }> }>;
	error?: string;
}

describe('PSP settlement import template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let importId = '';
	let reconciliationId = '';

	const tableNamed = async (name: string) => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
		return tables.data.find((t) => t.name === name);
	};
	const rowsOf = async (name: string) => {
		const table = await tableNamed(name);
		return table ? (await n8n.api.request<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data : [];
	};
	const pspRows = async (key: string) => (await rowsOf('psp_transactions')).filter((r) => r.idempotency_key === key);

	/** Uploads a report as n8n's Webhook takes it: a multipart file `report`, or a text/csv body. */
	const importReport = async (provider: string, text: string, { as = 'file', key = OPS_RUN_KEY }: { as?: 'file' | 'body'; key?: string } = {}) => {
		const before = (await n8n.api.listExecutions({ workflowId: importId })).length;
		let response: Response;
		if (as === 'file') {
			const form = new FormData();
			form.append('provider', provider);
			form.append('report', new Blob([text], { type: 'text/csv' }), `${provider}-export.csv`);
			response = await fetch(n8n.webhookUrl('psp-settlement-import'), { method: 'POST', headers: { 'x-ops-key': key }, body: form });
		} else {
			response = await fetch(`${n8n.webhookUrl('psp-settlement-import')}?provider=${provider}`, {
				method: 'POST',
				headers: { 'x-ops-key': key, 'content-type': 'text/csv' },
				body: text,
			});
		}
		const body = (await response.text()) || '{}';
		if (response.status !== 403) await n8n.api.waitForExecutions(importId, { count: before + 1, status: 'success' });
		return { status: response.status, answer: JSON.parse(body.startsWith('{') ? body : '{}') as ImportAnswer, raw: body };
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('psp-settlement-import', wiring);
		const reconciliation = loadTemplate('daily-reconciliation', wiring);
		importId = template.id as string;
		reconciliationId = reconciliation.id as string;
		const nodes = reconciliation.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [template, { ...reconciliation, nodes }], credentials: sandboxCredentials(wiring) });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('a Praxis export (file upload) lands under praxis:<tid> with decimal amounts, net after an included fee, and UTC times', async () => {
		const day = utcDay(-12);
		const report = csv(PRAXIS_HEADER, [
			['880101', 'dep-1', 'sale', 'approved', '100.00', 'USD', '2.80', '1', '', '1001', 'Credit Card', `${day} 09:58:12`, `${day} 10:00:00`],
			// Times with an offset are converted: 12:30 at +02:00 is 10:30 UTC.
			['880102', 'wd-1', 'payout', 'approved', '250.5', 'EUR', '0', '0', '4411', '1002', 'Credit Card', `${day}T12:29:00+02:00`, `${day}T12:30:00+02:00`],
			['880103', 'dep-2', 'sale', 'pending', '15000', 'JPY', '', '', '', '1003', 'Skrill', `${day} 23:59:59`, ''],
		]);
		const { status, answer } = await importReport('praxis', report);
		expect(status).toBe(200);
		expect(answer).toMatchObject({ ok: true, provider: 'praxis', rowsRead: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0, failed: 0 });

		expect(await pspRows('praxis:880101')).toEqual([
			expect.objectContaining({
				transaction_id: '880101', source: 'praxis', type: 'deposit', status: 'succeeded', gross_amount: '100.00', net_amount: '97.20',
				currency: 'USD', client_id: '1001', updated_at_utc: `${day}T10:00:00.000Z`,
			}),
		]);
		expect(await pspRows('praxis:880102')).toEqual([
			expect.objectContaining({ type: 'withdrawal', status: 'succeeded', gross_amount: '250.50', net_amount: '250.50', currency: 'EUR', withdrawal_request_id: '4411', updated_at_utc: `${day}T10:30:00.000Z` }),
		]);
		// Only created_at given: it is the time; JPY has no decimals.
		expect(await pspRows('praxis:880103')).toEqual([
			expect.objectContaining({ status: 'pending', gross_amount: '15000', net_amount: '15000', currency: 'JPY', updated_at_utc: `${day}T23:59:59.000Z` }),
		]);
	});

	it('a CoinsPaid export (text/csv body) lands under coinspaid:<id>; a withdrawal keeps our key as foreign_id, a deposit its client', async () => {
		const day = utcDay(-11);
		const report = csv(COINSPAID_HEADER, [
			['5550001', 'deposit', 'confirmed', 'BTC', '0.01500000', '0.00015', '1001', 'bc1qexample', 'txid-a', `${day} 08:00:00`, `${day} 08:20:00`],
			['5550002', 'withdrawal', 'confirmed', 'USDT', '500', '1.5', 'coinspaid:withdrawal:77', 'TXexample', 'txid-b', `${day} 11:00:00`, `${day} 11:05:00`],
			['5550003', 'deposit', 'not_confirmed', 'ETH', '0.123456789012345678', '', '1002', '0xexample', 'txid-c', `${day} 12:00:00`, `${day} 12:00:00`],
		]);
		const { status, answer } = await importReport('coinspaid', report, { as: 'body' });
		expect(status).toBe(200);
		expect(answer).toMatchObject({ provider: 'coinspaid', rowsRead: 3, inserted: 3, rejected: 0 });

		expect(await pspRows('coinspaid:5550001')).toEqual([
			expect.objectContaining({ transaction_id: '5550001', source: 'coinspaid', type: 'deposit', status: 'succeeded', gross_amount: '0.015', net_amount: '0.01485', currency: 'BTC', client_id: '1001', updated_at_utc: `${day}T08:20:00.000Z` }),
		]);
		expect(await pspRows('coinspaid:5550002')).toEqual([
			expect.objectContaining({ type: 'withdrawal', gross_amount: '500.00', net_amount: '498.50', currency: 'USDT', foreign_id: 'coinspaid:withdrawal:77', client_id: '' }),
		]);
		expect(await pspRows('coinspaid:5550003')).toEqual([expect.objectContaining({ status: 'pending', gross_amount: '0.123456789012345678', currency: 'ETH' })]);
	});

	it('importing the same report again inserts nothing: every row is unchanged', async () => {
		const day = utcDay(-10);
		const report = csv(PRAXIS_HEADER, [
			['880201', 'dep-3', 'sale', 'approved', '40.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:00:00`, `${day} 09:01:00`],
			['880202', 'dep-4', 'sale', 'rejected', '60.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:10:00`, `${day} 09:11:00`],
		]);
		expect((await importReport('praxis', report)).answer).toMatchObject({ inserted: 2, unchanged: 0 });
		const rowsBefore = (await rowsOf('psp_transactions')).length;

		const again = await importReport('praxis', report);
		expect(again.status).toBe(200);
		expect(again.answer).toMatchObject({ rowsRead: 2, inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
		expect(await rowsOf('psp_transactions')).toHaveLength(rowsBefore);
		expect(await pspRows('praxis:880201')).toHaveLength(1);
	});

	it('an overlapping report with a chargeback updates that row and adds only the new one', async () => {
		const day = utcDay(-9);
		const first = csv(PRAXIS_HEADER, [
			['880301', 'dep-5', 'sale', 'approved', '300.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 10:00:00`, `${day} 10:00:30`],
			['880302', 'dep-6', 'sale', 'approved', '20.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 11:00:00`, `${day} 11:00:30`],
		]);
		expect((await importReport('praxis', first)).answer).toMatchObject({ inserted: 2 });

		const next = utcDay(-8);
		const overlapping = csv(PRAXIS_HEADER, [
			['880301', 'dep-5', 'sale', 'chargeback', '300.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 10:00:00`, `${next} 07:45:00`],
			['880302', 'dep-6', 'sale', 'approved', '20.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 11:00:00`, `${day} 11:00:30`],
			['880303', 'dep-7', 'sale', 'approved', '35.00', 'USD', '', '', '', '1001', 'Credit Card', `${next} 08:00:00`, `${next} 08:00:10`],
		]);
		const { answer } = await importReport('praxis', overlapping);
		expect(answer).toMatchObject({ rowsRead: 3, inserted: 1, updated: 1, unchanged: 1, rejected: 0 });
		expect(answer.updatedRows).toEqual([
			{ row: 2, key: 'praxis:880301', changes: { status: { from: 'succeeded', to: 'chargeback' }, updated_at_utc: { from: `${day}T10:00:30.000Z`, to: `${next}T07:45:00.000Z` } } },
		]);
		expect(await pspRows('praxis:880301')).toEqual([expect.objectContaining({ status: 'chargeback', updated_at_utc: `${next}T07:45:00.000Z` })]);

		// The older report imported afterwards does not turn the chargeback back into "succeeded".
		expect((await importReport('praxis', first)).answer).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
		expect(await pspRows('praxis:880301')).toEqual([expect.objectContaining({ status: 'chargeback' })]);
	});

	it('bad rows are answered with row, column and reason, queued once and alerted; the good rows of the file still land', async () => {
		const day = utcDay(-7);
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const report = csv(PRAXIS_HEADER, [
			['880401', 'ok-1', 'sale', 'approved', '10.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:00:00`, `${day} 09:00:00`],
			['', 'no-id', 'sale', 'approved', '11.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:01:00`, `${day} 09:01:00`],
			['880403', 'bad-amount', 'sale', 'approved', '12.5O', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:02:00`, `${day} 09:02:00`],
			['880404', 'bad-currency', 'sale', 'approved', '13.00', 'XYZ', '', '', '', '1001', 'Credit Card', `${day} 09:03:00`, `${day} 09:03:00`],
			['880405', 'bad-date', 'sale', 'approved', '14.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:04:00`, 'yesterday'],
			['880406', 'bad-status', 'sale', 'halfway', '15.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 09:05:00`, `${day} 09:05:00`],
			['880407', 'ok-2', 'payout', 'approved', '16.00', 'USD', '', '', '9911', '1001', 'Credit Card', `${day} 09:06:00`, `${day} 09:06:00`],
		]);
		const { status, answer } = await importReport('praxis', report);
		expect(status).toBe(200);
		expect(answer).toMatchObject({ rowsRead: 7, inserted: 2, rejected: 5 });
		const byRow = Object.fromEntries(answer.rejectedRows.map((r) => [r.row, r]));
		expect(Object.keys(byRow).map(Number)).toEqual([3, 4, 5, 6, 7]);
		expect(byRow[3]).toEqual({ row: 3, key: null, problems: [{ field: 'tid', problem: expect.stringMatching(/empty/) }] });
		expect(byRow[4]).toEqual({ row: 4, key: 'praxis:880403', problems: [{ field: 'processed_amount', problem: expect.stringMatching(/"12\.5O" is not a number/) }] });
		expect(byRow[5].problems).toEqual([{ field: 'processed_currency', problem: expect.stringMatching(/"XYZ" is not a known currency/) }]);
		expect(byRow[6].problems).toEqual([{ field: 'updated_at', problem: expect.stringMatching(/"yesterday" is not a date/) }]);
		expect(byRow[7].problems).toEqual([{ field: 'transaction_status', problem: expect.stringMatching(/"halfway" is not a known status/) }]);

		expect(await pspRows('praxis:880401')).toHaveLength(1);
		expect(await pspRows('praxis:880407')).toEqual([expect.objectContaining({ type: 'withdrawal', withdrawal_request_id: '9911' })]);
		for (const key of ['praxis:880403', 'praxis:880404', 'praxis:880405', 'praxis:880406']) expect(await pspRows(key)).toEqual([]);

		const queued = (await rowsOf('brokerage_review_queue')).filter((r) => String(r.reason).includes('Praxis settlement report'));
		expect(queued.map((r) => r.idempotency_key).sort()).toEqual(['praxis:880403', 'praxis:880404', 'praxis:880405', 'praxis:880406', 'psp-settlement-import:praxis:row 3'].sort());
		for (const row of queued) expect(row).toMatchObject({ status: 'open', reason: expect.stringMatching(/row \d, not imported: \S+ /) });
		expect(queued.find((r) => r.idempotency_key === 'praxis:880404')).toMatchObject({ amount: '13.00', currency: 'XYZ', client_id: '1001' });

		const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
		expect(alerts).toHaveLength(1);
		expect(alerts[0]).toContain('5 item(s)');
		for (const row of [3, 4, 5, 6, 7]) expect(alerts[0]).toContain(`row ${row}, not imported`);

		// The same file again: nothing new to queue, so no second alert.
		expect((await importReport('praxis', report)).answer).toMatchObject({ inserted: 0, unchanged: 2, rejected: 5 });
		expect((await rowsOf('brokerage_review_queue')).filter((r) => String(r.reason).includes('Praxis settlement report'))).toHaveLength(5);
		expect(sandbox.alerts.simulator.received().slice(alertsBefore)).toHaveLength(1);
	});

	it('a wrong ops key is refused with 403 and runs nothing', async () => {
		const before = (await n8n.api.listExecutions({ workflowId: importId })).length;
		const { status } = await importReport('praxis', csv(PRAXIS_HEADER, []), { key: 'not-the-key' });
		expect(status).toBe(403);
		expect(await n8n.api.listExecutions({ workflowId: importId })).toHaveLength(before);
	});

	it('a report without a provider, or from the other PSP, is refused whole with 400', async () => {
		const report = csv(COINSPAID_HEADER, [['5559999', 'deposit', 'confirmed', 'BTC', '0.1', '', '1001', 'a', 'b', '2026-01-01 00:00:00', '']]);
		const noProvider = await importReport('', report);
		expect(noProvider.status).toBe(400);
		expect(noProvider.answer.error).toMatch(/provider=praxis or provider=coinspaid/);
		const wrongProvider = await importReport('praxis', report);
		expect(wrongProvider.status).toBe(400);
		expect(wrongProvider.answer.error).toMatch(/not a praxis export.*no column "tid"/);
		expect(await pspRows('coinspaid:5559999')).toEqual([]);
	});

	it('the daily reconciliation reads the imported rows: a reported deposit with no MT5 credit is its only finding', async () => {
		const day = utcDay(-4);
		const credited = 'praxis:880501';
		sandbox.mt5.simulator.seedBalanceOperation(LOGIN, BALANCE, 80, credited, new Date(`${day}T12:00:20.000Z`));
		await crmRequest(sandbox, 'POST', '/api/transactions', {
			client_id: CLIENT_ID, login: String(LOGIN), type: 'deposit', amount: '80.00', currency: 'USD', status: 'completed', psp: 'praxis', psp_transaction_id: '880501', reference: credited, occurred_at: `${day}T12:00:20.000Z`,
		});
		const report = csv(PRAXIS_HEADER, [
			['880501', 'dep-8', 'sale', 'approved', '80.00', 'USD', '', '', '', String(CLIENT_ID), 'Credit Card', `${day} 11:59:00`, `${day} 12:00:00`],
			['880502', 'dep-9', 'sale', 'approved', '50.00', 'USD', '', '', '', String(CLIENT_ID), 'Credit Card', `${day} 14:59:00`, `${day} 15:00:00`],
		]);
		expect((await importReport('praxis', report)).answer).toMatchObject({ inserted: 2, rejected: 0 });

		const before = (await n8n.api.listExecutions({ workflowId: reconciliationId })).length;
		const response = await fetch(n8n.webhookUrl('daily-reconciliation'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify({ day }),
		});
		expect(response.status).toBe(200);
		await n8n.api.waitForExecutions(reconciliationId, { count: before + 1, status: 'success' });
		const run = await n8n.api.getExecution((await n8n.api.listExecutions({ workflowId: reconciliationId }))[0].id);

		expect(nodeOutput(run, 'Reconciliation', 1)[0]).toMatchObject({ clean: false, counts: { total: 1, missingCredit: 1 }, compared: { pspTransactions: 2, deals: 1 } });
		expect(nodeOutput(run, 'Reconciliation', 0)).toEqual([expect.objectContaining({ key: 'praxis:880502', kind: 'missingCredit', amounts: expect.objectContaining({ psp: '50.00' }) })]);
	});

	// Last: it replaces the table with one whose `source` column takes only true/false.
	it('a row the table refuses is answered 500, queued and alerted, never silently lost', async () => {
		const table = await tableNamed('psp_transactions');
		if (table) await n8n.api.request('DELETE', `/data-tables/${table.id}`);
		const columns = ['transaction_id', 'source', 'type', 'status', 'gross_amount', 'net_amount', 'currency', 'idempotency_key', 'withdrawal_request_id', 'foreign_id', 'login', 'client_id', 'updated_at_utc'];
		await n8n.api.request('POST', '/data-tables', { name: 'psp_transactions', columns: columns.map((name) => ({ name, type: name === 'source' ? 'boolean' : 'string' })) });
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const day = utcDay(-3);

		const { status, answer } = await importReport('praxis', csv(PRAXIS_HEADER, [['880601', 'dep-10', 'sale', 'approved', '70.00', 'USD', '', '', '', '1001', 'Credit Card', `${day} 10:00:00`, `${day} 10:00:00`]]));
		expect(status).toBe(500);
		expect(answer).toMatchObject({ ok: false, rowsRead: 1, inserted: 0, failed: 1 });
		expect((await rowsOf('brokerage_review_queue')).filter((r) => r.idempotency_key === 'praxis:880601')).toEqual([
			expect.objectContaining({ status: 'open', amount: '70.00', currency: 'USD', reason: expect.stringMatching(/row 2, could not be written to psp_transactions/) }),
		]);
		expect(sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text)).toEqual([expect.stringContaining('row 2, could not be written to psp_transactions')]);
	});
});
