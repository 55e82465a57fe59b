/**
 * The Meta Conversions credential and node (resource Event) against the Meta simulator over real
 * HTTP, through the node as n8n runs it: batching, per-item validation, consent gating, throttling.
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import type { IDataObject, IHttpRequestOptions, INode, INodeParameters } from 'n8n-workflow';

import { MetaConversionsApi } from '../../credentials/MetaConversionsApi.credentials';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { MetaSimulator } from '../../sandbox/meta';
import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/meta-conversions.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const NODE = 'Meta Conversions';
const SENT = 0;
const NOT_SENT = 1;
const ERROR = 2;

const deposit = (i: number, extra: IDataObject = {}): IDataObject => ({
	clientId: `c${i}`,
	email: `Client.${i}@Example.com`,
	phone: `+357 99 ${String(100000 + i)}`,
	country: 'CY',
	value: { amount: '250.00', currency: 'USD' },
	consent: true,
	...extra,
});

describe('Meta Conversions node: events', () => {
	let meta: RunningSimulator<MetaSimulator>;
	const credentials = (token = 'meta_sandbox_token_EAAB7c1d2e3f') => ({
		accessToken: token,
		pixelId: '1234567890123456',
		adAccountId: 'act_987654321',
		apiVersion: 'v25.0',
		testEventCode: '',
		baseUrl: `${meta.url}/`,
	});
	const withParameters = (parameters: INodeParameters): WorkflowJson => ({
		...(fixture as unknown as WorkflowJson),
		nodes: (fixture as unknown as WorkflowJson).nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, ...parameters } })),
	});
	const run = async (input: IDataObject[], wf: WorkflowJson = fixture as unknown as WorkflowJson) =>
		await runWorkflow(wf, { input, credentials: { metaConversionsApi: credentials() } });
	const output = (result: Awaited<ReturnType<typeof run>>, index: number) => result.outputs[NODE][index] ?? [];

	beforeAll(async () => {
		meta = await startSimulator(new MetaSimulator());
	});
	afterAll(async () => {
		await meta.close();
	});
	beforeEach(() => {
		meta.simulator.reset();
		meta.simulator.faults.clear();
		resetBreakers();
	});

	describe('credential test (a real GET of the pixel)', () => {
		const send = async (token?: string) => {
			const credential = new MetaConversionsApi();
			const data = credentials(token);
			const signed = await credential.authenticate(data, {
				method: 'GET',
				url: `${meta.url}/${data.apiVersion}/${data.pixelId}`,
				qs: credential.test.request.qs,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			} as IHttpRequestOptions);
			return (await httpRequest(signed)) as { statusCode: number; body: { id?: string; error?: { code: number } } };
		};

		it('passes with the sandbox token', async () => {
			const answer = await send();
			expect(answer.statusCode).toBe(200);
			expect(answer.body.id).toBe('1234567890123456');
		});

		it('fails with a wrong token: Meta answers code 190', async () => {
			const answer = await send('EAAwrong');
			expect(answer.statusCode).toBe(400);
			expect(answer.body.error?.code).toBe(190);
		});
	});

	it('sends 2,500 first-time deposits in 3 requests of at most 1,000 events, each paired with its item', async () => {
		const result = await run(Array.from({ length: 2500 }, (_, i) => deposit(i)));
		expect(meta.simulator.eventRequestLog.map((r) => r.eventCount)).toEqual([1000, 1000, 500]);
		const sent = output(result, SENT);
		expect(sent).toHaveLength(2500);
		expect(sent[2499].pairedItem).toEqual({ item: 2499 });
		expect(sent[0].json).toMatchObject({
			eventId: 'ftd:c0',
			eventName: 'Purchase',
			clientId: 'c0',
			value: { amount: '250.00', currency: 'USD' },
			consent: true,
			destination: 'meta',
			pixelId: '1234567890123456',
			actionSource: 'system_generated',
			eventsReceived: 1000,
			batch: 1,
			batchCount: 3,
		});
		expect(sent[2499].json).toMatchObject({ batch: 3, eventsReceived: 500 });
		const first = meta.simulator.events[0].event as { user_data: Record<string, unknown>; event_id: string; custom_data: unknown };
		expect(first.event_id).toBe('ftd:c0');
		expect(first.custom_data).toEqual({ value: 250, currency: 'USD' });
		expect(Object.keys(first.user_data).sort()).toEqual(['country', 'em', 'external_id', 'ph']);
	});

	it('isolates a bad event: it leaves on the error output naming the field, the rest are sent', async () => {
		const result = await run([deposit(1), deposit(2, { email: 'not-an-address' }), deposit(3, { eventTime: '2020-01-01T00:00:00Z' }), deposit(4)]);
		expect(meta.simulator.eventRequestLog).toEqual([expect.objectContaining({ accepted: true, eventCount: 2 })]);
		expect(output(result, SENT).map((i) => i.json.eventId)).toEqual(['ftd:c1', 'ftd:c4']);
		const errors = output(result, ERROR);
		expect(errors.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(String(errors[0].json.error)).toContain('"Email": "not-an-address" is not an e-mail address');
		expect(String(errors[1].json.error)).toContain('"Event Time"');
		expect(String(errors[1].json.error)).toContain('more than 7 days ago');
	});

	it('sends nothing for an item without consent: it leaves on Not Sent with the reason', async () => {
		const result = await run([deposit(1), deposit(2, { consent: false }), deposit(3, { consent: 'denied' }), deposit(4, { consent: undefined })]);
		expect(output(result, SENT).map((i) => i.json.clientId)).toEqual(['c1']);
		const notSent = output(result, NOT_SENT);
		expect(notSent.map((i) => i.json.clientId)).toEqual(['c2', 'c3', 'c4']);
		expect(notSent[0].json.notSent).toMatchObject({ destination: 'meta', code: 'consent_missing' });
		expect(notSent[1].pairedItem).toEqual({ item: 2 });
		expect(meta.simulator.events).toHaveLength(1);
	});

	it('retries Meta throttling (code 17) with backoff and then sends', async () => {
		meta.simulator.throttle('userRequestLimit', 2, 'events');
		const result = await run([deposit(1), deposit(2)]);
		expect(output(result, SENT)).toHaveLength(2);
		expect(meta.simulator.eventRequestLog.map((r) => r.accepted)).toEqual([false, false, true]);
		expect(meta.simulator.events).toHaveLength(2);
	});

	it('explains throttling that outlasts the retries, with Meta\'s code and what to do', async () => {
		meta.simulator.throttle('adAccountCalls', 10, 'events');
		const result = await run([deposit(1)], withParameters({ retryAndTimeout: { baseDelay: 1, maxDelay: 5, maxAttempts: 2 } }));
		const error = String(output(result, ERROR)[0].json.error);
		expect(error).toContain('after 2 tries');
		expect(error).toContain('code 613');
		expect(error).toContain('run it again later');
	});

	it('sends a custom lead-stage event with a default event id and the credential test code', async () => {
		const wf = withParameters({ eventName: 'custom', customEventName: 'KYCApproved', options: { testEventCode: 'TEST4242' } });
		const result = await run([{ clientId: 'c9', email: 'c9@example.com', consent: 'granted' }], wf);
		expect(output(result, SENT)[0].json).toMatchObject({ eventId: 'kycapproved:c9', eventName: 'KYCApproved', testEventCode: 'TEST4242' });
		expect(meta.simulator.events[0].testEventCode).toBe('TEST4242');
	});

	it('explains a refused token with what to fix', async () => {
		const result = await runWorkflow(fixture as unknown as WorkflowJson, {
			input: [deposit(1)],
			credentials: { metaConversionsApi: credentials('EAAexpired') },
		});
		const error = String(output(result, ERROR)[0].json.error);
		expect(error).toContain('code 190');
		expect(error).toContain('Generate a new System User token');
	});
});
