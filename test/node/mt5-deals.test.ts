/**
 * MetaTrader 5 deal history through the node, against the MT5 simulator over real HTTP: a UTC
 * period converted to server time (Europe/Athens, across the autumn 2025 DST switch), paged 100 at
 * a time to the end, one canonical deal per item with its time back in UTC.
 */
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-deals.json';

/** The runner loads the node from dist/, so the sessions to close live in that copy of the transport. */
function closeMt5Sessions(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(join(PACKAGE_ROOT, 'dist/nodes/MetaTrader5/transport/connection.js')) as typeof import('../../nodes/MetaTrader5/transport/connection');
	transport.closeMt5Sessions();
}

const NODE = 'MT5 Deals';
const HOUR_MS = 3_600_000;

/** 250 deals, one every 2 hours of SERVER clock from 2025-10-16 00:00 Athens time (21:00 UTC the day before). */
const BULK = { count: 250, start: '2025-10-15T21:00:00Z', stepSeconds: 7200 };
/** Deal 121 is at 02:00 server time on 2025-10-26 (still UTC+3); deal 122 at 04:00 (already UTC+2). */
const LAST_SUMMER_DEAL = 121;

/** Where deal i of BULK really happened: before the switch UTC = server − 3 h, after it server − 2 h. */
function expectedUtc(i: number): string {
	const summerUtc = Date.parse(BULK.start) + i * 2 * HOUR_MS;
	return new Date(i <= LAST_SUMMER_DEAL ? summerUtc : summerUtc + HOUR_MS).toISOString();
}

function dealsWorkflow(parameters: INodeParameters = {}): WorkflowJson {
	const workflow = fixture as unknown as WorkflowJson;
	return { ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, ...parameters } })) };
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

