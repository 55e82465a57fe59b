/**
 * The CoinsPaid Trigger in real n8n: callbacks signed by the CoinsPaid simulator start the workflow
 * with a canonical transaction (not_confirmed → pending, confirmed → succeeded with the exact net);
 * a forged callback is answered 401 and runs nothing.
 */
import { computeHmac } from '../../lib/signatures';
import { startSandbox, type Sandbox } from '../../sandbox';
import { nodeOutput, startN8n, type E2eWorkflow, type N8nInstance } from './n8n';

const WEBHOOK_ID = '6e7f8091-a2b3-4c4d-8e5f-60718293a4b5';
const WORKFLOW_ID = 'e2eCoinspaidTrig';

describe('CoinsPaid Trigger in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	const url = () => n8n.webhookUrl(`${WEBHOOK_ID}/coinspaid`);

	async function takeAddress(foreignId: string): Promise<string> {
		const { publicKey, secret } = sandbox.coinspaid.simulator.credentials() as { publicKey: string; secret: string };
		const body = JSON.stringify({ foreign_id: foreignId, currency: 'BTC' });
		const response = await fetch(`${sandbox.coinspaid.url}/api/v2/addresses/take`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-processing-key': publicKey, 'x-processing-signature': computeHmac('sha512', secret, body, 'hex') },
			body,
		});
		return ((await response.json()) as { data: { address: string } }).data.address;
	}

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { publicKey, secret } = sandbox.coinspaid.simulator.credentials() as { publicKey: string; secret: string };
		const workflow: E2eWorkflow = {
			id: WORKFLOW_ID,
			name: 'E2E: CoinsPaid callbacks',
			nodes: [
				{
					name: 'CoinsPaid Callback',
					type: 'n8n-nodes-brokerage.coinsPaidTrigger',
					typeVersion: 1,
					position: [0, 0],
					webhookId: WEBHOOK_ID,
					parameters: {},
					credentials: { coinsPaidApi: { id: 'coinspaid', name: 'CoinsPaid sandbox' } },
				},
			],
			connections: {},
		};
		n8n = await startN8n({
			workflows: [workflow],
			credentials: [
				{
					id: 'coinspaid',
					name: 'CoinsPaid sandbox',
					type: 'coinsPaidApi',
					data: { environment: 'custom', baseUrl: `${sandbox.coinspaid.url}/api/v2`, publicKey, secret, previousSecret: '' },
				},
			],
			waitForWebhooks: [`${WEBHOOK_ID}/coinspaid`],
		});
		sandbox.coinspaid.simulator.setCallbackUrl(url());
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('starts the workflow with a pending, then a succeeded deposit carrying the exact net', async () => {
		const coinspaid = sandbox.coinspaid.simulator;
		const address = await takeAddress('client-7001');
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.50000000', confirmations: 0, fee: '0.00500000' });
		await coinspaid.idle();
		await coinspaid.confirm(deposit.id);
		await coinspaid.idle();

		const executions = await n8n.api.waitForExecutions(WORKFLOW_ID, { count: 2, status: 'success' });
		const transactions = await Promise.all(
			executions.map(async (summary) => nodeOutput(await n8n.api.getExecution(summary.id), 'CoinsPaid Callback')[0]),
		);
		const byStatus = Object.fromEntries(transactions.map((t) => [String(t.status), t]));
		// Each callback that started a run was answered 200 with a small JSON body.
		expect(coinspaid.webhookSenders.coinspaid.deliveries.map((d) => [d.status, d.responseBody])).toEqual([
			[200, '{"received":true}'],
			[200, '{"received":true}'],
		]);
		expect(Object.keys(byStatus).sort()).toEqual(['pending', 'succeeded']);
		expect(byStatus.succeeded).toMatchObject({
			source: 'coinspaid',
			type: 'deposit',
			clientId: 'client-7001',
			idempotencyKey: `coinspaid:${deposit.id}`,
			gross: { amount: '0.50000000', currency: 'BTC' },
			fee: { amount: '0.00500000', currency: 'BTC' },
			net: { amount: '0.49500000', currency: 'BTC' },
		});
	});

	it('answers a forged callback with 401 and runs nothing', async () => {
		const before = (await n8n.api.listExecutions({ workflowId: WORKFLOW_ID })).length;
		const response = await fetch(url(), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-processing-key': 'cp_sandbox_public_7d1e4a', 'x-processing-signature': 'f'.repeat(128) },
			body: JSON.stringify({ id: 999, type: 'deposit', status: 'confirmed' }),
		});
		expect(response.status).toBe(401);
		expect((await n8n.api.listExecutions({ workflowId: WORKFLOW_ID })).length).toBe(before);
	});
});
