/**
 * The MT5 session through node operations as n8n runs them: one login and one keep-alive connection
 * serve every operation of a run and the runs after it, and a session the server forgets mid-run is
 * re-established without the workflow noticing. The simulator refuses a command on any connection
 * other than the one the session was opened on, so a stray connection would fail these runs.
 */
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../runner';
import lifecycle from './fixtures/mt5-account-lifecycle.json';
import single from './fixtures/mt5-account.json';

/** The runner loads the node from dist/, so the sessions to close live in that copy of the transport. */
function closeMt5Sessions(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(join(PACKAGE_ROOT, 'dist/nodes/MetaTrader5/transport/connection.js')) as typeof import('../../nodes/MetaTrader5/transport/connection');
	transport.closeMt5Sessions();
}

const lifecycleWorkflow = lifecycle as unknown as WorkflowJson;
const accountWorkflow = single as unknown as WorkflowJson;

describe('MetaTrader 5 session across node operations', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const run = async (workflow: WorkflowJson, input: IDataObject[]) =>
		await runWorkflow(workflow, {
			input,
			credentials: {
				metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 'n8n-test', serverTimeZone: 'detect' },
			},
		});
	const client = { firstName: 'Eleni', lastName: 'Christodoulou', email: 'eleni@example.com' };

	beforeEach(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterEach(async () => {
		jest.restoreAllMocks();
		closeMt5Sessions();
		await mt5.close();
	});

	it('logs in once and sends every operation of several runs on one connection', async () => {
		const logins = jest.spyOn(mt5.simulator.sessions, 'open');
		const commands = jest.spyOn(mt5.simulator.sessions, 'touch');

		const first = await run(lifecycleWorkflow, [client]);
		const second = await run(lifecycleWorkflow, [{ ...client, firstName: 'Andreas' }]);
		const read = await run(accountWorkflow, [{ login: '700000' }]);

		expect([first.status, second.status, read.status]).toEqual(['success', 'success', 'success']);
		expect(second.outputs['Read Equity'][0][0].json).toMatchObject({ login: '700001', equity: '0.00' });
		expect(second.outputs['Raise Leverage'][0][0].json).toMatchObject({ login: '700001', leverage: 200 });
		expect(read.outputs['MT5 Account'][0][0].json).toMatchObject({ login: '700000', leverage: 200, name: 'Eleni Christodoulou' });

		expect(logins).toHaveBeenCalledTimes(1);
		// Every authenticated command (create, get, account/get, group/get, update, ...) came on one connection.
		expect(commands.mock.calls.length).toBeGreaterThanOrEqual(15);
		expect(new Set(commands.mock.calls.map(([connectionId]) => connectionId))).toEqual(new Set([logins.mock.calls[0][0]]));
		expect(mt5.simulator.state().sessions).toEqual([expect.objectContaining({ connectionId: logins.mock.calls[0][0], login: 1015 })]);
	});

	it('recovers a session the server lost mid-run by logging in again, and finishes the run', async () => {
		// Any command opens the session the fault will take away (login 1 does not exist: retcode 13).
		await run(accountWorkflow, [{ login: '1' }]);
		const logins = jest.spyOn(mt5.simulator.sessions, 'open');
		// The server forgets every session just before it handles the leverage change (e.g. it restarted).
		mt5.simulator.faults.add({ fault: { kind: 'sessionLoss' }, path: '/api/user/update' });

		const result = await run(lifecycleWorkflow, [client]);

		expect(result.status).toBe('success');
		expect(mt5.simulator.faults.fired.map((hit) => [hit.kind, hit.path])).toEqual([['sessionLoss', '/api/user/update']]);
		expect(result.outputs['Raise Leverage'][0][0].json).toMatchObject({ login: '700000', leverage: 200 });
		expect(result.outputs['Read Equity'][0][0].json).toMatchObject({ login: '700000', balance: '0.00' });
		expect(logins).toHaveBeenCalledTimes(1);
		expect(mt5.simulator.state().accounts).toEqual([expect.objectContaining({ login: 700000, leverage: 200 })]);
	});
});