describe('MetaTrader 5 deals', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	let login: number;
	let other: number;
	const run = async (input: IDataObject[], parameters: INodeParameters = {}) => {
		const result = await runWorkflow(dealsWorkflow(parameters), {
			input,
			credentials: {
				metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 'n8n-test', serverTimeZone: 'detect' },
			},
		});
		const [main, errors] = result.outputs[NODE] ?? [];
		return { main: main ?? [], errors: errors ?? [] };
	};

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
		login = mt5.simulator.addAccount({ group: 'real\\vip', name: 'Jonas Weber', registered: '2025-10-01T09:00:00Z' });
		mt5.simulator.seedBalanceOperation(login, 2, 1000, 'Initial deposit', '2025-10-01T09:00:00Z');
		mt5.simulator.seedDeals(login, BULK);
		mt5.simulator.seedBalanceOperation(login, 2, 500, 'praxis:8823', '2025-10-20T10:30:00Z');
		mt5.simulator.seedBalanceOperation(login, 3, 200, 'credit:spring-promo', '2025-10-27T10:30:00Z');
		other = mt5.simulator.addAccount({ group: 'real\\vip', name: 'Anna Schmidt', registered: '2025-10-01T09:00:00Z' });
		mt5.simulator.seedTrade(other, {
			symbol: 'XAUUSD',
			side: 'sell',
			volumeLots: 0.5,
			openPrice: 2351.2,
			closePrice: 2358.7,
			openTime: '2025-10-26T00:30:00Z',
			closeTime: '2025-10-26T02:30:00Z',
			profit: -375,
			commission: -5,
			swap: -1.2,
		});
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});

	it('pages through more than 100 deals of a login to the end, each once, in time order', async () => {
		// A zero delay on get_page changes nothing but records every page request in faults.fired.
		mt5.simulator.faults.clear();
		mt5.simulator.faults.add({ fault: { kind: 'delay', ms: 0 }, path: '/api/deal/get_page', times: 10 });
		const { main, errors } = await run([{ login: String(login), from: '2025-10-15T21:00:00Z', to: '2025-11-06T00:00:00Z' }], {
			options: { dealKinds: 'trades' },
		});

		expect(errors).toHaveLength(0);
		const deals = json(main);
		expect(deals).toHaveLength(250);
		expect(new Set(deals.map((deal) => deal.dealId)).size).toBe(250);
		expect(deals.map((deal) => deal.timeUtc)).toEqual(Array.from({ length: 250 }, (_, i) => expectedUtc(i)));
		expect(main.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(mt5.simulator.faults.fired.filter((hit) => hit.path === '/api/deal/get_page')).toHaveLength(3);
		mt5.simulator.faults.clear();
	});

	it('reads a long history in slices with Skip and Max Deals: together they cover it once, each run only its pages', async () => {
		const period = { login: String(login), from: '2025-10-01T00:00:00Z', to: '2025-11-06T00:00:00Z' };
		const whole = json((await run([period])).main).map((deal) => deal.dealId);
		expect(whole).toHaveLength(253);

		const slices: unknown[][] = [];
		for (let skip = 0; skip < 253; skip += 100) {
			mt5.simulator.faults.clear();
			mt5.simulator.faults.add({ fault: { kind: 'delay', ms: 0 }, path: '/api/deal/get_page', times: 10 });
			slices.push(json((await run([period], { options: { skip, maxDeals: 100 } })).main).map((deal) => deal.dealId));
			// One page request per 100 deals of the slice, none beyond it.
			expect(mt5.simulator.faults.fired.filter((hit) => hit.path === '/api/deal/get_page')).toHaveLength(1);
		}
		mt5.simulator.faults.clear();
		expect(slices.map((slice) => slice.length)).toEqual([100, 100, 53]);
		expect(slices.flat()).toEqual(whole);

		const past = await run([period], { options: { skip: 300, maxDeals: 100 } });
		expect(past.main).toHaveLength(0);
	});

	it('refuses Max Deals and Skip for a group mask, saying why', async () => {
		const { main, errors } = await run([{ group: 'real\\vip', from: '2025-10-26T00:00:00Z', to: '2025-10-26T04:00:00Z' }], {
			selectBy: 'group',
			groupMask: '={{ $json.group }}',
			options: { maxDeals: 10 },
		});
		expect(main).toHaveLength(0);
		expect(json(errors)).toEqual([expect.objectContaining({ error: expect.stringContaining('"Max Deals" and "Skip": work for one account only') })]);
	});

	it('gives each deal in UTC across the DST switch: 02:00 server time is 23:00Z, 04:00 is 02:00Z', async () => {
		const { main } = await run([{ login: String(login), from: '2025-10-25T22:00:00Z', to: '2025-10-26T03:00:00Z' }]);

		expect(json(main).map((deal) => [deal.timeUtc, deal.entry])).toEqual([
			['2025-10-25T23:00:00.000Z', 'out'],
			['2025-10-26T02:00:00.000Z', 'in'],
		]);
	});

	it('includes a deal exactly at From and excludes one exactly at To', async () => {
		const atBoth = await run([{ login: String(login), from: '2025-10-25T23:00:00Z', to: '2025-10-26T02:00:00Z' }]);
		expect(json(atBoth.main).map((deal) => deal.timeUtc)).toEqual(['2025-10-25T23:00:00.000Z']);

		const oneSecondLater = await run([{ login: String(login), from: '2025-10-25T23:00:01Z', to: '2025-10-26T02:00:01Z' }]);
		expect(json(oneSecondLater.main).map((deal) => deal.timeUtc)).toEqual(['2025-10-26T02:00:00.000Z']);
	});

	it('maps each trade deal to the canonical deal with lots, price and profit', async () => {
		const { main } = await run([{ login: String(login), from: '2025-10-15T21:00:00Z', to: '2025-10-15T23:00:01Z' }]);

		expect(json(main)).toEqual([
			{
				platform: 'mt5',
				dealId: expect.any(String),
				login: String(login),
				kind: 'trade',
				side: 'buy',
				entry: 'in',
				symbol: 'EURUSD',
				volumeLots: '0.1',
				price: '1.10000',
				profit: '0.00',
				commission: '0.00',
				swap: '0.00',
				positionId: expect.any(String),
				timeUtc: '2025-10-15T21:00:00.000Z',
			},
			expect.objectContaining({ side: 'sell', entry: 'out', profit: '1.50', timeUtc: '2025-10-15T23:00:00.000Z' }),
		]);
	});

	it('returns only balance operations when asked, with their signed amounts and comments', async () => {
		const { main } = await run([{ login: String(login), from: '2025-10-01T00:00:00Z', to: '2025-11-06T00:00:00Z' }], {
			options: { dealKinds: 'balance' },
		});

		expect(json(main).map((deal) => [deal.kind, deal.profit, deal.comment, deal.timeUtc])).toEqual([
			['balance', '1000.00', 'Initial deposit', '2025-10-01T09:00:00.000Z'],
			['balance', '500.00', 'praxis:8823', '2025-10-20T10:30:00.000Z'],
			['credit', '200.00', 'credit:spring-promo', '2025-10-27T10:30:00.000Z'],
		]);
	});

	it('reads the deals of a whole group mask in one batch', async () => {
		const { main } = await run([{ group: 'real\\vip', from: '2025-10-26T00:00:00Z', to: '2025-10-26T04:00:00Z' }], {
			selectBy: 'group',
			groupMask: '={{ $json.group }}',
		});

		expect(json(main).map((deal) => [deal.login, deal.symbol, deal.entry, deal.timeUtc])).toEqual([
			[String(login), 'EURUSD', 'in', '2025-10-26T02:00:00.000Z'],
			[String(other), 'XAUUSD', 'in', '2025-10-26T00:30:00.000Z'],
			[String(other), 'XAUUSD', 'out', '2025-10-26T02:30:00.000Z'],
		]);
		expect(json(main)[2]).toMatchObject({ side: 'buy', volumeLots: '0.5', profit: '-375.00', commission: '-2.50', swap: '-1.20' });
	});

	it('routes a bad period or an unknown login to the error output, naming the field or the retcode', async () => {
		const { main, errors } = await run([
			{ login: String(login), from: '2025-10-20T00:00:00Z', to: '2025-10-19T00:00:00Z' },
			{ login: String(login), from: 'yesterday', to: '2025-10-19T00:00:00Z' },
			{ login: '799999', from: '2025-10-01T00:00:00Z', to: '2025-10-02T00:00:00Z' },
			{ login: String(login), from: '2025-10-16T00:00:00Z', to: '2025-10-16T01:00:01Z' },
		]);

		expect(json(errors).map((item) => item.error)).toEqual([
			'"To": must be after "From" (2025-10-20T00:00:00.000Z); it is 2025-10-19T00:00:00.000Z',
			expect.stringMatching(/^"From" must be an ISO-8601 date-time such as "2026-10-25T01:00:00Z", got "yesterday"/),
			'MetaTrader 5 could not read the deals of account 799999: not found (MT5 retcode 13 Not found)',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 3 }]);
	});
});
