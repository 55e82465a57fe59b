/**
 * The "Marketing: lifecycle e-mails" template in real n8n, in a time zone whose calendar date differs
 * from UTC's: registered-but-not-verified clients are reminded after 2 UTC days, verified clients
 * without a deposit after 3, first depositors are thanked — each once per client and kind, only with
 * marketing consent; a second run sends nothing new.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest } from './support';

/** A zone whose local date is not today's UTC date at this hour (UTC−11 before noon UTC, UTC+14 after). */
function zoneWithAnotherDate(now: Date): string {
	return now.getUTCHours() < 11 ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati';
}

const utcDate = (daysFromToday: number) => {
	const now = new Date();
	return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + daysFromToday)).toISOString().slice(0, 10);
};

const SUBJECTS = {
	verify: 'Complete your verification to start trading',
	fund: 'Your account is verified: fund it when you are ready',
	thanks: 'Thank you for your first deposit',
};

describe('Lifecycle e-mails template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	const clients: Record<string, number> = {};

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);
	/** A client registered today (UTC), at the given stage of the funnel. */
	const client = async (email: string, consent: boolean, stage: 'registered' | 'verified' | 'deposited') => {
		const created = await crmCall('POST', '/api/clients', { first_name: email.split('.')[0], last_name: 'Client', email, country: 'CY', marketing_consent: consent });
		const id = created.id as number;
		if (stage !== 'registered') await crmCall('PATCH', `/api/clients/${id}`, { kyc_status: 'approved' });
		if (stage === 'deposited') await crmCall('POST', '/api/transactions', { client_id: id, type: 'deposit', amount: '500.00', currency: 'EUR', status: 'completed', method: 'card' });
		return id;
	};
	const runNow = async (body: Record<string, unknown>) => {
		const before = (await n8n.api.listExecutions({ workflowId })).length;
		const response = await fetch(n8n.webhookUrl('lifecycle-emails'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY }, body: JSON.stringify(body) });
		expect(response.status).toBe(200);
		const [latest] = await n8n.api.waitForExecutions(workflowId, { count: before + 1 });
		return latest;
	};
	const subjectsTo = (email: string) => sandbox.smtp.sink.messages().filter((m) => m.to.includes(email)).map((m) => m.subject);
	const sentLog = async () => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: 'lifecycle_emails_sent' }))}`);
		const table = tables.data.find((t) => t.name === 'lifecycle_emails_sent')!;
		return (await n8n.api.request<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('lifecycle-emails', wiring);
		workflowId = template.id as string;
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [{ ...template, nodes }], credentials: sandboxCredentials(wiring), env: { GENERIC_TIMEZONE: zoneWithAnotherDate(new Date()) } });

		clients.registered = await client('rita.registered@example.com', true, 'registered');
		clients.verified = await client('victor.verified@example.com', true, 'verified');
		clients.deposited = await client('dora.deposited@example.com', true, 'deposited');
		clients.registeredNoConsent = await client('nora.registered@example.com', false, 'registered');
		clients.verifiedNoConsent = await client('nick.verified@example.com', false, 'verified');
		clients.depositedNoConsent = await client('nadia.deposited@example.com', false, 'deposited');
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('thanks a first depositor on the next day, and reminds nobody who registered or was verified only a day ago', async () => {
		expect((await runNow({ today: utcDate(1) })).status).toBe('success');

		expect(subjectsTo('dora.deposited@example.com')).toEqual([SUBJECTS.thanks]);
		expect(subjectsTo('rita.registered@example.com')).toEqual([]);
		expect(subjectsTo('victor.verified@example.com')).toEqual([]);
		// The seeded depositor's first deposit is years old: outside the 30-day look-back.
		expect(subjectsTo('maria.georgiou@example.com')).toEqual([]);
	});

	it('reminds a client registered 2 UTC days ago to verify, once', async () => {
		expect((await runNow({ today: utcDate(2) })).status).toBe('success');

		expect(subjectsTo('rita.registered@example.com')).toEqual([SUBJECTS.verify]);
		const [mail] = sandbox.smtp.sink.messages().filter((m) => m.to.includes('rita.registered@example.com'));
		expect(mail.text).toContain('Dear rita,');
		expect(mail.text).toContain('agreed to hear from us');
		expect(subjectsTo('victor.verified@example.com')).toEqual([]);
		expect(subjectsTo('dora.deposited@example.com')).toEqual([SUBJECTS.thanks]);
	});

	it('reminds a client verified 3 UTC days ago without a deposit to fund the account', async () => {
		expect((await runNow({ today: utcDate(3) })).status).toBe('success');

		expect(subjectsTo('victor.verified@example.com')).toEqual([SUBJECTS.fund]);
		expect(subjectsTo('rita.registered@example.com')).toEqual([SUBJECTS.verify]);
		expect(subjectsTo('dora.deposited@example.com')).toEqual([SUBJECTS.thanks]);
	});

	it('sends nothing new on a second run, and the log holds one row per client and kind', async () => {
		const before = sandbox.smtp.sink.messages().length;
		expect((await runNow({ today: utcDate(3) })).status).toBe('success');
		expect(sandbox.smtp.sink.messages()).toHaveLength(before);

		const rows = (await sentLog()).map((row) => `${String(row.client_id)}:${String(row.kind)}`).sort();
		expect(rows).toEqual(
			[`${clients.registered}:registered_not_verified`, `${clients.verified}:verified_no_deposit`, `${clients.deposited}:first_deposit`].sort(),
		);
	});

	it('never e-mails clients without marketing consent', async () => {
		for (const email of ['nora.registered@example.com', 'nick.verified@example.com', 'nadia.deposited@example.com', 'jonas.weber@example.com']) {
			expect(subjectsTo(email)).toEqual([]);
		}
	});

	it('refuses a "today" that is not a date, failing the run loudly and sending nothing', async () => {
		const before = sandbox.smtp.sink.messages().length;
		expect((await runNow({ today: '26/11/2026' })).status).toBe('error');
		expect(sandbox.smtp.sink.messages()).toHaveLength(before);
	});

	it('reads every page of the CRM: a depositor past the first 100 clients and deposits is thanked too', async () => {
		for (let i = 0; i < 100; i++) await client(`crowd${i}.deposited@example.com`, false, 'deposited');
		const late = await client('lena.late@example.com', true, 'deposited');
		expect(sandbox.crm.simulator.state().clients.findIndex((c) => c.id === late)).toBeGreaterThanOrEqual(100);

		expect((await runNow({ today: utcDate(1) })).status).toBe('success');

		expect(subjectsTo('lena.late@example.com')).toEqual([SUBJECTS.thanks]);
		expect(sandbox.smtp.sink.messages().filter((m) => m.to.some((to) => to.startsWith('crowd')))).toEqual([]);
	});
});
