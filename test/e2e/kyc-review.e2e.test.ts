/**
 * The "KYC: document expiry reminders and periodic re-verification" template in real n8n, running in
 * a time zone whose calendar date differs from UTC's right now: the 30-day reminder and the
 * re-verification go by UTC dates, a reminder is sent once per document, and a due review resets
 * the Sumsub applicant, puts KYC back to pending and e-mails a new link.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { sumsubCall } from '../../sandbox/sumsub';
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

describe('KYC expiry and re-verification template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	const zone = zoneWithAnotherDate(new Date());

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);
	/** A KYC-approved client with a Sumsub applicant (completed review) and the given dates. */
	const approvedClient = async (email: string, dates: { expires: string | null; review: string | null }) => {
		const created = await crmCall('POST', '/api/clients', { first_name: 'Client', last_name: email.split('@')[0], email, country: 'CY' });
		const { app_token, secret_key } = sandbox.sumsub.simulator.credentials();
		const account = { baseUrl: sandbox.sumsub.url, appToken: app_token, secretKey: secret_key };
		const applicant = await sumsubCall(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', { externalUserId: String(created.id) });
		await sandbox.sumsub.simulator.completeReview(applicant.json.id as string, { reviewAnswer: 'GREEN' });
		await crmCall('PATCH', `/api/clients/${String(created.id)}`, {
			kyc_status: 'approved',
			risk_level: 'low',
			kyc_provider: 'sumsub',
			kyc_applicant_id: applicant.json.id,
			kyc_document_expires_on: dates.expires,
			kyc_next_review_on: dates.review,
		});
		return { id: created.id as number, applicantId: applicant.json.id as string };
	};
	const runNow = async () => {
		const before = (await n8n.api.listExecutions({ workflowId })).length;
		await fetch(n8n.webhookUrl('kyc-review'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY }, body: '{}' });
		await n8n.api.waitForExecutions(workflowId, { count: before + 1, status: 'success' });
	};
	const mailsTo = (email: string) => sandbox.smtp.sink.messages().filter((m) => m.to.includes(email));
	const client = (id: number) => sandbox.crm.simulator.state().clients.find((c) => c.id === id)!;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('kyc-expiry-review', wiring);
		workflowId = template.id as string;
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [{ ...template, nodes }], credentials: sandboxCredentials(wiring), env: { GENERIC_TIMEZONE: zone } });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('reminds 30 days ahead by UTC date, once per document, in a time zone whose date is not UTC\'s', async () => {
		const in30 = await approvedClient('in30@example.com', { expires: utcDate(30), review: utcDate(400) });
		const in31 = await approvedClient('in31@example.com', { expires: utcDate(31), review: utcDate(400) });
		const in29 = await approvedClient('in29@example.com', { expires: utcDate(29), review: utcDate(400) });
		await runNow();

		expect(mailsTo('in30@example.com').map((m) => m.subject)).toEqual(['Your identity document expires soon']);
		expect(mailsTo('in30@example.com')[0].text).toContain(`expires on ${utcDate(30)}`);
		expect(mailsTo('in29@example.com')).toHaveLength(1);
		// In the n8n zone it may already be tomorrow (or still yesterday); the rule counts UTC days.
		expect(mailsTo('in31@example.com')).toEqual([]);

		await runNow();
		expect(mailsTo('in30@example.com')).toHaveLength(1);
		expect(mailsTo('in29@example.com')).toHaveLength(1);
		for (const c of [in30, in31, in29]) expect(client(c.id).kyc_status).toBe('approved');
	});

	it('re-verifies a client whose document expired or whose review is due: applicant reset, KYC pending, a new link e-mailed', async () => {
		const expired = await approvedClient('expired@example.com', { expires: utcDate(-1), review: utcDate(400) });
		const reviewDue = await approvedClient('review@example.com', { expires: utcDate(900), review: utcDate(0) });
		const notYet = await approvedClient('notyet@example.com', { expires: utcDate(900), review: utcDate(1) });
		await runNow();

		for (const due of [expired, reviewDue]) {
			expect(client(due.id).kyc_status).toBe('pending');
			expect(sandbox.sumsub.simulator.applicant(due.applicantId)).toMatchObject({ review: { reviewStatus: 'init', reviewResult: null } });
		}
		expect(mailsTo('expired@example.com')).toEqual([expect.objectContaining({ subject: 'Please verify your identity again', text: expect.stringContaining(`your identity document expired on ${utcDate(-1)}`) })]);
		expect(mailsTo('review@example.com')).toEqual([expect.objectContaining({ text: expect.stringContaining('your periodic review is due') })]);
		expect(client(notYet.id).kyc_status).toBe('approved');
		expect(mailsTo('notyet@example.com')).toEqual([]);

		// Pending clients are not approved any more: the next run leaves them alone.
		await runNow();
		expect(mailsTo('expired@example.com')).toHaveLength(1);
	});
});
