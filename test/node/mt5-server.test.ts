/** The MT5 Server resource: the server clock and calendar windows in server time. */
import type { INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-account.json';

const base = fixture as unknown as WorkflowJson;
const { closeMt5Sessions } = fromPackage<typeof import('../../nodes/MetaTrader5/transport/connection')>(
	'nodes/MetaTrader5/transport/connection',
);

describe('MetaTrader 5 server time', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const run = async (parameters: INodeParameters) => {
		const workflow: WorkflowJson = {
			...base,
			nodes: base.nodes.map((n) => ({ ...n, parameters: { resource: 'server', ...parameters } })),
		};
		const result = await runWorkflow(workflow, {
			credentials: { metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', serverTimeZone: 'detect' } },
		});
		return result.outputs['MT5 Account'][0][0].json;
	};

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [], serverZone: 'Europe/Athens' }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});

	it('gives the previous server-time month as a UTC window, across the October DST switch', async () => {
		expect(await run({ operation: 'periodWindow', period: 'month', which: 'previous', reference: '2026-11-01T00:00:00Z' })).toEqual({
			period: 'month',
			label: '2026-10',
			fromUtc: '2026-09-30T21:00:00.000Z',
			toUtc: '2026-10-31T22:00:00.000Z',
			fromServerEpoch: Date.UTC(2026, 9, 1) / 1000,
			toServerEpoch: Date.UTC(2026, 10, 1) / 1000,
			zone: 'Europe/Athens',
		});
	});

	it('gives the current server-time day, which starts before UTC midnight', async () => {
		const day = await run({ operation: 'periodWindow', period: 'day', which: 'current', reference: '2026-11-26T23:30:00Z' });
		expect(day).toMatchObject({ label: '2026-11-27', fromUtc: '2026-11-26T22:00:00.000Z', toUtc: '2026-11-27T22:00:00.000Z' });
	});

	it('reads the server clock and the detected zone', async () => {
		const time = await run({ operation: 'time' });
		expect(time.zone).toBe('Europe/Athens');
		expect(Math.abs(Date.parse(String(time.timeUtc)) - Date.now())).toBeLessThan(60_000);
		expect([120, 180]).toContain(time.offsetMinutes);
	});
});
