/**
 * The CoinsPaid credential and node against the CoinsPaid simulator over real HTTP, through the
 * node as n8n runs it (the runner calls the credential's function `authenticate`, as n8n does).
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import type { IDataObject, IHttpRequestOptions, INode, INodeParameters } from 'n8n-workflow';

import { CoinsPaidApi } from '../../credentials/CoinsPaidApi.credentials';
import { CoinspaidSimulator } from '../../sandbox/coinspaid';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/coinspaid-node.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { processClaims } = require('../../dist/lib/idempotency') as typeof import('../../lib/idempotency');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const NODE = 'CoinsPaid';
const ADDRESS = 'bc1qsandboxclientwallet000000000000000001';

describe('CoinsPaid credential and node', () => {
	let coinspaid: RunningSimulator<CoinspaidSimulator>;
	const data = (secret = 'cp_sandbox_secret_93b0f2c85e') => ({
		environment: 'custom',
		baseUrl: `${coinspaid.url}/api/v2/`,
		publicKey: 'cp_sandbox_public_7d1e4a',
		secret,
		previousSecret: '',
	});
	const withParameters = (parameters: INodeParameters): WorkflowJson => ({
		...(fixture as unknown as WorkflowJson),
		nodes: (fixture as unknown as WorkflowJson).nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, ...parameters } })),
	});
	const run = async (input: IDataObject[], wf: WorkflowJson = fixture as unknown as WorkflowJson) =>
		await runWorkflow(wf, { input, credentials: { coinsPaidApi: data() } });
	const withdrawals = () => [...(coinspaid.simulator.state().transactions as Array<{ type: string }>)].filter((t) => t.type === 'withdrawal');

	beforeAll(async () => {
		coinspaid = await startSimulator(new CoinspaidSimulator());
	});
	afterAll(async () => {
		await coinspaid.close();
	});
	beforeEach(() => {
		coinspaid.simulator.reset();
		processClaims.clear();
		resetBreakers();
	});

	describe('credential test (a signed POST /accounts/list)', () => {
		const send = async (secret?: string) => {
			const credential = new CoinsPaidApi();
			const credentials = data(secret);
			const { request } = credential.test;
			const signed = await credential.authenticate(credentials, {
				method: request.method,
				url: `${String(credentials.baseUrl).replace(/\/+$/, '')}${request.url}`,
				body: request.body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			} as IHttpRequestOptions);
			return (await httpRequest(signed)) as { statusCode: number; body: { data?: unknown[]; errors?: Record<string, string> } };
		};

		it('passes with the right key and secret: the body signed is the body sent', async () => {
			const answer = await send();
			expect(answer.statusCode).toBe(200);
			expect(answer.body.data).toHaveLength(7);
		});

		it('fails with a wrong secret: CoinsPaid refuses the signature', async () => {
			const answer = await send('not-the-secret');
			expect(answer.statusCode).toBe(403);
			expect(Object.keys(answer.body.errors ?? {})).toEqual(['X-Processing-Signature']);
		});
	});

	it('gives the same client the same deposit address every time', async () => {
		const wf = withParameters({ resource: 'address', operation: 'take', foreignId: '={{ $json.clientId }}', currency: 'BTC', convertTo: '', options: {} });
		const first = await run([{ clientId: 'client-10042' }], wf);
		const second = await run([{ clientId: 'client-10042' }], wf);
		const other = await run([{ clientId: 'client-10043' }], wf);

		const a = first.outputs[NODE][0][0].json;
		expect(a).toMatchObject({ source: 'coinspaid', clientId: 'client-10042', currency: 'BTC' });
		expect(String(a.address)).toMatch(/^bc1q/);
		expect(second.outputs[NODE][0][0].json.address).toBe(a.address);
		expect(other.outputs[NODE][0][0].json.address).not.toBe(a.address);
		expect(coinspaid.simulator.state().addresses).toHaveLength(2);
	});

	it('lists balances as Money', async () => {
		const result = await run([{}], withParameters({ resource: 'account', operation: 'balances', options: { skipZero: true } }));
		const rows = result.outputs[NODE][0].map((item) => item.json);
		expect(rows).toContainEqual(expect.objectContaining({ currency: 'BTC', balance: { amount: '2.00000000', currency: 'BTC' } }));
		expect(rows.find((row) => row.currency === 'LTC')).toBeUndefined();
	});

	it('sends a withdrawal as a pending canonical transaction keyed by its foreign_id', async () => {
		const result = await run([{ withdrawalId: 'wd-1', amount: '0.015', address: ADDRESS }]);
		const item = result.outputs[NODE][0][0].json;
		expect(item).toMatchObject({
			source: 'coinspaid',
			type: 'withdrawal',
			status: 'pending',
			gross: { amount: '0.01500000', currency: 'BTC' },
			foreignId: 'wd-1',
			idempotencyKey: 'wd-1',
			alreadyApplied: false,
			confirmedBy: 'answer',
		});
		expect(item.transactionId).toMatch(/^\d+$/);
		expect(coinspaid.simulator.balance('BTC')).toBe('1.98500000');
	});

	it('withdraws once when the same foreign_id is sent again later (CoinsPaid refuses it: already requested)', async () => {
		await run([{ withdrawalId: 'wd-2', amount: '0.1', address: ADDRESS }]);
		processClaims.clear(); // as after a restart: only CoinsPaid's ledger remembers
		const again = await run([{ withdrawalId: 'wd-2', amount: '0.1', address: ADDRESS }]);

		expect(again.outputs[NODE][0][0].json).toMatchObject({ alreadyApplied: true, confirmedBy: 'foreignIdRefusal', status: 'pending' });
		expect(withdrawals()).toHaveLength(1);
		expect(coinspaid.simulator.balance('BTC')).toBe('1.90000000');
	});

	it('withdraws once when five executions send the same foreign_id concurrently', async () => {
		const runs = await Promise.all(
			Array.from({ length: 5 }, async () => await run([{ withdrawalId: 'wd-3', amount: '0.2', address: ADDRESS }])),
		);
		const applied = runs.map((r) => r.outputs[NODE][0][0].json.alreadyApplied);
		expect(applied.filter((a) => a === false)).toHaveLength(1);
		expect(withdrawals()).toHaveLength(1);
		expect(coinspaid.simulator.balance('BTC')).toBe('1.80000000');
	});

	it('routes a refused withdrawal to the error output naming CoinsPaid\'s field', async () => {
		const result = await run([{ withdrawalId: 'wd-4', amount: '50', address: ADDRESS }]);
		expect(result.outputs[NODE][0] ?? []).toHaveLength(0);
		expect(String(result.outputs[NODE][1][0].json.error)).toContain('amount: Insufficient funds');
		expect(withdrawals()).toHaveLength(0);
	});
});
