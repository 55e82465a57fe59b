import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/attribution.json';

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Attribution';

function withNode(parameters: INodeParameters, node: Partial<INode> = {}, replace = false): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((n) => ({ ...n, ...node, parameters: replace ? parameters : { ...n.parameters, ...parameters } })),
	};
}

const landing = (more: Record<string, unknown> = {}) => ({
	clientId: 'CRM-1001',
	landingUrl: 'https://broker.example/open-account?utm_source=google&utm_medium=cpc&utm_campaign=EU_Q4&gclid=Cj0KCQjw-AbC_dEf',
	timeUtc: '2026-10-25T09:30:00Z',
	...more,
});

describe('Attribution: Capture Touchpoint in a workflow', () => {
	it('adds the canonical touchpoint and the channel rule to each item, paired with it', async () => {
		const run = await runWorkflow(workflow, {
			input: [landing({ cookies: '_fbp=fb.1.1596403881668.1116446470' })],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main).toHaveLength(1);
		expect(main[0].json).toEqual({
			...landing({ cookies: '_fbp=fb.1.1596403881668.1116446470' }),
			touchpoint: {
				clientId: 'CRM-1001',
				timeUtc: '2026-10-25T09:30:00.000Z',
				landingUrl: landing().landingUrl,
				utmSource: 'google',
				utmMedium: 'cpc',
				utmCampaign: 'EU_Q4',
				gclid: 'Cj0KCQjw-AbC_dEf',
				fbp: 'fb.1.1596403881668.1116446470',
				channel: 'paid_search',
			},
			channelRule: 1,
		});
		expect(main[0].pairedItem).toEqual({ item: 0 });
		expect(errors).toEqual([]);
	});

	it('builds fbc from an fbclid with the visit time in milliseconds, reading cookies given as an object', async () => {
		const run = await runWorkflow(workflow, {
			input: [landing({ landingUrl: 'https://broker.example/?fbclid=IwAR2F-x_Yz9AbC', cookies: { _fbp: 'fb.1.1.2' } })],
		});

		const [main] = run.outputs[NODE];
		expect(main[0].json.touchpoint).toMatchObject({
			fbclid: 'IwAR2F-x_Yz9AbC',
			fbc: 'fb.1.1792920600000.IwAR2F-x_Yz9AbC',
			fbp: 'fb.1.1.2',
			channel: 'paid_social',
		});
	});

	it('routes each bad landing to the error output with a message naming the field, paired with its item', async () => {
		const run = await runWorkflow(workflow, {
			input: [
				landing({ landingUrl: 'broker.example/open' }),
				landing(),
				landing({ referrer: 'nonsense' }),
				landing({ timeUtc: undefined }),
			],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"Landing URL": must be an absolute URL such as "https://broker.example/open-account?utm_source=google", got "broker.example/open"',
			'"Referrer": must be an absolute URL such as "https://broker.example/open-account?utm_source=google", got "nonsense"',
			'"Time": is required but missing',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
	});

	it('stops the run at a bad landing, naming the field, when no error output is chosen', async () => {
		const strict = withNode({}, { onError: undefined });
		const run = await runWorkflow(strict, { input: [landing(), landing({ landingUrl: 'ftp://broker.example/' })] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"Landing URL": must be an http or https URL, got "ftp://broker.example/"');
	});

	it('uses an edited channel table', async () => {
		const edited = withNode({
			channelRules: { rule: [{ channel: 'ib_partners', source: 'ib-*', medium: '', clickIds: [], referrer: '' }] },
		});
		const run = await runWorkflow(edited, {
			input: [landing({ landingUrl: 'https://broker.example/?utm_source=IB-Lagos' }), landing({ landingUrl: 'https://broker.example/' })],
		});

		const [main] = run.outputs[NODE];
		expect(main.map((item) => [(item.json.touchpoint as { channel: string }).channel, item.json.channelRule])).toEqual([
			['ib_partners', 1],
			['other', null],
		]);
	});

	it('fails every item, naming the row, when the channel table is broken', async () => {
		const broken = withNode({ channelRules: { rule: [{ channel: '', source: 'x' }] } });
		const run = await runWorkflow(broken, { input: [landing(), landing()] });

		const [main, errors] = run.outputs[NODE];
		expect(main).toEqual([]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'The channel rules are invalid: "Channel rule 1 channel": is empty; name the channel, e.g. paid_search (Fix the channel rule named above and run again.)',
			'The channel rules are invalid: "Channel rule 1 channel": is empty; name the channel, e.g. paid_search (Fix the channel rule named above and run again.)',
		]);
	});
});

const T = '2026-10-25T12:00:00Z';
const DAY = 86_400_000;
const before = (days: number) => new Date(Date.parse(T) - days * DAY).toISOString();
const client = (touchpoints: unknown[], more: Record<string, unknown> = {}) => ({
	clientId: 'CRM-1001',
	touchpoints,
	conversion: { eventId: 'ftd:CRM-1001', timeUtc: T, value: { amount: '700.00', currency: 'USD' } },
	...more,
});

describe('Attribution: Attribute in a workflow', () => {
	const attributeNode = withNode({ operation: 'attribute' }, {}, true);

	it('adds first and last touch and the credit per model to each client, paired with it', async () => {
		const touchpoints = [
			{ timeUtc: before(0), channel: 'paid_search', gclid: 'Cj0-Ab_C' },
			{ timeUtc: before(14), channel: 'paid_social' },
			{ timeUtc: before(7), channel: 'email' },
			{ timeUtc: before(-1), channel: 'referral' },
		];
		const run = await runWorkflow(attributeNode, { input: [client(touchpoints)] });

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main[0].pairedItem).toEqual({ item: 0 });
		const attribution = main[0].json.attribution as Record<string, unknown>;
		expect(attribution).toMatchObject({
			conversion: { timeUtc: '2026-10-25T12:00:00.000Z', value: { amount: '700.00', currency: 'USD' } },
			models: ['first', 'last', 'linear', 'timeDecay', 'positionBased'],
			touchpointCount: 3,
			firstTouch: { channel: 'paid_social' },
			lastTouch: { channel: 'paid_search', gclid: 'Cj0-Ab_C' },
			creditByChannel: {
				first: { paid_social: '700.00', email: '0.00', paid_search: '0.00' },
				last: { paid_social: '0.00', email: '0.00', paid_search: '700.00' },
				linear: { paid_social: '233.34', email: '233.33', paid_search: '233.33' },
				timeDecay: { paid_social: '100.00', email: '200.00', paid_search: '400.00' },
				positionBased: { paid_social: '280.00', email: '140.00', paid_search: '280.00' },
			},
			ignoredTouchpoints: [{ channel: 'referral', reason: 'after the conversion' }],
			unattributedReason: null,
		});
		expect((attribution.touchpoints as Array<Record<string, unknown>>)[2]).toEqual({
			timeUtc: '2026-10-25T12:00:00.000Z',
			channel: 'paid_search',
			gclid: 'Cj0-Ab_C',
			position: 3,
			credit: { first: '0.00', last: '700.00', linear: '233.33', timeDecay: '400.00', positionBased: '280.00' },
			share: { first: '0.000000', last: '1.000000', linear: '0.333333', timeDecay: '0.571429', positionBased: '0.400000' },
		});
	});

	it('computes only the chosen models', async () => {
		const run = await runWorkflow(withNode({ operation: 'attribute', models: ['timeDecay'] }, {}, true), {
			input: [client([{ timeUtc: before(7), channel: 'email' }, { timeUtc: before(0), channel: 'seo' }], { conversion: { timeUtc: T, value: { amount: '300', currency: 'USD' } } })],
		});

		const attribution = run.outputs[NODE][0][0].json.attribution as Record<string, unknown>;
		expect(attribution.creditByChannel).toEqual({ timeDecay: { email: '100.00', seo: '200.00' } });
	});

	it('routes a client with a bad touchpoint or conversion to the error output, naming the field', async () => {
		const run = await runWorkflow(attributeNode, {
			input: [
				client([{ channel: 'email' }]),
				client([]),
				client([], { conversion: { timeUtc: 'yesterday', value: { amount: '1', currency: 'USD' } } }),
				client([], { conversion: { timeUtc: T, value: { amount: '1', currency: 'XYZ' } } }),
			],
		});

		const [main, errors] = run.outputs[NODE];
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"touchpoints[0].timeUtc": is required but missing',
			'"Conversion Time": must be an ISO-8601 date-time such as "2026-10-25T09:30:00Z", got "yesterday"',
			'"Conversion Currency": currency "XYZ" has no known number of decimals; add it under Options → Currency Decimals (e.g. XYZ=8)',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
	});
});

describe('Attribution: CAC and LTV by Channel in a workflow', () => {
	const reportNode = withNode({ operation: 'cacLtvByChannel', model: 'linear', currency: 'USD' }, {}, true);
	const deposit = (amount: string, createdAtUtc: string, status = 'succeeded') => ({
		transactionId: `tx-${createdAtUtc}`,
		source: 'praxis',
		type: 'deposit',
		status,
		gross: { amount, currency: 'USD' },
		createdAtUtc,
	});

	it('reports one row per channel and cohort, paired with the spend and client items behind it', async () => {
		const run = await runWorkflow(reportNode, {
			input: [
				{ channel: 'paid_search', period: '2026-10', spend: { amount: '900.00', currency: 'USD' } },
				{
					clientId: 'A',
					attribution: { shareByChannel: { linear: { paid_search: '0.666667', email: '0.333333' } } },
					transactions: [deposit('300.00', '2026-10-10T08:00:00Z'), deposit('50.00', '2026-10-09T08:00:00Z', 'failed')],
				},
				{ clientId: 'B', attribution: 'email', ftdTimeUtc: '2026-11-02T00:00:00Z', transactions: [deposit('100.00', '2026-11-02T00:00:00Z')] },
				{ channel: 'display', period: '2026-11', spend: '120' },
			],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main.map((item) => [item.json.channel, item.json.cohort, item.json.cac, item.pairedItem])).toEqual([
			['display', 'all', null, [{ item: 3 }]],
			['display', '2026-11', null, [{ item: 3 }]],
			['email', 'all', '0.00', [{ item: 1 }, { item: 2 }]],
			['email', '2026-10', '0.00', [{ item: 1 }]],
			['email', '2026-11', '0.00', [{ item: 2 }]],
			// 900.00 / 0.666667 = 1349.9993… → 1350.00 (half-up to cents).
			['paid_search', 'all', '1350.00', [{ item: 0 }, { item: 1 }]],
			['paid_search', '2026-10', '1350.00', [{ item: 0 }, { item: 1 }]],
		]);
		expect(main[2].json).toEqual({
			channel: 'email',
			cohort: 'all',
			model: 'linear',
			currency: 'USD',
			spend: '0.00',
			ftdCredit: '1.333333',
			ftdClients: 2,
			clientsWithoutFtd: 0,
			cac: '0.00',
			cacReason: null,
			ltv: {
				// A 300 × 0.333333 + B 100 = 199.9999 → 200.00; per FTD 199.9999 / 1.333333 = 150.00.
				days30: { netDeposits: '200.00', perFtd: '150.00' },
				days90: { netDeposits: '200.00', perFtd: '150.00' },
				days180: { netDeposits: '200.00', perFtd: '150.00' },
				days365: { netDeposits: '200.00', perFtd: '150.00' },
			},
		});
		expect(main[0].json.cacReason).toBe('no first-time deposit is credited to display under the linear model, so CAC is undefined');
	});

	it('routes bad spend and client items to the error output and reports the rest', async () => {
		const run = await runWorkflow(reportNode, {
			input: [
				{ channel: 'paid_search', period: 'October', spend: '100' },
				{ clientId: 'A', attribution: 'email', transactions: [deposit('10.00', '2026-10-01T00:00:00Z')] },
				{ clientId: 'B', attribution: { email: '0.5' }, transactions: [] },
				{ name: 'no id' },
			],
		});

		const [main, errors] = run.outputs[NODE];
		expect(main.map((item) => [item.json.channel, item.json.cohort])).toEqual([
			['email', 'all'],
			['email', '2026-10'],
		]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"period": must be a month such as "2026-10", got "October"',
			'"attribution": the channel shares must add up to exactly 1, they add up to 0.5',
			'"clientId": is required: each item must be a spend row (with spend) or a client (with clientId)',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
	});

	it('refuses broken settings once, naming the parameter', async () => {
		const broken = withNode({ operation: 'cacLtvByChannel', currency: 'XYZ' }, { onError: undefined }, true);
		const run = await runWorkflow(broken, { input: [{ clientId: 'A', attribution: 'email' }] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe(
			'The CAC and LTV settings are invalid: "Currency": currency "XYZ" has no known number of decimals; add it under Options → Currency Decimals (e.g. XYZ=8)',
		);
	});

	it('refuses an unknown model given by an expression once, naming it', async () => {
		const broken = withNode({ operation: 'cacLtvByChannel', model: '={{ "lastTouch" }}' }, { onError: undefined }, true);
		const run = await runWorkflow(broken, { input: [{ clientId: 'A', attribution: 'email' }] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe(
			'The CAC and LTV settings are invalid: "Model": "lastTouch" is not an attribution model; use one of first, last, linear, timeDecay, positionBased',
		);
	});
});
