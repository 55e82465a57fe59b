/**
 * Praxis in real n8n: the Praxis node opens a deposit cashier session on the simulator; the client
 * pays; the simulator's signed notification starts the Praxis Trigger's workflow with a canonical
 * transaction, and Praxis accepts the trigger's signed reply. A forged notification gets 401.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { nodeOutput, startN8n, type E2eWorkflow, type N8nInstance } from './n8n';

const OPEN_ID = 'e2ePraxisOpen000';
const NOTIFY_ID = 'e2ePraxisNotify0';
const credentials = { praxisApi: { id: 'praxis', name: 'Praxis sandbox' } };

describe('Praxis node and trigger in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		const open: E2eWorkflow = {
			id: OPEN_ID,
			name: 'E2E: open a Praxis deposit',
			nodes: [
				{
					name: 'Open Request',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2.1,
					position: [0, 0],
					webhookId: '7f8091a2-b3c4-4d5e-8f60-718293a4b5c6',
					parameters: { httpMethod: 'POST', path: 'e2e/praxis-open', responseMode: 'lastNode', options: {} },
				},
				{
					name: 'Deposit Session',
					type: 'n8n-nodes-brokerage.praxis',
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'cashier',
						operation: 'createDepositSession',
						cid: '={{ $json.body.cid }}',
						orderId: '={{ $json.body.orderId }}',
						amount: '={{ $json.body.amount }}',
						currency: 'EUR',
						notificationUrl: '={{ $json.body.notificationUrl }}',
						customerData: {},
						options: {},
					},
					credentials,
				},
			],
			connections: { 'Open Request': { main: [[{ node: 'Deposit Session', type: 'main', index: 0 }]] } },
		};
		const notify: E2eWorkflow = {
			id: NOTIFY_ID,
			name: 'E2E: Praxis notifications',
			nodes: [{ name: 'Praxis Notification', type: 'n8n-nodes-brokerage.praxisTrigger', typeVersion: 1, position: [0, 0], webhookId: '8091a2b3-c4d5-4e6f-8071-8293a4b5c6d7', parameters: { path: 'praxis', options: {} }, credentials }],
			connections: {},
		};
		n8n = await startN8n({
			workflows: [open, notify],
			credentials: [
				{
					id: 'praxis',
					name: 'Praxis sandbox',
					type: 'praxisApi',
					data: { merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret, previousSecret: '', environment: 'custom', baseUrl: sandbox.praxis.url },
				},
			],
			waitForWebhooks: ['praxis'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('opens a cashier session, and the approved deposit arrives as a succeeded transaction that Praxis sees acknowledged', async () => {
		const opened = await fetch(n8n.webhookUrl('e2e/praxis-open'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ cid: 'client-1001', orderId: 'dep-e2e-1', amount: '250.00', notificationUrl: n8n.webhookUrl('praxis') }),
		});
		expect(opened.status).toBe(200);
		const session = (await opened.json()) as Record<string, unknown>;
		expect(session.orderId).toBe('dep-e2e-1');
		expect(String(session.redirectUrl)).toContain(sandbox.praxis.url);

		const result = await sandbox.praxis.simulator.completeDeposit('dep-e2e-1', { status: 'approved', fee: 250 });
		expect(result.notification.acknowledged).toBe(true);

		const [summary] = await n8n.api.waitForExecutions(NOTIFY_ID, { count: 1, status: 'success' });
		const [transaction] = nodeOutput(await n8n.api.getExecution(summary.id), 'Praxis Notification');
		expect(transaction).toMatchObject({
			source: 'praxis',
			type: 'deposit',
			status: 'succeeded',
			clientId: 'client-1001',
			idempotencyKey: `praxis:${result.transaction.tid}`,
			gross: { amount: '250.00', currency: 'EUR' },
			fee: { amount: '2.50', currency: 'EUR' },
		});
	});

	it('answers a forged notification with 401, runs nothing, and Praxis keeps it pending', async () => {
		const opened = await fetch(n8n.webhookUrl('e2e/praxis-open'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ cid: 'client-1002', orderId: 'dep-e2e-2', amount: '10.00', notificationUrl: n8n.webhookUrl('praxis') }),
		});
		expect(opened.status).toBe(200);
		const before = (await n8n.api.listExecutions({ workflowId: NOTIFY_ID })).length;
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const result = await sandbox.praxis.simulator.completeDeposit('dep-e2e-2', { status: 'approved' });

		expect(result.deliveries.map((d) => d.status)).toEqual([401]);
		expect(result.notification.acknowledged).toBe(false);
		expect((await n8n.api.listExecutions({ workflowId: NOTIFY_ID })).length).toBe(before);
	});
});
