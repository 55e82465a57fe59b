/**
 * MetaTrader 5 groups through the node, against the MT5 simulator over real HTTP.
 */
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-groups.json';

/** The runner loads the node from dist/, so the sessions to close live in that copy of the transport. */
function closeMt5Sessions(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(join(PACKAGE_ROOT, 'dist/nodes/MetaTrader5/transport/connection.js')) as typeof import('../../nodes/MetaTrader5/transport/connection');
	transport.closeMt5Sessions();
}

const NODE = 'MT5 Groups';

function groupsWorkflow(parameters: INodeParameters = {}): WorkflowJson {
	const workflow = fixture as unknown as WorkflowJson;
	return { ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, ...parameters } })) };
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

describe('MetaTrader 5 groups', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const run = async (input: IDataObject[], parameters: INodeParameters = {}) => {
		const result = await runWorkflow(groupsWorkflow(parameters), {
			input,
			credentials: {
				metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 'n8n-test', serverTimeZone: 'detect' },
			},
		});
		const [main, errors] = result.outputs[NODE] ?? [];
		return { main: main ?? [], errors: errors ?? [] };
	};

	beforeAll(async () => {
		mt5 = await startSimulator(
			new Mt5Simulator({
				accounts: [],
				groups: [
					{ name: 'demo\\forex', currency: 'USD', marginCall: 100, marginStopOut: 50 },
					{ name: 'real\\standard', currency: 'USD', marginCall: 80, marginStopOut: 30 },
					{ name: 'real\\vip', currency: 'USD', marginCall: 50, marginStopOut: 20, company: 'Example Markets Ltd' },
					{ name: 'real\\eur', currency: 'EUR', marginCall: 80, marginStopOut: 30 },
				],
			}),
		);
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});

	it('gets one group with its currency, margin call and stop-out levels', async () => {
		const { main, errors } = await run([{ group: 'real\\vip' }]);

		expect(errors).toHaveLength(0);
		expect(json(main)).toEqual([
			{
				platform: 'mt5',
				name: 'real\\vip',
				currency: 'USD',
				currencyDigits: 2,
				marginCall: '50.00',
				stopOut: '20.00',
				levelUnit: 'percent',
				company: 'Example Markets Ltd',
			},
		]);
	});

	it('routes an unknown group to the error output with retcode 13, and an empty one naming the field', async () => {
		const { main, errors } = await run([{ group: 'real\\nope' }, { group: '' }, { group: 'real\\eur' }]);

		expect(json(main).map((group) => [group.name, group.currency])).toEqual([['real\\eur', 'EUR']]);
		expect(main[0].pairedItem).toEqual({ item: 2 });
		expect(json(errors).map((item) => item.error)).toEqual([
			'MetaTrader 5 could not read group real\\nope: not found (MT5 retcode 13 Not found)',
			'"Group": is required, e.g. real\\standard',
		]);
	});

	it('gets every group with the mask *, one item each', async () => {
		const { main } = await run([{}], { operation: 'getAll', groupMask: '*' });

		expect(json(main).map((group) => [group.name, group.currency, group.stopOut])).toEqual([
			['demo\\forex', 'USD', '50.00'],
			['real\\standard', 'USD', '30.00'],
			['real\\vip', 'USD', '20.00'],
			['real\\eur', 'EUR', '30.00'],
		]);
	});

	it('gets the groups matching a mask with an exclusion, and the raw record when asked', async () => {
		const { main } = await run([{}], { operation: 'getAll', groupMask: 'real*,!real\\eur', options: { includeRaw: true } });

		expect(json(main).map((group) => group.name)).toEqual(['real\\standard', 'real\\vip']);
		expect(main[0].json.raw).toMatchObject({ Group: 'real\\standard', MarginCall: '80.00' });
	});
});
