/**
 * The Sumsub Trigger as n8n 2.8 runs a webhook: behind a real HTTP server the Sumsub simulator
 * delivers to, each request goes through n8n-core's WebhookContext on the built node, with the
 * workflow's static data kept between calls as n8n saves it. "Runs" means webhook() returned
 * workflowData (n8n then starts the workflow); the answer Sumsub gets is recorded too.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PackageDirectoryLoader, WebhookContext } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IDataObject,
	type INode,
	type INodeType,
	type IVersionedNodeType,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { postRaw, startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { SumsubSimulator, type SumsubDigestAlgorithm } from '../../sandbox/sumsub';
import { PACKAGE_ROOT } from '../runner';

const TYPE = 'n8n-nodes-brokerage.sumsubTrigger';

class Credentials extends ICredentialsHelper {
	constructor(public data: ICredentialDataDecryptedObject) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, options: never) {
		return options;
	}
	async preAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}
	async getDecrypted() {
		return this.data;
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return [];
	}
}

interface Call {
	status: number;
	answer: string;
	ran: boolean;
	json?: IDataObject;
}

describe('Sumsub Trigger behind a real webhook endpoint', () => {
	let sumsub: RunningSimulator<SumsubSimulator>;
	let server: Server;
	let calls: Call[] = [];
	let nodeType: INodeType;
	let workflow: Workflow;
	let node: INode;
	let credentials: Credentials;
	const sim = () => sumsub.simulator;

	/** A trigger node in a workflow whose static data lives as long as the workflow object. */
	function activate(parameters: IDataObject = {}, options: { nodeId?: string; staticData?: IDataObject } = {}) {
		node = {
			id: options.nodeId ?? 'trigger-1',
			name: 'Sumsub Trigger',
			type: TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { eventTypes: [], options: {}, ...parameters },
			credentials: { sumsubApi: { id: 'sumsub-1', name: 'Sumsub' } },
		} as INode;
		workflow = new Workflow({
			id: 'wf-sumsub',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: {
				getByName: () => nodeType,
				getByNameAndVersion: () => nodeType,
				getKnownTypes: () => ({}),
			},
			staticData: options.staticData ?? {},
		});
	}

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		let answer = '';
		const response = {
			status(code: number) {
				res.statusCode = code;
				return response;
			},
			json(value: unknown) {
				answer = JSON.stringify(value);
				res.setHeader('content-type', 'application/json');
				res.end(answer);
				return response;
			},
		};
		const additionalData = {
			credentialsHelper: credentials,
			httpRequest: { headers: req.headers, rawBody, body: JSON.parse(rawBody.toString('utf8') || '{}') as unknown, readRawBody: async () => undefined },
			httpResponse: response,
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = { webhookDescription: { name: 'default' } } as unknown as IWebhookData;
		const context = new WebhookContext(workflow, workflow.getNode(node.name) as INode, additionalData, 'webhook', webhookData, [], null);
		const result = await (nodeType.webhook as NonNullable<INodeType['webhook']>).call(context);
		const json = result.workflowData?.[0]?.[0]?.json;
		calls.push({ status: res.statusCode, answer, ran: json !== undefined, json });
		if (!res.writableEnded) res.end();
	}

	beforeAll(async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		nodeType = NodeHelpers.getVersionedNodeType(loader.nodeTypes.sumsubTrigger.type as INodeType | IVersionedNodeType, 1);
		sumsub = await startSimulator(new SumsubSimulator());
		server = createServer((req, res) => void handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		await sim().idle();
		await sumsub.close();
		await new Promise((resolve) => server.close(resolve));
	});

	let clientCounter = 0;
	const useAlgorithm = (algorithm: SumsubDigestAlgorithm, simulatorSecret = 'webhook-secret') => {
		sim().configureWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/sumsub`, secret: simulatorSecret, algorithm });
	};
	beforeEach(async () => {
		await sim().idle();
		sim().reset();
		sim().webhookSenders.sumsub.clear();
		calls = [];
		credentials = new Credentials({ appToken: sim().appToken, secretKey: 'x', webhookSecret: 'webhook-secret', previousWebhookSecret: '', digestAlgorithm: 'HMAC_SHA256_HEX', baseUrl: sumsub.url });
		useAlgorithm('HMAC_SHA256_HEX');
		// A new workflow id per test keeps the in-process memory of one test from the next.
		activate();
		workflow.id = `wf-sumsub-${++clientCounter}`;
	});

	/** An applicant created directly in the simulator (applicantCreated goes out too). */
	const applicant = async (externalUserId: string) => {
		const answer = await fetchSigned('POST', '/resources/applicants?levelName=basic-kyc-level', { externalUserId });
		await sim().idle();
		return String(answer.id);
	};
	async function fetchSigned(method: 'POST', path: string, body: object) {
		const { sumsubCall } = await import('../../sandbox/sumsub');
		const creds = sim().credentials();
		return (await sumsubCall({ baseUrl: sumsub.url, appToken: creds.app_token, secretKey: creds.secret_key }, method, path, body)).json;
	}

	const ranTypes = () => calls.filter((c) => c.ran).map((c) => c.json?.eventType);

	it('starts the workflow on a GREEN review with an approved kycCase, answering 200', async () => {
		activate({ eventTypes: ['applicantReviewed'] });
		workflow.id = `wf-green-${clientCounter}`;
		const id = await applicant('CRM-1');
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls.map((c) => [c.status, c.ran])).toEqual([
			[200, false],
			[200, true],
		]);
		expect(calls[0].answer).toContain('"ignored":"filtered"');
		expect(calls[1].json).toMatchObject({ provider: 'sumsub', applicantId: id, clientId: 'CRM-1', status: 'approved', reviewAnswer: 'GREEN', eventType: 'applicantReviewed', level: 'basic-kyc-level', webhook: { secretUsed: 'current' } });
		expect(String(calls[1].json?.eventTimeUtc)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
	});

	it('tells RED + RETRY from RED + FINAL, with labels, messages and AML flags', async () => {
		const retry = await applicant('CRM-2');
		const final = await applicant('CRM-3');
		await sim().completeReview(retry, { reviewAnswer: 'RED', rejectType: 'RETRY', labels: ['UNSATISFACTORY_PHOTOS'], moderationComment: 'Sharper photo please' });
		await sim().completeReview(final, { reviewAnswer: 'RED', rejectType: 'FINAL', aml: { sanctions: true } });
		const reviewed = calls.filter((c) => c.json?.eventType === 'applicantReviewed').map((c) => c.json);
		expect(reviewed[0]).toMatchObject({ applicantId: retry, status: 'rejected_retry', rejectType: 'RETRY', rejectLabels: ['UNSATISFACTORY_PHOTOS'], clientMessage: 'Sharper photo please' });
		expect(reviewed[1]).toMatchObject({ applicantId: final, status: 'rejected_final', rejectType: 'FINAL', rejectLabels: ['SANCTIONS'], amlFlags: { sanctions: true } });
	});

	it('answers a forged webhook 401 and starts nothing', async () => {
		const id = await applicant('CRM-4');
		calls = [];
		sim().webhookSenders.sumsub.addFault({ kind: 'badSignature' });
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls).toEqual([{ status: 401, answer: '{"error":"unauthorized","reason":"signature_mismatch"}', ran: false, json: undefined }]);
	});

	it('acknowledges a stale webhook (older than Max Event Age) without starting the workflow', async () => {
		activate({ options: { maxEventAgeHours: 48 } });
		workflow.id = `wf-stale-${clientCounter}`;
		const id = await applicant('CRM-5');
		calls = [];
		sim().webhookSenders.sumsub.addFault({ kind: 'staleTimestamp', ageSeconds: 3 * 24 * 3600 });
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls.map((c) => [c.status, c.ran, c.answer])).toEqual([[200, false, '{"received":true,"ignored":"stale"}']]);
	});

	it('keeps the newest status when events arrive out of order: the older one is acknowledged, not run', async () => {
		const id = await applicant('CRM-6');
		calls = [];
		sim().webhookSenders.sumsub.addFault({ kind: 'outOfOrder', count: 2 });
		void sim().putOnHold(id);
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		await sim().idle();
		expect(calls.map((c) => [c.status, c.ran, c.json?.eventType ?? c.answer])).toEqual([
			[200, true, 'applicantReviewed'],
			[200, false, '{"received":true,"ignored":"older"}'],
		]);
		const stored = (workflow.staticData['node:Sumsub Trigger'] as IDataObject).newestEvents as Record<string, { t: number }>;
		const reviewedAt = sim().state().events.find((e) => e.type === 'applicantReviewed')?.createdAtMs;
		expect(stored[id].t).toBe(reviewedAt);
	});

	it('remembers the newest event in the workflow static data, so an older event is refused after a restart', async () => {
		const id = await applicant('CRM-7');
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(ranTypes()).toEqual(['applicantCreated', 'applicantReviewed']);
		// n8n restarts: a fresh trigger (no in-process memory) with the static data n8n saved.
		const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		activate({}, { nodeId: 'trigger-after-restart', staticData: saved });
		workflow.id = `wf-restart-${clientCounter}`;
		calls = [];
		// Sumsub's late retry of an applicantPending sent before the review, signed as Sumsub signs.
		const reviewedAt = sim().state().events.find((e) => e.type === 'applicantReviewed')?.createdAtMs as number;
		const older = JSON.stringify({ applicantId: id, externalUserId: 'CRM-7', levelName: 'basic-kyc-level', type: 'applicantPending', reviewStatus: 'pending', createdAtMs: new Date(reviewedAt - 60_000).toISOString().slice(0, 23).replace('T', ' ') });
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/sumsub`;
		const digest = createHmac('sha256', 'webhook-secret').update(older).digest('hex');
		await postRaw(url, { headers: { 'X-Payload-Digest': digest, 'X-Payload-Digest-Alg': 'HMAC_SHA256_HEX' }, body: older });
		expect(calls.map((c) => [c.status, c.ran, c.answer])).toEqual([[200, false, '{"received":true,"ignored":"older"}']]);
		// A newer event still runs on the restarted trigger.
		await sim().sendEvent(id, 'applicantPersonalInfoChanged');
		expect(ranTypes()).toEqual(['applicantPersonalInfoChanged']);
	});

	it('runs a duplicated delivery once, acknowledging both copies', async () => {
		const id = await applicant('CRM-8');
		calls = [];
		sim().webhookSenders.sumsub.addFault({ kind: 'duplicate', copies: 3, concurrent: true });
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
		expect(calls.filter((c) => c.ran)).toHaveLength(1);
	});

	it.each(['HMAC_SHA1_HEX', 'HMAC_SHA512_HEX'] as const)('verifies %s when the credential names it, and refuses it when it names another', async (algorithm) => {
		useAlgorithm(algorithm);
		const id = await applicant(`CRM-${algorithm}`);
		expect(calls.map((c) => c.answer)).toEqual(['{"error":"unauthorized","reason":"algorithm_mismatch"}']);
		credentials.data = { ...credentials.data, digestAlgorithm: algorithm };
		calls = [];
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls.map((c) => [c.status, c.ran])).toEqual([[200, true]]);
	});

	it('accepts webhooks signed with the previous secret during a rotation', async () => {
		useAlgorithm('HMAC_SHA256_HEX', 'old-secret');
		credentials.data = { ...credentials.data, webhookSecret: 'new-secret', previousWebhookSecret: 'old-secret' };
		const id = await applicant('CRM-9');
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		expect(calls.every((c) => c.status === 200)).toBe(true);
		expect(calls[1].json).toMatchObject({ status: 'approved', webhook: { secretUsed: 'previous' } });
		credentials.data = { ...credentials.data, previousWebhookSecret: '' };
		await sim().sendEvent(id, 'applicantTagsChanged');
		expect(calls[2]).toMatchObject({ status: 401, ran: false });
	});
});
