/**
 * Issue 3's proof in real n8n: the CRM simulator sends signed events to the shipped "CRM client
 * intake" template (Brokerage Webhook Trigger → Brokerage Mapper); a good event is mapped and its
 * result read back, a client the profile rejects raises an alert naming the field, and forged,
 * stale and replayed calls are answered 401 and run nothing.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';

const SECRET = 'whsec_e2e_crm_intake_0123456789abcdef';

describe('CRM client intake template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId: string;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, SECRET);
		const template = loadTemplate('crm-client-intake', wiring);
		workflowId = template.id as string;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['crm-events'] });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-events'), ['*'], { secret: SECRET });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	const crm = () => sandbox.crm.simulator;
	const client = {
		id: 'C-2001',
		first_name: 'Eleni',
		last_name: 'Christodoulou',
		email: 'Eleni.C@Example.com',
		phone: '+357 99 765432',
		country: 'cy',
	};

	async function executionCount(): Promise<number> {
		return (await n8n.api.listExecutions({ workflowId })).length;
	}

	it('maps a signed client.created event and answers with the canonical client', async () => {
		const [delivery] = await crm().sendEvent('client.created', client);

		expect(delivery.status).toBe(200);
		expect(JSON.parse(delivery.responseBody)).toEqual({
			clientId: 'C-2001',
			firstName: 'Eleni',
			lastName: 'Christodoulou',
			email: 'eleni.c@example.com',
			phone: '+35799765432',
			country: 'CY',
		});
		await n8n.api.waitForExecutions(workflowId, { count: 1, status: 'success' });
	});

	it('sends the reason, naming the field, to the alert channel when the profile rejects a client', async () => {
		const before = sandbox.alerts.simulator.received().length;
		const [delivery] = await crm().sendEvent('client.updated', { ...client, id: 'C-2002', email: '' });

		expect(delivery.status).toBe(200);
		const alerts = sandbox.alerts.simulator.received().slice(before);
		expect(alerts).toHaveLength(1);
		expect(alerts[0].text).toContain('"email": is required but missing');
	});

	it('answers a forged signature with 401 and runs nothing', async () => {
		const before = await executionCount();
		crm().webhookSenders.crm.addFault({ kind: 'badSignature' });
		const [delivery] = await crm().sendEvent('client.created', { ...client, id: 'C-2003' });

		expect(delivery.status).toBe(401);
		expect(JSON.parse(delivery.responseBody)).toEqual({ error: 'unauthorized', reason: 'signature_mismatch' });
		expect(await executionCount()).toBe(before);
	});

	it('answers a request signed ten minutes ago with 401 and runs nothing', async () => {
		const before = await executionCount();
		crm().webhookSenders.crm.addFault({ kind: 'staleTimestamp', ageSeconds: 600 });
		const [delivery] = await crm().sendEvent('client.created', { ...client, id: 'C-2004' });

		expect(delivery.status).toBe(401);
		expect(JSON.parse(delivery.responseBody).reason).toBe('timestamp_outside_tolerance');
		expect(await executionCount()).toBe(before);
	});

	it('runs a replayed request once: the identical second delivery gets 401', async () => {
		const before = await executionCount();
		crm().webhookSenders.crm.addFault({ kind: 'duplicate', copies: 2 });
		const deliveries = await crm().sendEvent('client.created', { ...client, id: 'C-2005' });

		expect(deliveries.map((d) => d.status)).toEqual([200, 401]);
		expect(JSON.parse(deliveries[1].responseBody).reason).toBe('replayed');
		await n8n.api.waitForExecutions(workflowId, { count: before + 1 });
		expect(await executionCount()).toBe(before + 1);
	});

	it('acknowledges an event type the template does not handle without running', async () => {
		const before = await executionCount();
		const [delivery] = await crm().sendEvent('note.created', { client_id: 'C-2001', text: 'called back' });

		expect(delivery.status).toBe(200);
		expect(JSON.parse(delivery.responseBody).ignored).toContain('note.created');
		expect(await executionCount()).toBe(before);
	});
});
