/**
 * The Onfido Trigger's webhook() as n8n 2.8 runs it: the built node, called through n8n-core's own
 * WebhookContext (real `getCredentials`, `httpRequestWithAuthentication` and workflow static data
 * kept on one Workflow between deliveries, as n8n saves it), behind a real HTTP server that the
 * Onfido simulator delivers to. The trigger fetches the completed resource from the simulator over
 * loopback. A small credentials helper plays n8n's part (the generic `authenticate` block).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { OnfidoSimulator, SANDBOX_WORKFLOW_ID } from '../../sandbox/onfido';
import { fromPackage } from '../runner';

const { OnfidoTrigger } = fromPackage<typeof import('../../nodes/Onfido/OnfidoTrigger.node')>('nodes/Onfido/OnfidoTrigger.node');
const { OnfidoApi } = fromPackage<typeof import('../../credentials/OnfidoApi.credentials')>('credentials/OnfidoApi.credentials');
const { processReplayGuard } = fromPackage<typeof import('../../lib/replayGuard')>('lib/replayGuard');
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');

const TYPE = 'n8n-nodes-brokerage.onfidoTrigger';
const TOKEN = 'api_sandbox.onfido_7Hq2xLw9';
const WEBHOOK_TOKEN = 'onfido_webhook_token_3Jd8sPq1';

/** n8n's part for the Onfido credential: stored data, generic `authenticate` expanded. */
class OnfidoCredentials extends ICredentialsHelper {
	constructor(
		private readonly type: ICredentialType,
		public data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, _typeName: string, options: IHttpRequestOptions, workflow: Workflow, node: INode) {
		const authenticate = this.type.authenticate;
		if (!authenticate || typeof authenticate === 'function' || authenticate.type !== 'generic') return options;
		const headers = { ...(options.headers ?? {}) };
		for (const [key, value] of Object.entries(authenticate.properties.headers ?? {})) {
			headers[key] = workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys, undefined, '');
		}
		return { ...options, headers };
	}

	async preAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return this.data;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return this.type.properties;
	}

	isCredentialUsableByNode() {
		return true;
	}
}

interface Call {
	status: number;
	body: string;
	result: IWebhookResponseData;
}

