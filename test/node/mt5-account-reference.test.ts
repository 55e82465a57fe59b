/**
 * Opening an account for a client reference happens once: a re-sent, duplicated or retried event
 * returns the account already opened instead of a second one.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-account.json';

const base = fixture as unknown as WorkflowJson;
const NODE = 'MT5 Account';
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');
const { closeMt5Sessions } = fromPackage<typeof import('../../nodes/MetaTrader5/transport/connection')>(
	'nodes/MetaTrader5/transport/connection',
);

const createParameters: INodeParameters = {
	operation: 'create',
	group: 'real\\standard',
	leverage: 100,
	firstName: '={{ $json.firstName }}',
	lastName: 'Christodoulou',
	email: 'eleni@example.com',
	clientReference: '={{ $json.reference }}',
	additionalFields: {},
	options: {},
};

describe('MetaTrader 5 account opening with a client reference', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const workflow: WorkflowJson = { ...base, nodes: base.nodes.map((n) => ({ ...n, parameters: { ...n.parameters, ...createParameters } })) };
	const run = async (input: IDataObject[]) =>
		await runWorkflow(workflow, {
			input,
			credentials: { metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', serverTimeZone: 'detect' } },
		});
	const accountsFor = (reference: string) =>
		(mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number }> }).accounts.filter((a) => a.comment === reference);

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});
	beforeEach(() => {
		mt5.simulator.reset();
		resetBreakers();
	});

	it('opens the account once and returns it, without passwords, when the event comes again', async () => {
		const first = (await run([{ firstName: 'Eleni', reference: 'crm:1003' }])).outputs[NODE][0][0].json;
		const again = (await run([{ firstName: 'Eleni', reference: 'crm:1003' }])).outputs[NODE][0][0].json;

		expect(first).toMatchObject({ alreadyExisted: false, group: 'real\\standard' });
		expect(typeof first.mainPassword).toBe('string');
		expect(again).toMatchObject({ alreadyExisted: true, login: first.login });
		expect(again.mainPassword).toBeUndefined();
		expect(accountsFor('crm:1003')).toHaveLength(1);
	});

	it('opens one account when five executions carry the same event at once', async () => {
		const runs = await Promise.all(Array.from({ length: 5 }, async () => await run([{ firstName: 'Eleni', reference: 'crm:2001' }])));

		expect(new Set(runs.map((r) => r.outputs[NODE][0][0].json.login)).size).toBe(1);
		expect(runs.filter((r) => r.outputs[NODE][0][0].json.alreadyExisted === false)).toHaveLength(1);
		expect(accountsFor('crm:2001')).toHaveLength(1);
	});

	it('opens one account when the answer to the opening is lost, and returns it', async () => {
		mt5.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/api/user/add' });
		const result = await run([{ firstName: 'Eleni', reference: 'crm:3001' }]);

		expect(result.outputs[NODE][1] ?? []).toEqual([]);
		expect(accountsFor('crm:3001')).toHaveLength(1);
		expect(result.outputs[NODE][0][0].json.login).toBe(String(accountsFor('crm:3001')[0].login));
	});

	it('opens separate accounts for different clients', async () => {
		await run([
			{ firstName: 'Eleni', reference: 'crm:4001' },
			{ firstName: 'Jonas', reference: 'crm:4002' },
		]);
		expect(accountsFor('crm:4001')).toHaveLength(1);
		expect(accountsFor('crm:4002')).toHaveLength(1);
	});
});
