/**
 * Proves the real-n8n harness: n8n 2.8 loads this pack as a community package, our node runs as
 * `n8n-nodes-brokerage.brokerageMapper` behind n8n's own Webhook node on a production URL,
 * executions are recorded and readable, and imported credentials reach a loopback "vendor".
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { nodeOutput, startN8n, type E2eWorkflow, type N8nInstance } from './n8n';

const MAPPER_WORKFLOW_ID = 'e2eHarnessMapper';
const CREDENTIAL_WORKFLOW_ID = 'e2eHarnessCreds0';

// CRM client webhook → Brokerage Mapper (shipped "Generic CRM Client" profile, reading the body).
const mapperWorkflow: E2eWorkflow = {
	id: MAPPER_WORKFLOW_ID,
	name: 'E2E harness: map a CRM client',
	nodes: [
		{
			name: 'CRM Client Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: '0f4e2a8c-5d1b-4c3e-9a7f-e2e000000001',
			parameters: { httpMethod: 'POST', path: 'e2e/crm-client', responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Map CRM Client',
			type: 'n8n-nodes-brokerage.brokerageMapper',
			typeVersion: 1,
			position: [220, 0],
			parameters: { profileSource: 'shipped', shippedProfile: 'genericCrmClient', options: { recordPath: 'body' } },
		},
	],
	connections: { 'CRM Client Webhook': { main: [[{ node: 'Map CRM Client', type: 'main', index: 0 }]] } },
};

// Webhook → HTTP Request with an imported Header Auth credential → a loopback server standing in
// for a vendor sandbox, which echoes the header it received.
function credentialWorkflow(vendorUrl: string): E2eWorkflow {
	return {
		id: CREDENTIAL_WORKFLOW_ID,
		name: 'E2E harness: call a sandbox with an imported credential',
		nodes: [
			{
				name: 'Trigger',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: '0f4e2a8c-5d1b-4c3e-9a7f-e2e000000002',
				parameters: { httpMethod: 'POST', path: 'e2e/credential-check', responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Call Sandbox',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'GET',
					url: `${vendorUrl}/whoami`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					options: {},
				},
				credentials: { httpHeaderAuth: { id: 'e2eSandboxKey001', name: 'Sandbox API key' } },
			},
		],
		connections: { Trigger: { main: [[{ node: 'Call Sandbox', type: 'main', index: 0 }]] } },
	};
}

const crmClient = {
	id: ' C-1001 ',
	first_name: ' Anna ',
	last_name: 'Georgiou',
	email: ' Anna.Georgiou@Example.COM ',
	phone: '+357 99 123456',
	country: 'cy',
	language: 'EL',
};

describe('real n8n with the pack installed as a community package', () => {
	let n8n: N8nInstance;
	let vendor: Server;
	const vendorSaw: IncomingHttpHeaders[] = [];

	beforeAll(async () => {
		vendor = createServer((req, res) => {
			vendorSaw.push(req.headers);
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ apiKey: req.headers['x-sandbox-key'] ?? null }));
		});
		await new Promise<void>((done) => vendor.listen(0, '127.0.0.1', done));
		const vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;

		n8n = await startN8n({
			workflows: [mapperWorkflow, credentialWorkflow(vendorUrl)],
			credentials: [
				{ id: 'e2eSandboxKey001', name: 'Sandbox API key', type: 'httpHeaderAuth', data: { name: 'X-Sandbox-Key', value: 'sk-e2e-123' } },
			],
		});
	}, 180_000);

	afterAll(async () => {
		await n8n?.stop();
		await new Promise((done) => vendor?.close(done));
	});

	it('maps a CRM client posted to the production webhook and answers with the canonical client', async () => {
		const response = await fetch(n8n.webhookUrl('e2e/crm-client'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(crmClient),
		});

		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			clientId: 'C-1001',
			firstName: 'Anna',
			lastName: 'Georgiou',
			email: 'anna.georgiou@example.com',
			phone: '+35799123456',
			country: 'CY',
			language: 'el',
		});
	});

	it('records the execution, with our node under its community-package type', async () => {
		const [summary] = await n8n.api.waitForExecutions(MAPPER_WORKFLOW_ID, { status: 'success' });
		const execution = await n8n.api.getExecution(summary.id);

		expect(execution).toMatchObject({ workflowId: MAPPER_WORKFLOW_ID, mode: 'webhook', status: 'success', finished: true });
		expect(nodeOutput(execution, 'Map CRM Client')).toEqual([expect.objectContaining({ clientId: 'C-1001', country: 'CY' })]);
		expect(nodeOutput(execution, 'CRM Client Webhook')[0].body).toEqual(crmClient);

		const workflow = await n8n.api.request<{ active: boolean; nodes: Array<{ name: string; type: string }> }>(
			'GET',
			`/workflows/${MAPPER_WORKFLOW_ID}`,
		);
		expect(workflow.active).toBe(true);
		expect(workflow.nodes.find((node) => node.name === 'Map CRM Client')?.type).toBe('n8n-nodes-brokerage.brokerageMapper');
	});

	it('fails the execution with a message naming the field when a required field is missing', async () => {
		const response = await fetch(n8n.webhookUrl('e2e/crm-client'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: 'C-1002', country: 'GR' }),
		});
		expect(response.status).toBe(500);

		const [summary] = await n8n.api.waitForExecutions(MAPPER_WORKFLOW_ID, { status: 'error' });
		const execution = await n8n.api.getExecution(summary.id);
		expect(execution.data?.resultData.error?.message).toMatch(/"email".*required/);
		expect(execution.data?.resultData.lastNodeExecuted).toBe('Map CRM Client');
	});

	it('decrypts an imported credential and sends it to the sandbox', async () => {
		const response = await fetch(n8n.webhookUrl('e2e/credential-check'), { method: 'POST' });

		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ apiKey: 'sk-e2e-123' });
		expect(vendorSaw.at(-1)?.['x-sandbox-key']).toBe('sk-e2e-123');
	});
});
