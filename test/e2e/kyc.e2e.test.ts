/**
 * The KYC templates in real n8n against the sandbox: a registration gets a Sumsub applicant and an
 * e-mailed verification link; the KYC result is scored and decides — approved clients get exactly one
 * trading account (through the provisioning template, on the CRM's kyc_approved event), rejected ones
 * none, RETRY asks for a resubmission, and a RED after a GREEN restricts trading.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { JPEG } from '../node/images';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest, eventually } from './support';

const SECRET = 'whsec_e2e_kyc_0123456789abcdef012345';

describe('KYC templates in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let resultWorkflowId = '';
	let sumsubHook = '';

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);
	const client = (id: unknown) => sandbox.crm.simulator.state().clients.find((c) => c.id === Number(id))!;
	const mt5AccountsOf = (id: unknown) =>
		(sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number }> }).accounts.filter((a) => a.comment === `crm:${String(id)}`);
	const mailsTo = (email: string) => sandbox.smtp.sink.messages().filter((m) => m.to.includes(email));
	const alertsSince = (count: number) => sandbox.alerts.simulator.received().slice(count).map((a) => a.text ?? '');

	/** A client registers on the website; the CRM emits client.created. */
	const register = async (email: string, more: Record<string, unknown> = {}) => {
		const created = await crmCall('POST', '/api/clients', { first_name: 'Eleni', last_name: 'Christodoulou', email, phone: '+357 99 765432', country: 'CY', date_of_birth: '1990-05-17', ...more });
		await sandbox.crm.simulator.idle();
		return created.id as number;
	};
	const applicantOf = (clientId: number) => sandbox.sumsub.simulator.applicantByExternalId(String(clientId));

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, SECRET);
		const onboarding = loadTemplate('kyc-onboarding', wiring);
		const result = loadTemplate('kyc-result', wiring);
		const provisioning = loadTemplate('provision-trading-account', wiring);
		resultWorkflowId = result.id as string;
		const hookId = result.nodes.find((node) => node.type === 'n8n-nodes-brokerage.sumsubTrigger')!.webhookId as string;
		const onfidoHookId = result.nodes.find((node) => node.type === 'n8n-nodes-brokerage.onfidoTrigger')!.webhookId as string;
		n8n = await startN8n({
			workflows: [onboarding, result, provisioning],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['crm-registrations', 'crm-kyc', `${hookId}/sumsub`, `${onfidoHookId}/onfido`],
		});
		sumsubHook = n8n.webhookUrl(`${hookId}/sumsub`);
		sandbox.onfido.simulator.setWebhookUrl(n8n.webhookUrl(`${onfidoHookId}/onfido`));
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-registrations'), ['client.created'], { secret: SECRET });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: SECRET });
		sandbox.sumsub.simulator.configureWebhook({ url: sumsubHook });
	});

	afterEach(async () => {
		for (const workflow of n8n.workflows) expect(await n8n.api.listExecutions({ workflowId: workflow.id, status: 'error' })).toEqual([]);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('registration creates one Sumsub applicant, e-mails the verification link and marks KYC pending; a re-sent event does nothing more', async () => {
		const id = await register('eleni.kyc@example.com');
		await eventually(() => expect(client(id).kyc_status).toBe('pending'));
		const applicant = applicantOf(id)!;
		expect(client(id)).toMatchObject({ kyc_provider: 'sumsub', kyc_applicant_id: applicant.id });
		await eventually(() => expect(mailsTo('eleni.kyc@example.com')).toHaveLength(1));
		const [mail] = mailsTo('eleni.kyc@example.com');
		expect(mail.subject).toBe('Verify your identity to open your trading account');
		expect(mail.text).toMatch(/https?:\/\/\S+/);

		await sandbox.crm.simulator.sendEvent('client.created', { ...client(id) });
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(sandbox.sumsub.simulator.state().applicants.filter((a) => a.externalUserId === String(id))).toHaveLength(1);
		expect(mailsTo('eleni.kyc@example.com')).toHaveLength(1);
		expect(mt5AccountsOf(id)).toEqual([]);
	});

	it('approval scores the client, records it in the CRM and opens exactly one trading account; a repeated approval opens nothing', async () => {
		const id = await register('andreas.kyc@example.com', { first_name: 'Andreas' });
		await eventually(() => expect(applicantOf(id)).toBeDefined());
		const applicant = applicantOf(id)!;
		sandbox.sumsub.simulator.addVerifiedDocument(applicant.id, { idDocType: 'PASSPORT', country: 'CYP', validUntil: '2031-03-31' });
		await sandbox.sumsub.simulator.completeReview(applicant.id, { reviewAnswer: 'GREEN' });

		await eventually(() => expect(mt5AccountsOf(id)).toHaveLength(1));
		// Cyprus, no AML hit, 36 years old — but purpose, experience and expected deposits are not in the
		// CRM, and unknown answers score points: medium, reviewed again in 24 months (UTC dates).
		const today = new Date();
		const inTwoYears = new Date(Date.UTC(today.getUTCFullYear() + 2, today.getUTCMonth(), today.getUTCDate())).toISOString().slice(0, 10);
		expect(client(id)).toMatchObject({ kyc_status: 'approved', risk_level: 'medium', kyc_document_expires_on: '2031-03-31', kyc_next_review_on: inTwoYears });

		await sandbox.sumsub.simulator.sendEvent(applicant.id, 'applicantReviewed');
		await sandbox.sumsub.simulator.completeReview(applicant.id, { reviewAnswer: 'GREEN' });
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(mt5AccountsOf(id)).toHaveLength(1);
	});

	it('a final rejection opens no account, blocks the client and alerts compliance', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		const id = await register('mallory.kyc@example.com', { first_name: 'Mallory' });
		await eventually(() => expect(applicantOf(id)).toBeDefined());
		await sandbox.sumsub.simulator.completeReview(applicantOf(id)!.id, { reviewAnswer: 'RED', rejectType: 'FINAL', labels: ['FORGERY'] });

		await eventually(() => expect(client(id)).toMatchObject({ kyc_status: 'rejected', status: 'blocked' }));
		await eventually(() => expect(alertsSince(alerts)).toContainEqual(expect.stringContaining(`KYC rejected (final) for client ${id}: FORGERY`)));
		expect(mt5AccountsOf(id)).toEqual([]);
	});

	it('a RETRY asks the client to resubmit with Sumsub\'s message and a new link, and opens no account', async () => {
		const id = await register('nikos.kyc@example.com', { first_name: 'Nikos' });
		await eventually(() => expect(applicantOf(id)).toBeDefined());
		await sandbox.sumsub.simulator.completeReview(applicantOf(id)!.id, {
			reviewAnswer: 'RED',
			rejectType: 'RETRY',
			labels: ['BAD_PROOF_OF_IDENTITY'],
			moderationComment: 'The photo of your passport is blurred.',
		});

		await eventually(() => expect(client(id).kyc_status).toBe('resubmission_requested'));
		await eventually(() => expect(mailsTo('nikos.kyc@example.com')).toHaveLength(2));
		const resubmit = mailsTo('nikos.kyc@example.com')[1];
		expect(resubmit.subject).toBe('We need a new document to verify your identity');
		expect(resubmit.text).toContain('The photo of your passport is blurred.');
		expect(mt5AccountsOf(id)).toEqual([]);
	});

	it('a RED after a GREEN disables trading on the client\'s MT5 account and alerts compliance', async () => {
		const id = await register('sofia.kyc@example.com', { first_name: 'Sofia' });
		await eventually(() => expect(applicantOf(id)).toBeDefined());
		const applicant = applicantOf(id)!;
		await sandbox.sumsub.simulator.completeReview(applicant.id, { reviewAnswer: 'GREEN' });
		await eventually(() => expect(mt5AccountsOf(id)).toHaveLength(1));
		const [account] = mt5AccountsOf(id);
		expect(sandbox.mt5.simulator.store.user(account.login).rights & 0x4).toBe(0);

		const alerts = sandbox.alerts.simulator.received().length;
		await sandbox.sumsub.simulator.completeReview(applicant.id, { reviewAnswer: 'RED', rejectType: 'FINAL', aml: { sanctions: true } });

		await eventually(() => expect(sandbox.mt5.simulator.store.user(account.login).rights & 0x4).toBe(0x4));
		await eventually(() => expect(alertsSince(alerts)).toContainEqual(expect.stringContaining(`Ongoing monitoring: client ${id} was approved but Sumsub now says FINAL`)));
		expect(client(id).kyc_status).toBe('rejected');
		expect(mt5AccountsOf(id)).toHaveLength(1);
	});

	it('an Onfido workflow run approved for a client goes the same way: CRM approved with Onfido\'s case, one trading account', async () => {
		const id = await register('petros.onfido@example.com', { first_name: 'Petros' });
		const { apiToken, basePath, workflowId } = sandbox.onfido.simulator.credentials();
		const onfido = async (path: string, body: unknown) => {
			const response = await fetch(`${sandbox.onfido.url}${basePath}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Token token=${apiToken}` },
				body: JSON.stringify(body),
			});
			return (await response.json()) as Record<string, unknown>;
		};
		const applicant = await onfido('/applicants', { first_name: 'Petros', last_name: 'Ioannou' });
		const run = await onfido('/workflow_runs', { workflow_id: workflowId, applicant_id: applicant.id, customer_user_id: String(id) });
		await sandbox.onfido.simulator.completeWorkflowRun(run.id as string, 'approved', { documentExpiry: '2032-07-14', issuingCountry: 'GRC' });

		await eventually(() => expect(mt5AccountsOf(id)).toHaveLength(1));
		expect(client(id)).toMatchObject({ kyc_status: 'approved', kyc_provider: 'onfido', kyc_applicant_id: applicant.id, kyc_document_expires_on: '2032-07-14' });
	});

	it('an Onfido check the client can fix asks for a resubmission with a new Onfido link', async () => {
		const id = await register('irini.onfido@example.com', { first_name: 'Irini' });
		await eventually(() => expect(mailsTo('irini.onfido@example.com')).toHaveLength(1));
		const { apiToken, basePath } = sandbox.onfido.simulator.credentials();
		const onfido = async (path: string, body: unknown) => {
			const response = await fetch(`${sandbox.onfido.url}${basePath}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Token token=${apiToken}` },
				body: JSON.stringify(body),
			});
			return (await response.json()) as Record<string, unknown>;
		};
		const applicant = await onfido('/applicants', { first_name: 'Irini', last_name: 'Pappa' });
		const form = new FormData();
		form.append('applicant_id', applicant.id as string);
		form.append('type', 'passport');
		form.append('file', new Blob([JPEG], { type: 'image/jpeg' }), 'passport.jpg');
		const upload = await fetch(`${sandbox.onfido.url}${basePath}/documents`, { method: 'POST', headers: { authorization: `Token token=${apiToken}` }, body: form });
		expect(upload.status).toBe(201);
		const check = await onfido('/checks', { applicant_id: applicant.id, report_names: ['document'], tags: [`client:${id}`] });
		await sandbox.onfido.simulator.completeCheck(check.id as string, 'consider', { subResult: 'rejected' });

		await eventually(() => expect(client(id).kyc_status).toBe('resubmission_requested'));
		await eventually(() => expect(mailsTo('irini.onfido@example.com')).toHaveLength(2));
		expect(mailsTo('irini.onfido@example.com')[1].text).toMatch(/Please submit it again here:\s+https:\/\/\S*onfido\S*/);
		expect(sandbox.onfido.simulator.state().workflowRuns.filter((r: { applicant_id?: string }) => r.applicant_id === applicant.id)).toHaveLength(1);
		expect(mt5AccountsOf(id)).toEqual([]);
	});

	it('refuses a forged Sumsub webhook with 401 and runs nothing', async () => {
		const before = (await n8n.api.listExecutions({ workflowId: resultWorkflowId })).length;
		const response = await fetch(sumsubHook, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-payload-digest': 'f'.repeat(64), 'x-payload-digest-alg': 'HMAC_SHA256_HEX' },
			body: JSON.stringify({ applicantId: 'x', externalUserId: '1001', type: 'applicantReviewed', reviewStatus: 'completed', reviewResult: { reviewAnswer: 'GREEN' }, createdAtMs: '2026-11-26 06:00:00.000' }),
		});
		expect(response.status).toBe(401);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(await n8n.api.listExecutions({ workflowId: resultWorkflowId })).toHaveLength(before);
	});
});
