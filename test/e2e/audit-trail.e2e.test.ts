/**
 * The audit trail in real n8n: the deposit and provisioning templates write one outbox row per
 * change they make (brokerage_audit_outbox), and the "Operations: audit trail" template — the only
 * writer of brokerage_audit_trail — chains those rows into hash-linked records and checks the chain.
 * A replayed deposit is recorded as alreadyApplied without a second credit; overlapping chain runs
 * still give one valid chain with every row once; rows left in the outbox by a failed cleanup are
 * not chained again; a row the chain refuses goes to the review queue; and a record edited or
 * deleted through the Data Table API is reported by the verify webhook with one alert.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit, signJsonText } from '../../sandbox/praxis';
import { startN8n, type E2eWorkflow, type ExecutionSummary, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest, eventually } from './support';

const CRM_SECRET = 'whsec_e2e_audit_trail_0123456789abcdef';
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;

type Row = Record<string, unknown> & { id: number };

describe('Audit trail in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let audit: E2eWorkflow;
	let deposits: E2eWorkflow;
	let provisioning: E2eWorkflow;

	const tableId = async (name: string) => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
		return tables.data.find((t) => t.name === name)?.id;
	};
	const rowsOf = async (name: string): Promise<Row[]> => {
		const id = await tableId(name);
		if (!id) return [];
		// The suite writes a few dozen rows: one page holds them.
		return (await n8n.api.request<{ data: Row[] }>('GET', `/data-tables/${id}/rows?limit=250`)).data;
	};
	const outbox = () => rowsOf('brokerage_audit_outbox');
	const trail = async () => (await rowsOf('brokerage_audit_trail')).sort((a, b) => Number(a.sequence) - Number(b.sequence));
	/** Outbox rows not chained yet. The last chained row stays in the outbox as the marker of its ids. */
	const unchained = async () => {
		const chainedUpTo = Math.max(0, ...(await trail()).map((r) => Number(r.outbox_id)));
		const rows = await outbox();
		expect(rows.filter((r) => r.id < chainedUpTo)).toEqual([]);
		return rows.filter((r) => r.id > chainedUpTo);
	};

	const finished = async (workflowId: string) =>
		(await n8n.api.listExecutions({ workflowId, limit: 250 })).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
	/** Waits until `added` more runs than `before` have finished, and returns the new ones. */
	const newRuns = async (workflowId: string, before: ExecutionSummary[], added: number) => {
		await eventually(async () => expect((await finished(workflowId)).length).toBeGreaterThanOrEqual(before.length + added), 90_000);
		const seen = new Set(before.map((e) => e.id));
		return (await finished(workflowId)).filter((e) => !seen.has(e.id));
	};

	const ops = async (path: string) =>
		await fetch(n8n.webhookUrl(`audit-trail/${path}`), { method: 'POST', headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY }, body: '{}' });
	/** One chain run through the ops webhook, finished; its status. */
	const chain = async () => {
		const before = await finished(audit.id as string);
		expect((await ops('chain')).status).toBe(200);
		const [run] = await newRuns(audit.id as string, before, 1);
		return run.status;
	};
	const verify = async () => {
		const response = await ops('verify');
		return { status: response.status, json: (await response.json()) as { ok: boolean; checked: number; breaks: Array<{ sequence: number; kind: string; detail: string }>; lastHash: string | null } };
	};

	const praxisCredentials = () => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		return { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
	};
	/** An approved Praxis deposit of client 1001 (MT5 500001), credited by the deposit template. */
	const deposit = async (orderId: string, amountMinor: number) => {
		await openPraxisDeposit(praxisCredentials(), { cid: '1001', orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') });
		return await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
	};
	const deals = (key: string) => sandbox.mt5.simulator.dealsOf(500001).filter((d) => d.Comment === key);

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, CRM_SECRET);
		const template = loadTemplate('audit-trail', wiring);
		// The tests start each chain and check themselves; the every-minute run would race them.
		audit = { ...template, nodes: template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node)) };
		deposits = loadTemplate('deposit-credit-once', wiring);
		provisioning = loadTemplate('provision-trading-account', wiring);
		n8n = await startN8n({ workflows: [audit, deposits, provisioning], credentials: sandboxCredentials(wiring), waitForWebhooks: ['praxis', 'crm-kyc'] });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: CRM_SECRET });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	let depositKey = '';
	let depositRun = '';
	let login = '';
	let clientId = '';

	it('a deposit and an opened account each leave one outbox row with who, what, when and the outcome — ids only', async () => {
		const before = await finished(deposits.id as string);
		const { transaction } = await deposit('audit-dep-1', 12_500);
		const [run] = await newRuns(deposits.id as string, before, 1);
		expect(run.status).toBe('success');
		depositKey = `praxis:${transaction.tid}`;
		depositRun = run.id;

		const client = await crmRequest(sandbox, 'POST', '/api/clients', { first_name: 'Alma', last_name: 'Audit', email: 'alma.audit@example.com', country: 'CY' });
		clientId = String(client.id);
		const provisioned = await finished(provisioning.id as string);
		await crmRequest(sandbox, 'PATCH', `/api/clients/${clientId}`, { kyc_status: 'approved' });
		const [opened] = await newRuns(provisioning.id as string, provisioned, 1);
		expect(opened.status).toBe('success');
		login = String((sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number }> }).accounts.find((a) => a.comment === `crm:${clientId}`)?.login);

		const rows = await outbox();
		expect(rows).toHaveLength(2);
		const [credit, account] = rows;
		expect(credit).toMatchObject({
			workflow_id: deposits.id, workflow_name: deposits.name, execution_id: run.id,
			system: 'mt5', action: 'balance.deposit', subject: '500001', idempotency_key: depositKey, outcome: 'applied',
		});
		expect(String(credit.detail)).toMatch(/^125(\.00)? USD, mt5 transaction \d+$/);
		expect(account).toMatchObject({
			workflow_id: provisioning.id, workflow_name: provisioning.name, execution_id: opened.id,
			system: 'mt5', action: 'account.created', subject: login, idempotency_key: `provision:mt5:${clientId}`, outcome: 'applied',
		});
		for (const row of rows) {
			expect(row.at_utc).toMatch(ISO_UTC);
			expect(JSON.stringify(row)).not.toMatch(EMAIL);
		}
	});

	it('chains the outbox rows into hash-linked records with the same fields, leaving none unchained', async () => {
		expect(await chain()).toBe('success');

		const records = await trail();
		expect(records.map((r) => [r.sequence, r.action, r.subject, r.idempotencyKey, r.outcome])).toEqual([
			[1, 'balance.deposit', '500001', depositKey, 'applied'],
			[2, 'account.created', login, `provision:mt5:${clientId}`, 'applied'],
		]);
		expect(records[0]).toMatchObject({
			workflowId: deposits.id, workflowName: deposits.name, executionId: depositRun, system: 'mt5', previousHash: '0'.repeat(64),
			hash: expect.stringMatching(/^[0-9a-f]{64}$/), atUtc: expect.stringMatching(ISO_UTC),
		});
		expect(records[1].previousHash).toBe(records[0].hash);
		expect(JSON.stringify(records)).not.toMatch(EMAIL);
		expect(await unchained()).toEqual([]);
		expect(await verify()).toEqual({ status: 200, json: { ok: true, checked: 2, breaks: [], lastHash: records[1].hash } });
	});

	it('a replayed deposit is recorded as alreadyApplied and credits nothing a second time', async () => {
		const { merchant_secret } = sandbox.praxis.simulator.credentials();
		const [notification] = sandbox.praxis.simulator.notificationsFor('audit-dep-1');
		// A genuine resend carries a new timestamp (a new signature): it passes the trigger and runs again.
		const resent = (notification.body ?? '').replace(/"timestamp":(\d+)/, (_match, seconds: string) => `"timestamp":${Number(seconds) + 1}`);
		const before = await finished(deposits.id as string);
		const response = await fetch(n8n.webhookUrl('praxis'), {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', 'gt-authentication': signJsonText(resent, 'notification', merchant_secret) },
			body: resent,
		});
		expect(response.status).toBe(200);
		const [run] = await newRuns(deposits.id as string, before, 1);
		expect(run.status).toBe('success');
		expect(deals(depositKey)).toHaveLength(1);

		expect(await unchained()).toEqual([expect.objectContaining({ execution_id: run.id, action: 'balance.deposit', idempotency_key: depositKey, outcome: 'alreadyApplied' })]);
		expect(await chain()).toBe('success');
		expect((await trail()).at(-1)).toMatchObject({ sequence: 3, idempotencyKey: depositKey, outcome: 'alreadyApplied', executionId: run.id });
	});

	it('deposits arriving together and overlapping chain runs still give one valid chain with every row once', async () => {
		const before = await finished(deposits.id as string);
		const results = await Promise.all([1, 2, 3, 4, 5].map((n) => deposit(`audit-burst-${n}`, 1_000 * n)));
		const runs = await newRuns(deposits.id as string, before, 5);
		expect(runs.map((r) => r.status)).toEqual(Array<string>(5).fill('success'));
		const keys = results.map(({ transaction }) => `praxis:${transaction.tid}`);
		expect((await unchained()).map((r) => r.idempotency_key).sort()).toEqual([...keys].sort());

		// Three chain runs at once (as a minute's run and two ops calls could); then one more to finish
		// whatever an overlapping run left.
		const chainRuns = await finished(audit.id as string);
		const answers = await Promise.all([ops('chain'), ops('chain'), ops('chain')]);
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		await newRuns(audit.id as string, chainRuns, 3);
		expect(await chain()).toBe('success');

		const records = await trail();
		expect(records.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(records.slice(3).map((r) => r.idempotencyKey).sort()).toEqual([...keys].sort());
		expect(new Set(records.map((r) => r.outbox_id)).size).toBe(records.length);
		expect(await unchained()).toEqual([]);
		expect((await verify()).json).toMatchObject({ ok: true, checked: 8, breaks: [] });
	});

	it('rows left in the outbox by a failed cleanup are not chained a second time', async () => {
		// The cleanup steps switched off, as a failing Data Table delete would leave the outbox.
		const cleanup = ['Remove Chained from Outbox', 'Clear Already Chained Rows'];
		const setCleanup = async (enabled: boolean) => {
			const current = await n8n.api.request<E2eWorkflow>('GET', `/workflows/${audit.id as string}`);
			const nodes = current.nodes.map((node) => (cleanup.includes(node.name) ? { ...node, disabled: !enabled } : node));
			// Saving an active workflow through the API publishes the change.
			await n8n.api.request('PUT', `/workflows/${audit.id as string}`, { name: current.name, nodes, connections: current.connections, settings: current.settings });
		};
		const before = await finished(deposits.id as string);
		const { transaction } = await deposit('audit-cleanup', 2_000);
		await newRuns(deposits.id as string, before, 1);
		const key = `praxis:${transaction.tid}`;
		expect(await unchained()).toEqual([expect.objectContaining({ idempotency_key: key })]);

		await setCleanup(false);
		try {
			expect(await chain()).toBe('success');
			// The row chained before (the marker) and this one are both still there.
			expect((await outbox()).map((r) => r.idempotency_key)).toEqual([expect.any(String), key]);
			expect(await chain()).toBe('success');
		} finally {
			await setCleanup(true);
		}
		expect(await chain()).toBe('success');

		const records = await trail();
		expect(records.filter((r) => r.idempotencyKey === key)).toHaveLength(1);
		expect(records).toHaveLength(9);
		expect(await unchained()).toEqual([]);
		expect(await outbox()).toHaveLength(1);
		expect((await verify()).json).toMatchObject({ ok: true, checked: 9 });
	});

	it('a row the chain refuses (an e-mail address in it) goes to the review queue with an alert, and the chain goes on without it', async () => {
		const outboxId = await tableId('brokerage_audit_outbox');
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const [refused] = await n8n.api.request<Row[]>('POST', `/data-tables/${outboxId}/rows`, {
			data: [{
				at_utc: new Date().toISOString(), workflow_id: 'handmade', workflow_name: 'A hand-made workflow', execution_id: '1',
				system: 'crm', action: 'client.updated', subject: 'someone@example.com', idempotency_key: 'handmade:1', outcome: 'applied', detail: '',
			}],
			returnType: 'all',
		});

		expect(await chain()).toBe('success');
		const queued = (await rowsOf('brokerage_review_queue')).filter((r) => r.idempotency_key === `audit-outbox:${refused.id}`);
		expect(queued).toEqual([expect.objectContaining({ status: 'open', reason: expect.stringContaining('"Subject": looks like an e-mail address') })]);
		await eventually(() => {
			const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
			expect(alerts).toEqual([expect.stringContaining(`Audit outbox row ${refused.id} (client.updated by workflow A hand-made workflow`)]);
		});
		expect((await outbox()).map((r) => r.id)).not.toContain(refused.id);
		expect(await trail()).toHaveLength(9);
		expect((await verify()).json).toMatchObject({ ok: true, checked: 9 });
	});

	it('detects a record edited through the Data Table API, with one alert naming it', async () => {
		const trailId = await tableId('brokerage_audit_trail');
		const edit = (subject: string) =>
			n8n.api.request('PATCH', `/data-tables/${trailId}/rows/update`, { filter: { type: 'and', filters: [{ columnName: 'sequence', condition: 'eq', value: 4 }] }, data: { subject } });
		const original = (await trail()).find((r) => r.sequence === 4)?.subject as string;
		const alertsBefore = sandbox.alerts.simulator.received().length;
		await edit('999999');

		const { status, json } = await verify();
		expect(status).toBe(200);
		expect(json).toMatchObject({ ok: false, checked: 9, breaks: [{ sequence: 4, kind: 'edited' }] });
		expect(json.breaks).toHaveLength(1);
		await eventually(() => {
			const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
			expect(alerts).toEqual([expect.stringContaining('Audit trail check: 1 break(s) in 9 records')]);
			expect(alerts[0]).toContain('• sequence 4 edited');
		});

		await edit(original);
		expect((await verify()).json).toMatchObject({ ok: true, checked: 9 });
	});

	it('detects a deleted record as missing, with an alert', async () => {
		const trailId = await tableId('brokerage_audit_trail');
		const alertsBefore = sandbox.alerts.simulator.received().length;
		const filter = JSON.stringify({ type: 'and', filters: [{ columnName: 'sequence', condition: 'eq', value: 6 }] });
		await n8n.api.request('DELETE', `/data-tables/${trailId}/rows/delete?filter=${encodeURIComponent(filter)}`);

		const { json } = await verify();
		expect(json).toMatchObject({ ok: false, checked: 8, breaks: [{ sequence: 7, kind: 'missing' }] });
		expect(json.breaks[0].detail).toContain('sequence 6 is missing');
		await eventually(() => {
			const alerts = sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text);
			expect(alerts).toEqual([expect.stringContaining('• sequence 7 missing: sequence 6 is missing')]);
		});
	});
});
