/**
 * The "Marketing: retargeting audiences" template in real n8n against the CRM and Meta sandboxes:
 * a consenting new depositor is added to the Custom Audience (hashed, never in clear), a client
 * without consent is not, withdrawn consent removes, and an erasure request removes the client from
 * the audience before the CRM erases the personal data — a Meta failure leaves the CRM record intact,
 * in the review queue, with an alert.
 */
import { createHash } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest, eventually } from './support';

const SECRET = 'whsec_e2e_audiences_0123456789abcdef';
const AUDIENCE = '23850000000000003';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Meta's e-mail normalisation (reference/ads.md §1.3): trimmed and lower-cased. */
const emailHash = (email: string) => sha256(email.trim().toLowerCase());

describe('Retargeting audiences template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);
	const memberHashes = () => sandbox.meta.simulator.audienceMembers(AUDIENCE).map((m) => m.EMAIL);
	const client = (id: number) => sandbox.crm.simulator.state().clients.find((c) => c.id === id)!;
	const executions = async () => (await n8n.api.listExecutions({ workflowId })).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
	/** Runs a CRM change and waits until the workflow has finished one more execution per event it causes. */
	const andWaitForRuns = async (runs: number, change: () => Promise<unknown>) => {
		const before = (await executions()).length;
		await change();
		await sandbox.crm.simulator.idle();
		await n8n.api.waitForExecutions(workflowId, { count: before + runs });
	};
	const register = async (email: string, consent: boolean) =>
		(await crmCall('POST', '/api/clients', { first_name: 'Test', last_name: 'Client', email, phone: '+357 99 555111', country: 'CY', marketing_consent: consent })).id as number;
	const deposit = async (clientId: number) =>
		await crmCall('POST', '/api/transactions', { client_id: clientId, type: 'deposit', amount: '250.00', currency: 'USD', status: 'completed', method: 'card' });
	const reviewQueue = async () => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: 'brokerage_review_queue' }))}`);
		const table = tables.data.find((t) => t.name === 'brokerage_review_queue');
		if (!table) return [];
		return (await n8n.api.request<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows`)).data;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		sandbox.meta.simulator.createAudience(AUDIENCE, 'Clients (customer list)');
		const wiring = sandboxWiring(sandbox, SECRET);
		const template = loadTemplate('retargeting-audiences', wiring);
		workflowId = template.id as string;
		// What the admin does after import: put their audience id in Settings.
		const settings = template.nodes.find((node) => node.name === 'Settings')!;
		const assignments = (settings.parameters.assignments as { assignments: Array<{ name: string; value: string }> }).assignments;
		assignments.find((a) => a.name === 'audienceId')!.value = AUDIENCE;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['crm-audiences'] });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-audiences'), ['transaction.created', 'transaction.completed', 'client.updated', 'client.erasure_requested'], { secret: SECRET });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('adds a consenting new depositor to the audience with hashed e-mail, phone and client id', async () => {
		const id = await register('  Eva.Depositor@Example.com', true);
		await andWaitForRuns(1, () => deposit(id));

		expect(memberHashes()).toContain(emailHash('eva.depositor@example.com'));
		const member = sandbox.meta.simulator.audienceMembers(AUDIENCE).find((m) => m.EMAIL === emailHash('eva.depositor@example.com'))!;
		expect(member.PHONE).toBe(sha256('35799555111'));
		expect(member.EXTERN_ID).toBe(sha256(String(id)));
		// Nothing identifying reaches Meta in clear.
		expect(JSON.stringify(sandbox.meta.simulator.audienceMembers(AUDIENCE))).not.toContain('depositor');
		expect((await executions()).every((e) => e.status === 'success')).toBe(true);
	});

	it('does not add a depositor without marketing consent, nor a deposit that is not completed', async () => {
		const noConsent = await register('no.consent@example.com', false);
		await andWaitForRuns(1, () => deposit(noConsent));
		const [latest] = await executions();
		expect(nodeOutput(await n8n.api.getExecution(latest.id), 'No Consent: Not Added')).toEqual([expect.objectContaining({ clientId: String(noConsent) })]);
		const consenting = await register('pending.deposit@example.com', true);
		await andWaitForRuns(1, () => crmCall('POST', '/api/transactions', { client_id: consenting, type: 'deposit', amount: '100.00', currency: 'USD', status: 'pending' }));

		expect(memberHashes()).not.toContain(emailHash('no.consent@example.com'));
		expect(memberHashes()).not.toContain(emailHash('pending.deposit@example.com'));
		expect((await executions()).every((e) => e.status === 'success')).toBe(true);
	});

	it('adds a consenting client whose pending deposit completes later', async () => {
		const id = await register('later.depositor@example.com', true);
		let transactionId = 0;
		await andWaitForRuns(1, async () => {
			transactionId = (await crmCall('POST', '/api/transactions', { client_id: id, type: 'deposit', amount: '80.00', currency: 'USD', status: 'pending' })).id as number;
		});
		expect(memberHashes()).not.toContain(emailHash('later.depositor@example.com'));

		await andWaitForRuns(1, () => crmCall('PATCH', `/api/transactions/${transactionId}`, { status: 'completed' }));

		expect(memberHashes()).toContain(emailHash('later.depositor@example.com'));
	});

	it('removes a client who withdraws marketing consent', async () => {
		const id = await register('opting.out@example.com', true);
		await andWaitForRuns(1, () => deposit(id));
		expect(memberHashes()).toContain(emailHash('opting.out@example.com'));

		await andWaitForRuns(1, () => crmCall('PATCH', `/api/clients/${id}`, { marketing_consent: false }));

		expect(memberHashes()).not.toContain(emailHash('opting.out@example.com'));
		expect(sandbox.meta.simulator.audienceRequestLog.at(-1)).toMatchObject({ audienceId: AUDIENCE, method: 'DELETE', kind: 'remove', accepted: true });
	});

	it('on an erasure request removes the client from the audience first, then erases the CRM record', async () => {
		const id = await register('forget.me@example.com', true);
		await andWaitForRuns(1, () => deposit(id));
		expect(memberHashes()).toContain(emailHash('forget.me@example.com'));

		await andWaitForRuns(1, () => crmCall('POST', `/api/clients/${id}/erasure-requests`));

		expect(memberHashes()).not.toContain(emailHash('forget.me@example.com'));
		expect(client(id).erased_at).toEqual(expect.any(String));
		expect(client(id).email).not.toContain('forget.me');
	});

	it('when Meta refuses the removal, the erasure waits in the review queue with an alert and the CRM record is not erased', async () => {
		const id = await register('blocked.audience@example.com', true);
		await andWaitForRuns(1, () => deposit(id));
		expect(memberHashes()).toContain(emailHash('blocked.audience@example.com'));
		const alerts = sandbox.alerts.simulator.received().length;
		sandbox.meta.simulator.flagAudience(AUDIENCE);

		await andWaitForRuns(1, () => crmCall('POST', `/api/clients/${id}/erasure-requests`));

		expect(client(id).erased_at).toBeNull();
		expect(client(id).email).toBe('blocked.audience@example.com');
		const rows = (await reviewQueue()).filter((row) => row.client_id === String(id));
		expect(rows).toEqual([expect.objectContaining({ status: 'open', reason: expect.stringMatching(/^Erasure request NOT completed.*Audience Upload Blocked|^Erasure request NOT completed.*1713230/) })]);
		await eventually(() => {
			const texts = sandbox.alerts.simulator.received().slice(alerts).map((a) => a.text ?? '');
			expect(texts).toEqual([expect.stringContaining(`client ${id}: Erasure request NOT completed`)]);
			// The alert names the client by id only.
			expect(texts[0]).not.toContain('blocked.audience');
		});
	});
});
