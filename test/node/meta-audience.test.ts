/**
 * The Meta Conversions node (resource Audience) against the Meta simulator over real HTTP:
 * rows hashed per schema, batches under one session, replace across batches, consent gating.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

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
const AUDIENCE = '23850000000000001';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const client = (i: number, extra: IDataObject = {}): IDataObject => ({ clientId: `c${i}`, email: `Client${i}@Example.com`, phone: `+35799${String(100000 + i)}`, consent: true, ...extra });

describe('Meta Conversions node: audiences', () => {
	let meta: RunningSimulator<MetaSimulator>;
	const credentials = {
		accessToken: 'meta_sandbox_token_EAAB7c1d2e3f',
		pixelId: '1234567890123456',
		adAccountId: 'act_987654321',
		apiVersion: 'v25.0',
		testEventCode: '',
		baseUrl: '',
	};
	const workflow = (operation: string, parameters: INodeParameters = {}): WorkflowJson => ({
		...(fixture as unknown as WorkflowJson),
		nodes: (fixture as unknown as WorkflowJson).nodes.map((node: INode) => ({
			...node,
			parameters: { ...node.parameters, resource: 'audience', operation, audienceId: AUDIENCE, schema: ['EMAIL', 'PHONE'], options: {}, ...parameters },
		})),
	});
	const run = async (operation: string, input: IDataObject[], parameters?: INodeParameters) =>
		await runWorkflow(workflow(operation, parameters), { input, credentials: { metaConversionsApi: { ...credentials, baseUrl: meta.url } } });
	const output = (result: Awaited<ReturnType<typeof run>>, index: number) => result.outputs[NODE][index] ?? [];
	const memberEmails = () => meta.simulator.audienceMembers(AUDIENCE).map((m) => m.EMAIL);

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

	it('adds consenting clients with e-mail and phone normalised and hashed per the schema', async () => {
		const result = await run('add', [client(1), client(2, { consent: 'no' })]);
		expect(meta.simulator.audienceMembers(AUDIENCE)).toEqual([{ EMAIL: sha('client1@example.com'), PHONE: sha('35799100001') }]);
		expect(output(result, SENT)[0].json).toMatchObject({ audienceId: AUDIENCE, operation: 'add', clientId: 'c1', numReceived: 1, numInvalidEntries: 0, schema: ['EMAIL', 'PHONE'] });
		expect(output(result, NOT_SENT)[0].json.notSent).toMatchObject({ code: 'consent_missing' });
	});

	it('replaces the audience across batches under one session, swapped in with the last batch', async () => {
		meta.simulator.createAudience(AUDIENCE, 'Registered, no deposit', [{ EMAIL: sha('old@example.com') }]);
		const result = await run('replace', Array.from({ length: 25 }, (_, i) => client(i)), { options: { batchSize: 10 } });
		const requests = meta.simulator.audienceRequestLog;
		expect(requests.map((r) => [r.kind, r.rows, r.batchSeq, r.lastBatchFlag])).toEqual([
			['replace', 10, 1, false],
			['replace', 10, 2, false],
			['replace', 5, 3, true],
		]);
		expect(new Set(requests.map((r) => r.sessionId)).size).toBe(1);
		expect(memberEmails()).toHaveLength(25);
		expect(memberEmails()).not.toContain(sha('old@example.com'));
		expect(output(result, SENT)).toHaveLength(25);
		expect(output(result, SENT)[24].json).toMatchObject({ operation: 'replace', batch: 3, batchCount: 3, lastBatch: true });
	});

	it('stops a replace when a batch fails: later batches are not sent and the audience stays as it was', async () => {
		meta.simulator.createAudience(AUDIENCE, 'Registered, no deposit', [{ EMAIL: sha('old@example.com') }]);
		const path = `/v25.0/${AUDIENCE}/usersreplace`;
		// The first batch goes through (a harmless 1 ms delay uses up the first rule), the second is refused.
		meta.simulator.faults.add({ fault: { kind: 'delay', ms: 1 }, path });
		meta.simulator.faults.add({
			fault: { kind: 'status', status: 400, body: { error: { message: '(#2650) Failed to update the custom audience', type: 'OAuthException', code: 2650, fbtrace_id: 'AbCdEf' } } },
			path,
		});
		const result = await run('replace', Array.from({ length: 25 }, (_, i) => client(i)), { options: { batchSize: 10 } });
		expect(output(result, SENT)).toHaveLength(10);
		const errors = output(result, ERROR);
		expect(errors).toHaveLength(15);
		expect(String(errors[0].json.error)).toContain('code 2650');
		expect(String(errors[0].json.error)).toContain('wait for it to finish');
		expect(String(errors[10].json.error)).toContain('Not sent: batch 2 of 3 failed');
		expect(meta.simulator.audienceRequestLog).toHaveLength(1);
		expect(memberEmails()).toEqual([sha('old@example.com')]);
	});

	it('removes clients without asking for consent (opt-out and erasure must reach Meta)', async () => {
		await run('add', [client(1), client(2)]);
		const result = await run('remove', [client(1, { consent: false })]);
		expect(output(result, SENT)[0].json).toMatchObject({ operation: 'remove' });
		expect(memberEmails()).toEqual([sha('client2@example.com')]);
		expect(meta.simulator.audienceRequestLog[1].method).toBe('DELETE');
	});

	it('names the field of a row that cannot be hashed and sends the others', async () => {
		const result = await run('add', [client(1), client(2, { phone: 'call me' }), client(3, { email: '', phone: '' })]);
		const errors = output(result, ERROR);
		expect(String(errors[0].json.error)).toContain('"Phone"');
		expect(String(errors[1].json.error)).toContain('"User Data": is empty');
		expect(memberEmails()).toEqual([sha('client1@example.com')]);
	});

	it('retries audience throttling (code 80003) and then applies the change', async () => {
		meta.simulator.throttle('audienceCalls', 1, 'audience');
		const result = await run('add', [client(1)]);
		expect(output(result, SENT)).toHaveLength(1);
		expect(meta.simulator.audienceRequestLog.map((r) => r.accepted)).toEqual([false, true]);
	});

	it('refuses a replace with no consenting rows instead of emptying the audience', async () => {
		meta.simulator.createAudience(AUDIENCE, 'Registered, no deposit', [{ EMAIL: sha('old@example.com') }]);
		const result = await run('replace', [client(1, { consent: false })]);
		expect(output(result, NOT_SENT)).toHaveLength(1);
		expect(meta.simulator.audienceRequestLog).toHaveLength(0);
		expect(memberEmails()).toEqual([sha('old@example.com')]);
	});
});
