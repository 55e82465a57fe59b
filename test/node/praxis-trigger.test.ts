/**
 * The Praxis Trigger's webhook() as n8n 2.8 calls it, behind a real HTTP server the Praxis
 * simulator notifies: it writes Praxis's signed reply itself and returns `noWebhookResponse: true`
 * with `workflowData`, which n8n's webhook helper (cli webhook-helpers `executeWebhook`) answers
 * with nothing more and still runs. The simulator judges the reply as Praxis does. The full run in
 * real n8n belongs to the e2e suite.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { PraxisSimulator } from '../../sandbox/praxis';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/praxis-operations.json';

const { PraxisTrigger } = fromPackage<typeof import('../../nodes/Praxis/PraxisTrigger.node')>('nodes/Praxis/PraxisTrigger.node');
const { processReplayGuard } = fromPackage<typeof import('../../lib/replayGuard')>('lib/replayGuard');

const CREDENTIALS = {
	merchantId: 'praxis_sandbox_merchant',
	applicationKey: 'praxis_sandbox_app_3f9a',
	merchantSecret: 'praxis_sandbox_secret_7c41e9d2',
	previousSecret: '',
	environment: 'custom',
};

interface Call {
	result: IWebhookResponseData;
	status: number;
}

/** An express-like response over Node's, with the methods webhook() uses. */
function expressLike(res: ServerResponse) {
	const shim = {
		status(code: number) {
			res.statusCode = code;
			return shim;
		},
		set(headers: Record<string, string>) {
			for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
			return shim;
		},
		send(body: string) {
			res.end(body);
			return shim;
		},
		json(value: unknown) {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(value));
			return shim;
		},
	};
	return shim;
}

describe('Praxis Trigger webhook against the simulator', () => {
	let praxis: RunningSimulator<PraxisSimulator>;
	let server: Server;
	let url: string;
	let calls: Call[] = [];
	const trigger = new PraxisTrigger();

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const request = { headers: req.headers, rawBody: Buffer.concat(chunks), readRawBody: async () => undefined };
		const ctx = {
			getRequestObject: () => request,
			getResponseObject: () => expressLike(res),
			getNodeParameter: (name: string, fallback: unknown) => (name === 'options' ? {} : fallback),
			getCredentials: async () => CREDENTIALS,
			getWorkflow: () => ({ id: 'wf-praxis' }),
			getNode: () => ({ id: 'node-praxis' }) as INode,
			logger: { warn: () => undefined },
		} as unknown as IWebhookFunctions;
		const result = await trigger.webhook.call(ctx);
		calls.push({ result, status: res.statusCode });
		if (!res.writableEnded) res.end();
	}

	const openDeposit = async () => {
		const workflow = fixture as unknown as WorkflowJson;
		await runWorkflow(workflow, {
			input: [{ cid: 'client-1001', orderId: 'dep-0001', amount: '100.00', currency: 'EUR', notificationUrl: url }],
			credentials: { praxisApi: { ...CREDENTIALS, baseUrl: praxis.url } },
		});
		expect(praxis.simulator.state().orders).toHaveLength(1);
	};

	beforeAll(async () => {
		praxis = await startSimulator(new PraxisSimulator());
		server = createServer((req, res) => void handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/praxis`;
	});
	afterAll(async () => {
		await praxis.simulator.idle();
		await praxis.close();
		await new Promise((resolve) => server.close(resolve));
	});
	beforeEach(async () => {
		await praxis.simulator.idle();
		praxis.simulator.reset();
		calls = [];
		processReplayGuard.clear();
	});

	it('answers the signed reply Praxis accepts and starts the workflow with the canonical transaction', async () => {
		await openDeposit();
		const { notification } = await praxis.simulator.completeDeposit('dep-0001', { status: 'approved', conversionRate: '1.085000', processedCurrency: 'USD' });
		expect(notification.acknowledged).toBe(true);
		expect(calls).toHaveLength(1);
		expect(calls[0].status).toBe(200);
		expect(calls[0].result.noWebhookResponse).toBe(true);
		const json = calls[0].result.workflowData?.[0][0].json as IDataObject;
		expect(json).toMatchObject({ transactionId: '756850', status: 'succeeded', gross: { amount: '108.50', currency: 'USD' }, idempotencyKey: 'praxis:756850', webhook: { secretUsed: 'current' } });
		expect(JSON.parse(notification.attempts[0].replyBody)).toMatchObject({ status: 0, description: 'OK', version: '1.3' });
	});

	it('answers a forged notification 401 and starts nothing; Praxis keeps it pending', async () => {
		await openDeposit();
		praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const { notification } = await praxis.simulator.completeDeposit('dep-0001', { status: 'approved' });
		expect(calls[0]).toMatchObject({ status: 401, result: { noWebhookResponse: true } });
		expect(calls[0].result.workflowData).toBeUndefined();
		expect(notification.acknowledged).toBe(false);
	});

	it('answers a notification signed 10 minutes ago 401 and starts nothing', async () => {
		await openDeposit();
		praxis.simulator.webhookSenders.praxis.addFault({ kind: 'staleTimestamp', ageSeconds: 600 });
		await praxis.simulator.completeDeposit('dep-0001', { status: 'approved' });
		expect(calls[0].status).toBe(401);
		expect(calls[0].result.workflowData).toBeUndefined();
	});

	it('runs a duplicated delivery (same signature) once, acknowledging both copies', async () => {
		await openDeposit();
		praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 2 });
		const { notification } = await praxis.simulator.completeDeposit('dep-0001', { status: 'approved' });
		expect(calls.map((c) => [c.status, c.result.workflowData === undefined ? 'not run' : 'run'])).toEqual([
			[200, 'run'],
			[200, 'not run'],
		]);
		expect(notification.attempts.map((a) => a.accepted)).toEqual([true, true]);
	});

	it('accepts Praxis\'s resend after a refused delivery and runs it then', async () => {
		await openDeposit();
		praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const { notification } = await praxis.simulator.completeDeposit('dep-0001', { status: 'approved' });
		await praxis.simulator.resendPending();
		expect(calls.map((c) => [c.status, c.result.workflowData === undefined ? 'not run' : 'run'])).toEqual([
			[401, 'not run'],
			[200, 'run'],
		]);
		expect(notification.acknowledged).toBe(true);
	});
});
