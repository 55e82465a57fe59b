/**
 * MetaTrader 5 open positions through the node, against the MT5 simulator over real HTTP.
 */
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-positions.json';

/** The runner loads the node from dist/, so the sessions to close live in that copy of the transport. */
function closeMt5Sessions(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(join(PACKAGE_ROOT, 'dist/nodes/MetaTrader5/transport/connection.js')) as typeof import('../../nodes/MetaTrader5/transport/connection');
	transport.closeMt5Sessions();
}

const NODE = 'MT5 Positions';

function positionsWorkflow(parameters: INodeParameters = {}): WorkflowJson {
	const workflow = fixture as unknown as WorkflowJson;
	return { ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, ...parameters } })) };
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

describe('MetaTrader 5 open positions', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	let maria: number;
	let jonas: number;
	let demo: number;
	let gbpusd: number;
	const run = async (input: IDataObject[], parameters: INodeParameters = {}) => {
		const result = await runWorkflow(positionsWorkflow(parameters), {
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
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});
	beforeEach(() => {
		mt5.simulator.reset();
		maria = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Maria Papadopoulou', balance: 5000 });
		gbpusd = mt5.simulator.openPosition(maria, {
			symbol: 'GBPUSD',
			side: 'buy',
			volumeLots: 2,
			openPrice: 1.2702,
			currentPrice: 1.2731,
			// 02:30 UTC on the day Athens left summer time: 04:30 on the server's clock.
			openTime: '2025-10-26T02:30:00Z',
			profit: 580,
			swap: -2.4,
			margin: 1270.2,
			comment: 'breakout',
		});
		mt5.simulator.openPosition(maria, {
			symbol: 'XAUUSD',
			side: 'sell',
			volumeLots: 0.05,
			openPrice: 2351.2,
			openTime: '2025-07-01T12:00:00Z',
			profit: -12.5,
			margin: 117.56,
		});
		jonas = mt5.simulator.addAccount({ group: 'real\\vip', name: 'Jonas Weber', balance: 25000 });
		demo = mt5.simulator.addAccount({ group: 'demo\\forex', name: 'Demo Trader', balance: 10000 });
		mt5.simulator.openPosition(demo, { symbol: 'EURUSD', side: 'buy', volumeLots: 1, openPrice: 1.0831, margin: 1083.1 });
	});

	it('lists the open positions of a login as canonical positions with UTC open times', async () => {
		const { main, errors } = await run([{ logins: String(maria) }]);

		expect(errors).toHaveLength(0);
		expect(json(main)).toEqual([
			{
				platform: 'mt5',
				login: String(maria),
				positionId: String(gbpusd),
				symbol: 'GBPUSD',
				side: 'buy',
				volumeLots: '2',
				priceOpen: '1.27020',
				priceCurrent: '1.27310',
				profit: '580.00',
				swap: '-2.40',
				timeUtc: '2025-10-26T02:30:00.000Z',
				comment: 'breakout',
			},
			expect.objectContaining({ symbol: 'XAUUSD', side: 'sell', volumeLots: '0.05', profit: '-12.50', timeUtc: '2025-07-01T12:00:00.000Z' }),
		]);
	});

	it('lists the open positions of every account in a group mask', async () => {
		const { main } = await run([{}], { selectBy: 'group', groupMask: 'demo*,real\\vip' });

		expect(json(main).map((position) => [position.login, position.symbol])).toEqual([[String(demo), 'EURUSD']]);
	});

	it('gives no items for an account without positions, and no longer lists a closed position', async () => {
		mt5.simulator.closePosition(gbpusd, { closePrice: 1.2731 });

		const { main, errors } = await run([{ logins: `${jonas}, ${maria}` }]);

		expect(errors).toHaveLength(0);
		expect(json(main).map((position) => position.symbol)).toEqual(['XAUUSD']);
	});

	it('routes an unknown login to the error output instead of reporting no positions', async () => {
		const { main, errors } = await run([{ logins: `${jonas},799999` }, { logins: 'all' }]);

		expect(main).toHaveLength(0);
		expect(json(errors).map((item) => item.error)).toEqual([
			'"Logins": the server has no account 799999 (turn on "Skip Unknown Logins" to leave unknown logins out)',
			'"Logins": "all" is not an MT5 login (a whole number such as 700001)',
		]);
	});

	it('adds the position record under raw when asked', async () => {
		const { main } = await run([{ logins: String(demo) }], { options: { includeRaw: true } });

		expect(main[0].json.raw).toMatchObject({ Login: String(demo), Symbol: 'EURUSD', Volume: '10000' });
	});
});
