import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type RunResult, type WorkflowJson } from '../runner';
import dealsFixture from './fixtures/tier-rules-deals.json';
import summariesFixture from './fixtures/tier-rules.json';

const summariesWorkflow = summariesFixture as unknown as WorkflowJson;
const dealsWorkflow = dealsFixture as unknown as WorkflowJson;
const NODE = 'Volume Tiers';

function withParameters(fixture: WorkflowJson, parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...fixture,
		nodes: fixture.nodes.map((n) => ({ ...n, ...node, parameters: { ...n.parameters, ...parameters } })),
	};
}

function forPeriod(fixture: WorkflowJson, period: string, staticData?: IDataObject): WorkflowJson {
	return { ...withParameters(fixture, { period }), staticData };
}

/** The static data as n8n saves it after an active run (JSON in the database), for the next run. */
function saved(run: RunResult): IDataObject {
	return JSON.parse(JSON.stringify(run.staticData)) as IDataObject;
}

const summary = (login: string, currentGroup: string, lots: string | number) => ({ login, currentGroup, lots });

describe('Tier Rules in a workflow', () => {
	it('outputs one item per group change with the reason, paired with its account, and nothing for accounts that stay', async () => {
		const run = await runWorkflow(summariesWorkflow, {
			input: [summary('1001', 'real\\standard', '125.5'), summary('1002', 'real\\gold', '60'), summary('1003', 'real\\gold', '100')],
		});

		expect(run.status).toBe('success');
		const [changes, errors] = run.outputs[NODE];
		expect(changes.map((item) => item.json)).toEqual([
			{
				login: '1001',
				fromGroup: 'real\\standard',
				toGroup: 'real\\vip',
				fromTier: 'Standard',
				toTier: 'VIP',
				direction: 'promotion',
				lots: '125.5',
				period: '2026-09',
				reason: 'Traded 125.5 lots in 2026-09 (VIP needs 100)',
				lowPeriods: 0,
			},
			expect.objectContaining({ login: '1003', toTier: 'VIP', direction: 'promotion', reason: 'Traded 100 lots in 2026-09 (VIP needs 100)' }),
		]);
		expect(changes.map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 2 }]]);
		expect(errors).toEqual([]);
	});

	it('demotes only in the second low month, remembering the first in workflow static data', async () => {
		const vipAt40 = [summary('1001', 'real\\vip', '40')];
		const september = await runWorkflow(forPeriod(summariesWorkflow, '2026-09'), { input: vipAt40 });
		expect(september.outputs[NODE][0]).toEqual([]);
		// n8n writes static data back only when it is marked changed.
		expect(september.staticDataChanged).toBe(true);

		const october = await runWorkflow(forPeriod(summariesWorkflow, '2026-10', saved(september)), { input: vipAt40 });
		expect(october.outputs[NODE][0].map((item) => item.json)).toEqual([
			expect.objectContaining({
				login: '1001',
				direction: 'demotion',
				toGroup: 'real\\standard',
				lowPeriods: 2,
				reason: "Traded 40 lots in 2026-10, below VIP's minimum of 100 for 2 periods in a row (Standard needs 0)",
			}),
		]);

		const octoberWithoutMemory = await runWorkflow(forPeriod(summariesWorkflow, '2026-10'), { input: vipAt40 });
		expect(octoberWithoutMemory.outputs[NODE][0]).toEqual([]);
	});

	it('counts a month once when the same month is run twice', async () => {
		const vipAt40 = [summary('1001', 'real\\vip', '40')];
		const first = await runWorkflow(forPeriod(summariesWorkflow, '2026-09'), { input: vipAt40 });
		const again = await runWorkflow(forPeriod(summariesWorkflow, '2026-09', saved(first)), { input: vipAt40 });

		expect(again.outputs[NODE][0]).toEqual([]);
		expect(saved(again)).toEqual(saved(first));
		expect(Object.values(saved(again))).toEqual([
			{
				evaluatedPeriods: ['2026-09'],
				lowPeriodCounters: { '1001': { period: '2026-09', group: 'real\\vip', lowPeriods: 1, lowPeriodsBefore: 0 } },
			},
		]);
	});

	it('routes an item with bad lots to the error output, naming the field, and holds that account back', async () => {
		const run = await runWorkflow(summariesWorkflow, {
			input: [summary('1001', 'real\\standard', '1,250'), summary('1002', 'real\\standard', '70')],
		});

		expect(run.status).toBe('success');
		const [changes, errors] = run.outputs[NODE];
		expect(changes.map((item) => item.json.login)).toEqual(['1002']);
		expect(errors).toHaveLength(1);
		expect(errors[0].json).toEqual({ error: '"lots": must be a number of lots such as "12.5", got "1,250"' });
		expect(errors[0].pairedItem).toEqual({ item: 0 });
	});

	it('refuses a second summary for the same login instead of picking one', async () => {
		const run = await runWorkflow(withParameters(summariesWorkflow, { options: { includeUnchanged: true } }), {
			input: [summary('1001', 'real\\vip', '10'), summary('1001', 'real\\vip', '300')],
		});

		const [changes, errors] = run.outputs[NODE];
		expect(errors.map((item) => item.json.error)).toEqual(['"login": login 1001 already came in item 0; give one summary per account']);
		expect(changes.map((item) => [item.json.login, item.json.direction, item.pairedItem])).toEqual([
			['1001', 'none', [{ item: 0 }, { item: 1 }]],
		]);
		expect(changes[0].json.reason).toMatch(/^Not evaluated: an input item of this account is invalid/);
	});

	it('stops the run at the first bad item, naming it, when no error output is chosen', async () => {
		const strict = withParameters(summariesWorkflow, {}, { onError: undefined });
		const run = await runWorkflow(strict, { input: [summary('1001', 'real\\vip', '40'), { login: '1002', lots: '5' }] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"currentGroup": is required: the account\'s current group, e.g. real\\standard');
		expect(saved(run)).toEqual({});
	});

	it('refuses a tiers table with a bad row once, naming the row, and sends nothing on to apply', async () => {
		const badRow = withParameters(summariesWorkflow, {
			tiers: {
				tier: [
					{ name: 'Standard', group: 'real\\standard', minLots: 0 },
					{ name: 'VIP', group: '', minLots: 100 },
				],
			},
		});
		const run = await runWorkflow(badRow, { input: [summary('1001', 'real\\standard', '125.5'), summary('1002', 'real\\vip', '5')] });

		expect(run.status).toBe('success');
		const [changes, errors] = run.outputs[NODE];
		expect(changes).toEqual([]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'The tier rules are invalid: "Tiers row 2 ("VIP")": has no Group; give the platform group, e.g. real\\vip (Fix the parameter or tier row named above and run again.)',
		]);
		expect(saved(run)).toEqual({});
	});

	it('stops the run on a bad tiers row when no error output is chosen', async () => {
		const strict = withParameters(
			summariesWorkflow,
			{ tiersSource: 'json', tiersJson: '[{"name": "VIP", "group": "real\\\\vip", "minLots": "lots"}]' },
			{ onError: undefined },
		);
		const run = await runWorkflow(strict, { input: [summary('1001', 'real\\standard', '125.5')] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe(
			'The tier rules are invalid: "Tiers row 1 ("VIP")": Minimum Lots per Period must be a number of lots such as "100" or "12.5", got "lots"',
		);
	});

	it('reads the summary fields from the names the user gave', async () => {
		const renamed = withParameters(summariesWorkflow, { loginField: 'account.login', groupField: 'account.group', lotsField: 'volume' });
		const run = await runWorkflow(renamed, { input: [{ account: { login: 1001, group: 'real\\gold' }, volume: 10 }] });

		expect(run.outputs[NODE][0].map((item) => item.json)).toEqual([]);
		expect(Object.values(run.staticData)[0]).toMatchObject({ lowPeriodCounters: { '1001': { group: 'real\\gold', lowPeriods: 1 } } });
	});

	it('refuses to evaluate a month older than the latest one evaluated', async () => {
		const october = await runWorkflow(forPeriod(summariesWorkflow, '2026-10'), { input: [summary('1001', 'real\\vip', '40')] });
		const september = await runWorkflow(forPeriod(summariesWorkflow, '2026-09', saved(october)), {
			input: [summary('1001', 'real\\vip', '40')],
		});

		const [changes, errors] = september.outputs[NODE];
		expect(changes).toEqual([]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'Period "2026-09" comes before "2026-10", the latest period evaluated; low-period counters only move forward, so evaluate "2026-10" again or a later period (Check the Period parameter: it should name the period the input covers.)',
		]);
		expect(saved(september)).toEqual(saved(october));
	});

	it('labels the period with the previous calendar month by default', async () => {
		const byDefault = withParameters(summariesWorkflow, { period: '={{ $now.minus({ months: 1 }).toFormat("yyyy-MM") }}' });
		const run = await runWorkflow(byDefault, { input: [summary('1001', 'real\\standard', '60')] });

		expect(run.outputs[NODE][0][0].json.period).toMatch(/^\d{4}-\d{2}$/);
		expect(run.outputs[NODE][0][0].json.reason).toMatch(/^Traded 60 lots in \d{4}-\d{2} \(Gold needs 50\)$/);
	});
});

