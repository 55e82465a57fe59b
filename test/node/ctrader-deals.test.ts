/**
 * Closed trades from cTrader's closedPositions CSV report, through the node as n8n runs it: ranges
 * longer than the report's 2-day limit are stitched from windows with no gap and no duplicate, and
 * rows are parsed as CSV (quoted fields), not split on commas.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { CTraderSimulator } from '../../sandbox/ctrader';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/ctrader-deals.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Closed Trades';
const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2024, 2, 4, 0, 0, 0);

function withParameters(parameters: INodeParameters): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, ...parameters } })),
	};
}

describe('cTrader closed trades', () => {
	let ctrader: RunningSimulator<CTraderSimulator>;
	let login: number;
	const credentials = () => ({
		cTraderApi: { baseUrl: ctrader.url, managerLogin: '30017', password: 'sandbox-manager-pass', brokerName: 'sandboxbroker', webservToken: '' },
	});
	const run = async (input: IDataObject, wf = workflow) => await runWorkflow(wf, { input: [input], credentials: credentials() });
	/** Counts the report requests: a zero-delay fault on the path records each one that passes. */
	const countReportCalls = () => ctrader.simulator.faults.add({ fault: { kind: 'delay', ms: 0 }, path: '/webserv/closedPositions', times: 1000 });
	const reportCalls = () => ctrader.simulator.faults.fired.filter((fault) => fault.path === '/webserv/closedPositions').length;

	beforeAll(async () => {
		ctrader = await startSimulator(new CTraderSimulator({ seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});
	beforeEach(() => {
		ctrader.simulator.reset();
		ctrader.simulator.faults.clear();
		resetBreakers();
		login = ctrader.simulator.seedTrader({ balance: '10000' });
	});

	it('stitches a 5-day range from three 2-day windows, keeping rows at the seams exactly once', async () => {
		// One row a day at noon, and one at each seam: the end of the first window (START + 2 days,
		// inclusive), the first millisecond of the second, and the end of the second.
		const times = [
			START,
			START + DAY / 2,
			START + 2 * DAY,
			START + 2 * DAY + 1,
			START + 3 * DAY / 2 + DAY,
			START + 4 * DAY + 1,
			START + 4 * DAY + 2,
			START + 5 * DAY,
		];
		ctrader.simulator.seedClosedPositions(times.map((closeTimestamp) => ({ login, closeTimestamp })));
		ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: START + 5 * DAY + 1 }]); // just outside
		countReportCalls();

		const result = await run({ from: new Date(START).toISOString(), to: new Date(START + 5 * DAY).toISOString() });

		const deals = result.outputs[NODE][0].map((item) => item.json);
		expect(deals.map((deal) => deal.timeUtc)).toEqual(times.map((ms) => new Date(ms).toISOString()));
		expect(new Set(deals.map((deal) => deal.dealId)).size).toBe(times.length);
		expect(reportCalls()).toBe(3);
	});

	it('reads a range within two days in one call', async () => {
		ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: START + DAY }]);
		countReportCalls();

		const result = await run({ from: new Date(START).toISOString(), to: new Date(START + 2 * DAY).toISOString() });

		expect(result.outputs[NODE][0]).toHaveLength(1);
		expect(reportCalls()).toBe(1);
	});

	it('maps a closing deal as MT5 reports one: lots from base-asset units, gross profit, commission and swap apart', async () => {
		ctrader.simulator.seedClosedPositions([
			{
				login,
				closeTimestamp: START + 3_600_000,
				symbol: 'GBPUSD',
				direction: 'SELL',
				volume: '50000',
				entryPrice: '1.26800',
				closePrice: '1.26950',
				commission: '-1.75',
				swap: '-0.42',
				netPnl: '-77.17',
			},
		]);

		const result = await run({ from: new Date(START).toISOString(), to: new Date(START + DAY).toISOString() });

		expect(result.outputs[NODE][0][0].json).toEqual({
			platform: 'ctrader',
			dealId: expect.any(String),
			login: String(login),
			kind: 'trade',
			side: 'buy',
			entry: 'out',
			symbol: 'GBPUSD',
			volumeLots: '0.5',
			price: '1.26950',
			profit: '-75.00',
			commission: '-1.75',
			swap: '-0.42',
			positionId: expect.any(String),
			timeUtc: '2024-03-04T01:00:00.000Z',
		});
	});

	it('reads a symbol with a comma in it as one field (the report quotes it), not as two columns', async () => {
		ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: START + 60_000, symbol: 'US 500, Cash "Mini"', volume: '10', netPnl: '5.00', commission: '0', swap: '0' }]);

		const result = await run({ from: new Date(START).toISOString(), to: new Date(START + DAY).toISOString() }, withParameters({ options: { contractSize: '1' } }));

		expect(result.outputs[NODE][0][0].json).toMatchObject({ symbol: 'US 500, Cash "Mini"', volumeLots: '10', profit: '5.00' });
	});

	it('reads one login only when asked', async () => {
		const other = ctrader.simulator.seedTrader();
		ctrader.simulator.seedClosedPositions([
			{ login, closeTimestamp: START + 1000 },
			{ login: other, closeTimestamp: START + 2000 },
		]);

		const result = await run(
			{ from: new Date(START).toISOString(), to: new Date(START + DAY).toISOString(), login: String(other) },
			withParameters({ selectBy: 'login', login: '={{ $json.login }}' }),
		);

		expect(result.outputs[NODE][0].map((item) => item.json.login)).toEqual([String(other)]);
	});

	it('names the field when the range ends before it starts', async () => {
		const result = await run({ from: '2024-03-05T00:00:00Z', to: '2024-03-04T00:00:00Z' });

		expect(result.outputs[NODE][1][0].json.error).toBe('"To": must not be before "From" (2024-03-05T00:00:00.000Z)');
	});
});
