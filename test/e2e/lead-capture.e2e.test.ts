/**
 * The "Marketing: lead capture with UTM attribution" template in real n8n: a lead form becomes a CRM
 * lead with its consent and a touchpoint whose click ids are kept exactly; a returning visitor adds
 * a touchpoint to the same client; a bad form is answered 422 naming the field.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring, WEBSITE_FORM_KEY } from './templates';

describe('Lead capture template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;

	const submit = async (form: Record<string, unknown>, key = WEBSITE_FORM_KEY) => {
		const response = await fetch(n8n.webhookUrl('lead'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-form-key': key },
			body: JSON.stringify(form),
		});
		const text = await response.text();
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(text) as Record<string, unknown>;
		} catch {
			body = { text };
		}
		return { status: response.status, body };
	};
	const touchpointsOf = (clientId: unknown) => sandbox.crm.simulator.state().touchpoints.filter((t) => t.client_id === Number(clientId));

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		n8n = await startN8n({ workflows: [loadTemplate('lead-capture', wiring)], credentials: sandboxCredentials(wiring) });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('creates the lead with its consent and saves a paid-search touchpoint with the click ids exactly as received', async () => {
		const answer = await submit({
			first_name: 'Giorgos',
			last_name: 'Neophytou',
			email: 'Giorgos.N@example.com',
			phone: '+357 99 111222',
			country: 'CY',
			marketing_consent: true,
			landing_url: 'https://broker.example/open-account?utm_source=google&utm_medium=cpc&utm_campaign=cy-forex-q4&gclid=Cj0KCQiA-Ab_Cd12XyZ&fbclid=IwAR2Xy-Z_9',
			visited_at: '2026-11-24T09:15:00Z',
		});

		expect(answer).toEqual({ status: 200, body: { ok: true, clientId: expect.any(Number), channel: 'paid_search' } });
		const client = sandbox.crm.simulator.state().clients.find((c) => c.id === answer.body.clientId)!;
		expect(client).toMatchObject({ email: 'giorgos.n@example.com', status: 'lead', marketing_consent: true });
		const [touchpoint] = touchpointsOf(client.id);
		expect(touchpoint).toMatchObject({ time_utc: '2026-11-24T09:15:00.000Z', channel: 'paid_search' });
		expect(touchpoint.data).toMatchObject({
			utmSource: 'google',
			utmMedium: 'cpc',
			utmCampaign: 'cy-forex-q4',
			gclid: 'Cj0KCQiA-Ab_Cd12XyZ',
			fbc: `fb.1.${Date.parse('2026-11-24T09:15:00Z')}.IwAR2Xy-Z_9`,
		});
	});

	it('adds a touchpoint to a returning visitor instead of a second lead, and records withdrawn consent', async () => {
		const first = await submit({ first_name: 'Anna', last_name: 'Kyriakou', email: 'anna.k@example.com', marketing_consent: true, landing_url: 'https://broker.example/?utm_source=newsletter&utm_medium=email', visited_at: '2026-11-20T08:00:00Z' });
		const again = await submit({ first_name: 'Anna', last_name: 'Kyriakou', email: 'ANNA.K@example.com', marketing_consent: false, landing_url: 'https://broker.example/?utm_source=facebook&utm_medium=paid_social&fbclid=AbC-123', visited_at: '2026-11-22T18:30:00Z' });

		expect(again.body.clientId).toBe(first.body.clientId);
		expect(sandbox.crm.simulator.state().clients.filter((c) => c.email === 'anna.k@example.com')).toHaveLength(1);
		expect(touchpointsOf(first.body.clientId).map((t) => t.channel)).toEqual(['email', 'paid_social']);
		expect(sandbox.crm.simulator.state().clients.find((c) => c.id === first.body.clientId)?.marketing_consent).toBe(false);
	});

	it('answers a bad form with 422 naming the field, and saves nothing', async () => {
		const before = sandbox.crm.simulator.state().clients.length;
		const answer = await submit({ first_name: 'X', last_name: 'Y', email: 'not-an-email', landing_url: 'https://broker.example/' });
		expect(answer.status).toBe(422);
		expect(answer.body).toEqual({ ok: false, error: 'email: must be a valid email address' });
		expect(sandbox.crm.simulator.state().clients).toHaveLength(before);
	});

	it('refuses a form without the website key', async () => {
		const answer = await submit({ email: 'x@example.com', landing_url: 'https://broker.example/' }, 'wrong-key');
		expect(answer.status).toBe(403);
	});
});