describe('Onfido Trigger against the simulator', () => {
	let onfido: RunningSimulator<OnfidoSimulator>;
	let server: Server;
	let url: string;
	let calls: Call[] = [];
	let workflow: Workflow;
	let credentials: OnfidoCredentials;
	let parameters: IDataObject = {};
	const trigger = new OnfidoTrigger();
	const node = (): INode => ({
		id: 'onfido-trigger-node',
		name: 'Onfido Trigger',
		type: TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { onfidoApi: { id: 'onfido', name: 'Onfido sandbox' } },
	});
	const newWorkflow = () => {
		const nodeTypes: INodeTypes = {
			getByName: () => trigger as INodeType,
			getByNameAndVersion: () => NodeHelpers.getVersionedNodeType(trigger as INodeType, 1),
			getKnownTypes: () => ({}),
		};
		workflow = new Workflow({ id: 'wf-onfido', name: 'onfido', nodes: [node()], connections: {}, active: true, nodeTypes, staticData: {} });
	};
	const runs = () => calls.filter((c) => c.result.workflowData !== undefined);
	const output = (call: Call) => call.result.workflowData![0][0].json;

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		let sent = '';
		const response = {
			status(code: number) {
				res.statusCode = code;
				return response;
			},
			json(value: unknown) {
				sent = JSON.stringify(value);
				res.setHeader('content-type', 'application/json');
				res.end(sent);
				return response;
			},
		};
		const request = { headers: req.headers, rawBody: Buffer.concat(chunks), readRawBody: async () => undefined };
		const additionalData = {
			credentialsHelper: credentials,
			httpRequest: request,
			httpResponse: response,
			executionId: 'webhook-test',
			restApiUrl: 'http://localhost:5678/rest',
			instanceBaseUrl: 'http://localhost:5678/',
			webhookBaseUrl: 'http://localhost:5678/webhook',
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = { webhookDescription: { name: 'default' }, node: 'Onfido Trigger', workflowId: workflow.id, httpMethod: 'POST', path: 'onfido' } as unknown as IWebhookData;
		const context = new WebhookContext(workflow, workflow.getNode('Onfido Trigger')!, additionalData, 'webhook', webhookData, [], null);
		const result = await trigger.webhook.call(context);
		calls.push({ status: res.statusCode, body: sent, result });
		if (!res.writableEnded) res.end();
	}

	const api = async (method: string, path: string, body?: unknown) =>
		(await (
			await fetch(`${onfido.url}/v3.6${path}`, {
				method,
				headers: { authorization: `Token token=${TOKEN}`, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			})
		).json()) as Record<string, any>;
	const applicantWithRun = async () => {
		const applicant = await api('POST', '/applicants', { first_name: 'Jane', last_name: 'Doe' });
		const run = await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id, customer_user_id: 'crm-1001' });
		return { applicantId: applicant.id as string, runId: run.id as string };
	};

	beforeAll(async () => {
		onfido = await startSimulator(new OnfidoSimulator());
		server = createServer((req, res) => void handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/onfido`;
	});
	afterAll(async () => {
		await onfido.simulator.idle();
		await onfido.close();
		await new Promise((resolve) => server.close(resolve));
	});
	beforeEach(async () => {
		await onfido.simulator.idle();
		onfido.simulator.reset();
		onfido.simulator.setWebhookUrl(url);
		calls = [];
		parameters = { events: ['workflow_run.completed', 'check.completed'], fetchResource: true, options: {} };
		credentials = new OnfidoCredentials(new OnfidoApi(), { region: 'custom', baseUrl: `${onfido.url}/v3.6`, apiToken: TOKEN, webhookToken: WEBHOOK_TOKEN, previousWebhookToken: '' });
		newWorkflow();
		processReplayGuard.clear();
		resetBreakers();
	});

	it('runs a completed workflow run as a canonical kycCase read from Onfido', async () => {
		const { applicantId, runId } = await applicantWithRun();
		await onfido.simulator.completeWorkflowRun(runId, 'approved', { documentExpiry: '2030-02-01', issuingCountry: 'CYP', documentType: 'national_identity_card' });
		expect(calls).toHaveLength(1);
		expect(calls[0].status).toBe(200);
		expect(output(calls[0])).toMatchObject({
			provider: 'onfido',
			applicantId,
			clientId: 'crm-1001',
			status: 'approved',
			reviewAnswer: 'approved',
			level: SANDBOX_WORKFLOW_ID,
			documents: [{ type: 'national_identity_card', country: 'CY', expiresOn: '2030-02-01' }],
			amlFlags: { pep: false, sanctions: false },
			workflowRunId: runId,
			webhook: { action: 'workflow_run.completed', tokenUsed: 'current' },
		});
		expect(String(output(calls[0]).eventTimeUtc)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
	});

	it('runs a completed check with its reports: a sanctions hit is on hold with the flag', async () => {
		const applicant = await api('POST', '/applicants', { first_name: 'Jane', last_name: 'Doe' });
		const check = await api('POST', '/checks', { applicant_id: applicant.id, report_names: ['watchlist_standard'], tags: ['client:crm-55'] });
		await onfido.simulator.completeCheck(check.id, 'consider', { sanctions: true });
		expect(output(calls[0])).toMatchObject({ status: 'on_hold', reviewAnswer: 'consider', clientId: 'crm-55', checkId: check.id, amlFlags: { sanctions: true, pep: false } });
	});

	it('answers a forged delivery 401 and runs nothing', async () => {
		const { runId } = await applicantWithRun();
		onfido.simulator.webhookSenders.onfido.addFault({ kind: 'badSignature' });
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(calls).toEqual([{ status: 401, body: expect.stringContaining('signature_mismatch'), result: { noWebhookResponse: true } }]);
		expect(onfido.simulator.deliveries[0].status).toBe(401);
	});

	it('accepts deliveries signed with the previous token during a rotation', async () => {
		credentials.data = { ...credentials.data, webhookToken: 'the-new-token', previousWebhookToken: WEBHOOK_TOKEN };
		const { runId } = await applicantWithRun();
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(output(calls[0])).toMatchObject({ webhook: { tokenUsed: 'previous' } });
	});

	it('runs a duplicated delivery once and acknowledges both', async () => {
		const { runId } = await applicantWithRun();
		onfido.simulator.webhookSenders.onfido.addFault({ kind: 'duplicate', copies: 2 });
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(calls.map((c) => [c.status, c.result.workflowData ? 'run' : 'not run'])).toEqual([
			[200, 'run'],
			[200, 'not run'],
		]);
	});

	it('runs ten concurrent copies of one delivery once', async () => {
		const { runId } = await applicantWithRun();
		onfido.simulator.webhookSenders.onfido.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(calls).toHaveLength(10);
		expect(runs()).toHaveLength(1);
		expect(calls.every((c) => c.status === 200)).toBe(true);
	});

	it('treats a "stale" delivery as the replay it is: Onfido signs no time, the bytes are the same', async () => {
		const { runId } = await applicantWithRun();
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		onfido.simulator.webhookSenders.onfido.addFault({ kind: 'staleTimestamp', ageSeconds: 3600 });
		await onfido.simulator.resend(onfido.simulator.webhookLog[0].eventId);
		expect(calls.map((c) => [c.status, c.result.workflowData ? 'run' : 'not run'])).toEqual([
			[200, 'run'],
			[200, 'not run'],
		]);
	});

	it('never lets an older event override a newer status for the same applicant', async () => {
		let clock = Date.parse('2026-03-01T10:00:00Z');
		await onfido.close();
		onfido = await startSimulator(new OnfidoSimulator({ now: () => clock }));
		onfido.simulator.setWebhookUrl(url);
		credentials.data = { ...credentials.data, baseUrl: `${onfido.url}/v3.6` };
		const applicant = await api('POST', '/applicants', { first_name: 'Jane', last_name: 'Doe' });
		const first = await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id });
		const second = await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id });
		onfido.simulator.webhookSenders.onfido.addFault({ kind: 'outOfOrder', count: 2 });
		await onfido.simulator.completeWorkflowRun(first.id, 'declined');
		clock += 60_000;
		await onfido.simulator.completeWorkflowRun(second.id, 'approved');

		expect(calls.map((c) => [c.status, JSON.parse(c.body).ignored ?? 'run'])).toEqual([
			[200, 'run'],
			[200, 'older'],
		]);
		expect(output(runs()[0])).toMatchObject({ workflowRunId: second.id, status: 'approved' });
		// Kept in the workflow's static data (saved by n8n after the webhook), per applicant.
		const memory = (workflow.staticData['node:Onfido Trigger'] as IDataObject).newestByApplicant as IDataObject;
		expect(memory[applicant.id]).toEqual({ timeUtc: '2026-03-01T10:01:00.000Z', eventKey: `workflow_run.completed:${second.id}` });
	});

	it('acknowledges an event that is not selected without running or fetching', async () => {
		parameters = { ...parameters, events: ['check.completed'] };
		newWorkflow();
		const { runId } = await applicantWithRun();
		onfido.simulator.faults.add({ fault: { kind: 'status', status: 500 }, path: '/v3.6/workflow_runs/*', method: 'GET' });
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(calls).toEqual([{ status: 200, body: expect.stringContaining('filtered'), result: { noWebhookResponse: true } }]);
		expect(onfido.simulator.faults.pending()).toHaveLength(1);
	});

	it('answers 503 when Onfido cannot be read, so Onfido delivers again, and runs the redelivery', async () => {
		const { runId } = await applicantWithRun();
		onfido.simulator.faults.add({ fault: { kind: 'status', status: 500 }, path: `/v3.6/workflow_runs/${runId}`, method: 'GET', times: 2 });
		await onfido.simulator.completeWorkflowRun(runId, 'approved');
		expect(calls[0]).toMatchObject({ status: 503, result: { noWebhookResponse: true } });
		expect(calls[0].result.workflowData).toBeUndefined();
		await onfido.simulator.resend(onfido.simulator.webhookLog[0].eventId);
		expect(calls[1].status).toBe(200);
		expect(output(calls[1])).toMatchObject({ status: 'approved', workflowRunId: runId });
	});

	it('without Fetch Resource, runs on what the webhook says (a check is pending until read)', async () => {
		parameters = { ...parameters, fetchResource: false };
		newWorkflow();
		const { runId } = await applicantWithRun();
		await onfido.simulator.completeWorkflowRun(runId, 'review');
		expect(output(calls[0])).toMatchObject({ status: 'on_hold', reviewAnswer: 'review', workflowRunId: runId, clientId: 'crm-1001' });
		expect(output(calls[0]).documents).toBeUndefined();
	});
});