describe('Tier Rules on accounts and deals', () => {
	const accounts = [
		{ platform: 'mt5', login: '2001', group: 'real\\standard' },
		{ platform: 'mt5', login: '2002', group: 'real\\vip' },
		{ platform: 'mt5', login: '2003', group: 'demo\\standard' },
	];
	const deal = (dealId: string, login: string, entry: string | undefined, volumeLots: string, kind = 'trade') => ({
		platform: 'mt5',
		dealId,
		login,
		kind,
		entry,
		volumeLots,
		timeUtc: '2026-10-15T10:00:00.000Z',
	});

	it('sums closing deals per login, ignores opening deals and balance operations, and counts 0 lots for an account without deals', async () => {
		const run = await runWorkflow(dealsWorkflow, {
			input: [
				...accounts,
				deal('1', '2001', 'in', '30'),
				deal('2', '2001', 'out', '30'),
				deal('3', '2001', 'out_by', '19.99'),
				deal('4', '2001', 'inout', '0.01'),
				deal('5', '2001', 'in', '0', 'balance'),
			],
		});

		expect(run.status).toBe('success');
		const [decisions, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(decisions.map((item) => [item.json.login, item.json.direction, item.json.toTier, item.json.lots])).toEqual([
			['2001', 'promotion', 'Gold', '50'],
			['2002', 'demotion', 'Standard', '0'],
			['2003', 'none', null, '0'],
		]);
		expect(decisions[0].pairedItem).toEqual([{ item: 0 }, { item: 4 }, { item: 5 }, { item: 6 }]);
		expect(decisions[2].json.reason).toBe('Group "demo\\standard" is not in the tiers table, so the account is left alone');
	});

	it('refuses a trade deal without an entry, since it cannot tell whether it closes a position', async () => {
		const run = await runWorkflow(dealsWorkflow, {
			input: [...accounts.slice(0, 1), deal('7', '2001', undefined, '80')],
		});

		const [decisions, errors] = run.outputs[NODE];
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			[
				'"entry": is missing on this trade deal; it must be one of in, out, inout, out_by to tell whether the deal closes a position',
				{ item: 1 },
			],
		]);
		expect(decisions.map((item) => [item.json.login, item.json.direction])).toEqual([['2001', 'none']]);
		expect(decisions[0].json.reason).toMatch(/^Not evaluated/);
	});

	it('refuses an item that is neither an account nor a deal, naming the missing group', async () => {
		const run = await runWorkflow(dealsWorkflow, { input: [{ login: '2009', balance: '100' }] });

		const [, errors] = run.outputs[NODE];
		expect(errors.map((item) => item.json.error)).toEqual([
			'"group": is required: each item must be a trading account (login, group) or a deal (login, kind, entry, volumeLots)',
		]);
	});
});
