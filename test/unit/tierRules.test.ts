import { FieldError } from '../../lib/errors';
import {
	evaluateTiers,
	isClosingTradeDeal,
	PeriodOrderError,
	readTierState,
	validateTiers,
	type AccountVolume,
	type TierRuleOptions,
	type TierState,
} from '../../lib/tiers';

const tiers = validateTiers([
	{ name: 'Standard', group: 'real\\standard', minLots: '0' },
	{ name: 'Gold', group: 'real\\gold', minLots: '50' },
	{ name: 'VIP', group: 'real\\vip', minLots: '100' },
]);

function options(period: string, more: Partial<TierRuleOptions> = {}): TierRuleOptions {
	return { period, demoteAfterLowPeriods: 2, moves: 'straight', ...more };
}

function account(login: string, currentGroup: string | undefined, lots: string): AccountVolume {
	return { login, currentGroup, lots };
}

/** Evaluates one account per period in turn, handing each period's state to the next. */
function periods(volumes: Array<[period: string, AccountVolume]>, more: Partial<TierRuleOptions> = {}) {
	let state: TierState | undefined;
	return volumes.map(([period, volume]) => {
		const result = evaluateTiers([volume], tiers, state, options(period, more));
		state = result.state;
		return result.decisions[0];
	});
}

describe('tiers table', () => {
	it('is sorted by minimum whatever the row order', () => {
		const sorted = validateTiers([
			{ name: 'VIP', group: 'real\\vip', minLots: 100 },
			{ name: 'Standard', group: 'real\\standard', minLots: '0' },
			{ name: 'Gold', group: 'real\\gold', minLots: '50.0' },
		]);
		expect(sorted.map((tier) => `${tier.name}:${tier.minLots}`)).toEqual(['Standard:0', 'Gold:50', 'VIP:100']);
	});

	it('refuses a duplicate tier name, naming both rows', () => {
		expect(() =>
			validateTiers([
				{ name: 'Gold', group: 'real\\gold', minLots: '50' },
				{ name: 'gold', group: 'real\\gold2', minLots: '60' },
			]),
		).toThrow('"Tiers row 2 ("gold")": has the same Tier Name as Tiers row 1 ("Gold"); names must be unique');
	});

	it('refuses a row without a group, naming the row', () => {
		const attempt = () =>
			validateTiers([
				{ name: 'Standard', group: 'real\\standard', minLots: '0' },
				{ name: 'VIP', group: '  ', minLots: '100' },
			]);
		expect(attempt).toThrow(FieldError);
		expect(attempt).toThrow('"Tiers row 2 ("VIP")": has no Group; give the platform group, e.g. real\\vip');
	});

	it('refuses the same group in two tiers, ignoring case', () => {
		expect(() =>
			validateTiers([
				{ name: 'Gold', group: 'real\\gold', minLots: '50' },
				{ name: 'VIP', group: 'REAL\\Gold', minLots: '100' },
			]),
		).toThrow('has the same Group "REAL\\Gold" as Tiers row 1 ("Gold")');
	});

	it('refuses two tiers at one minimum, since they could not be told apart', () => {
		expect(() =>
			validateTiers([
				{ name: 'Gold', group: 'real\\gold', minLots: '50' },
				{ name: 'VIP', group: 'real\\vip', minLots: '50.00' },
			]),
		).toThrow('"Tiers row 2 ("VIP")": has the same Minimum Lots per Period (50) as Tiers row 1 ("Gold")');
	});

	it('refuses a minimum that is not a number of lots, or is negative', () => {
		expect(() => validateTiers([{ name: 'VIP', group: 'real\\vip', minLots: '1,000' }])).toThrow(
			'"Tiers row 1 ("VIP")": Minimum Lots per Period must be a number of lots such as "100" or "12.5", got "1,000"',
		);
		expect(() => validateTiers([{ name: 'VIP', group: 'real\\vip', minLots: -1 }])).toThrow('cannot be negative');
	});

	it('refuses an empty table and one that is not a list', () => {
		expect(() => validateTiers([])).toThrow('"Tiers": has no rows; add at least one tier');
		expect(() => validateTiers({ name: 'VIP' })).toThrow('"Tiers": must be a list of tiers');
	});
});

describe('promotion', () => {
	it('goes straight to the highest tier reached, by default', () => {
		const [decision] = periods([['2026-10', account('1001', 'real\\standard', '125.5')]]);
		expect(decision).toMatchObject({
			login: '1001',
			fromGroup: 'real\\standard',
			toGroup: 'real\\vip',
			fromTier: 'Standard',
			toTier: 'VIP',
			direction: 'promotion',
			lots: '125.5',
			period: '2026-10',
			reason: 'Traded 125.5 lots in 2026-10 (VIP needs 100)',
		});
	});

	it('moves one tier at a time when asked, saying the higher tier was reached too', () => {
		const [decision] = periods([['2026-10', account('1001', 'real\\standard', '125.5')]], { moves: 'oneStep' });
		expect(decision).toMatchObject({ toTier: 'Gold', toGroup: 'real\\gold', direction: 'promotion' });
		expect(decision.reason).toBe('Traded 125.5 lots in 2026-10 (Gold needs 50; one tier at a time, VIP is reached too)');
	});

	it('promotes on lots exactly at the minimum', () => {
		const [decision] = periods([['2026-10', account('1001', 'real\\gold', '100.00')]]);
		expect(decision).toMatchObject({ direction: 'promotion', toTier: 'VIP', lots: '100' });
	});

	it('does not promote on 99.99 lots when the minimum is 100, compared exactly', () => {
		const [decision] = periods([['2026-10', account('1001', 'real\\gold', '99.99')]]);
		expect(decision).toMatchObject({ direction: 'none', toTier: 'Gold' });
		expect(decision.reason).toBe('Traded 99.99 lots in 2026-10: keeps Gold (needs 50; VIP needs 100)');
	});

	it('is immediate even when the account was counting low periods', () => {
		const [, second] = periods([
			['2026-09', account('1001', 'real\\gold', '10')],
			['2026-10', account('1001', 'real\\gold', '130')],
		]);
		expect(second).toMatchObject({ direction: 'promotion', toTier: 'VIP', lowPeriods: 0 });
	});
});

describe('demotion with a grace period', () => {
	it('waits while the low periods are fewer than the grace period, saying how many', () => {
		const [first] = periods([['2026-09', account('1001', 'real\\vip', '40')]]);
		expect(first).toMatchObject({ direction: 'none', toGroup: 'real\\vip', lowPeriods: 1 });
		expect(first.reason).toBe(
			"Traded 40 lots in 2026-09, below VIP's minimum of 100 (low period 1 of 2; moved down after 2 periods in a row)",
		);
	});

	it('moves down after the set number of low periods in a row, straight to the tier the lots reach', () => {
		const [, second] = periods([
			['2026-09', account('1001', 'real\\vip', '40')],
			['2026-10', account('1001', 'real\\vip', '20')],
		]);
		expect(second).toMatchObject({
			fromGroup: 'real\\vip',
			toGroup: 'real\\standard',
			fromTier: 'VIP',
			toTier: 'Standard',
			direction: 'demotion',
			lots: '20',
			lowPeriods: 2,
			reason: "Traded 20 lots in 2026-10, below VIP's minimum of 100 for 2 periods in a row (Standard needs 0)",
		});
	});

	it('moves down one tier when moving one tier at a time', () => {
		const [, second] = periods(
			[
				['2026-09', account('1001', 'real\\vip', '40')],
				['2026-10', account('1001', 'real\\vip', '20')],
			],
			{ moves: 'oneStep' },
		);
		expect(second).toMatchObject({ direction: 'demotion', toTier: 'Gold', toGroup: 'real\\gold' });
	});

	it('moves down at the first low period when the grace period is 1', () => {
		const [first] = periods([['2026-10', account('1001', 'real\\gold', '49.99')]], { demoteAfterLowPeriods: 1 });
		expect(first).toMatchObject({ direction: 'demotion', toTier: 'Standard', lowPeriods: 1 });
	});

	it('starts counting again after a period at or above the minimum', () => {
		const decisions = periods([
			['2026-08', account('1001', 'real\\vip', '40')],
			['2026-09', account('1001', 'real\\vip', '100')],
			['2026-10', account('1001', 'real\\vip', '40')],
		]);
		expect(decisions.map((d) => [d.direction, d.lowPeriods])).toEqual([
			['none', 1],
			['none', 0],
			['none', 1],
		]);
	});

	it('starts counting again when the account missed a period', () => {
		let state = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-08')).state;
		state = evaluateTiers([account('2002', 'real\\vip', '400')], tiers, state, options('2026-09')).state;
		const { decisions } = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, state, options('2026-10'));
		expect(decisions[0]).toMatchObject({ direction: 'none', lowPeriods: 1 });
	});

	it('starts counting again when the account moved to another group since', () => {
		const [, second] = periods([
			['2026-09', account('1001', 'real\\vip', '40')],
			['2026-10', account('1001', 'real\\gold', '10')],
		]);
		expect(second).toMatchObject({ direction: 'none', fromTier: 'Gold', lowPeriods: 1 });
	});

	it('leaves an account in the lowest tier where it is, even below that tier\'s minimum', () => {
		const floor = validateTiers([
			{ name: 'Bronze', group: 'real\\bronze', minLots: '5' },
			{ name: 'Silver', group: 'real\\silver', minLots: '20' },
		]);
		const { decisions, state } = evaluateTiers([account('1001', 'real\\bronze', '1')], floor, undefined, {
			...options('2026-10'),
			demoteAfterLowPeriods: 1,
		});
		expect(decisions[0]).toMatchObject({ direction: 'none', toTier: 'Bronze', lowPeriods: 0 });
		expect(decisions[0].reason).toBe("Traded 1 lots in 2026-10, below Bronze's minimum of 5, but Bronze is the lowest tier");
		expect(state.lowPeriodCounters).toEqual({});
	});
});

describe('evaluating the same period again', () => {
	it('counts the period once: a re-run gives the same decision and the same state', () => {
		const september = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-09'));
		const october = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, september.state, options('2026-10'));
		const octoberAgain = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, october.state, options('2026-10'));

		expect(october.decisions[0]).toMatchObject({ direction: 'demotion', lowPeriods: 2 });
		expect(octoberAgain.decisions).toEqual(october.decisions);
		expect(octoberAgain.state).toEqual(october.state);
	});

	it('does not turn one low period into two when run twice', () => {
		const first = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-10'));
		const again = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, first.state, options('2026-10'));
		expect(again.decisions[0]).toMatchObject({ direction: 'none', lowPeriods: 1 });
	});

	it('gives no second change once the first one was applied to the platform', () => {
		const september = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-09'));
		const october = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, september.state, options('2026-10'));
		const afterApplying = evaluateTiers([account('1001', 'real\\standard', '40')], tiers, october.state, options('2026-10'));
		expect(october.decisions[0].direction).toBe('demotion');
		expect(afterApplying.decisions[0]).toMatchObject({ direction: 'none', fromTier: 'Standard' });
	});

	it('refuses an older period once a later one was evaluated, since counters only move forward', () => {
		const september = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-09'));
		const october = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, september.state, options('2026-10'));
		const back = () => evaluateTiers([account('1001', 'real\\vip', '40')], tiers, october.state, options('2026-09'));
		expect(back).toThrow(PeriodOrderError);
		expect(back).toThrow('Period "2026-09" comes before "2026-10", the latest period evaluated');
	});

	it('refuses a month never evaluated when its label sorts before the latest one', () => {
		const october = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('2026-10'));
		expect(() => evaluateTiers([account('1001', 'real\\vip', '40')], tiers, october.state, options('2026-09'))).toThrow(PeriodOrderError);
	});

	it('takes labels that cannot be compared in the order they are run', () => {
		const autumn = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, undefined, options('Q4 payout'));
		const spring = evaluateTiers([account('1001', 'real\\vip', '40')], tiers, autumn.state, options('April bonus'));
		expect(spring.decisions[0]).toMatchObject({ direction: 'demotion', lowPeriods: 2 });
		expect(spring.state.evaluatedPeriods).toEqual(['Q4 payout', 'April bonus']);
	});
});

describe('accounts outside the table', () => {
	it('are left alone with the reason, and get no counter', () => {
		const { decisions, state } = evaluateTiers([account('1001', 'demo\\standard', '0')], tiers, undefined, options('2026-10'));
		expect(decisions[0]).toEqual({
			login: '1001',
			fromGroup: 'demo\\standard',
			toGroup: 'demo\\standard',
			fromTier: null,
			toTier: null,
			direction: 'none',
			lots: '0',
			period: '2026-10',
			reason: 'Group "demo\\standard" is not in the tiers table, so the account is left alone',
		});
		expect(state.lowPeriodCounters).toEqual({});
	});

	it('are left alone when no input gave their current group', () => {
		const { decisions } = evaluateTiers([account('1001', undefined, '3')], tiers, undefined, options('2026-10'));
		expect(decisions[0]).toMatchObject({ direction: 'none', fromGroup: null, toGroup: null });
		expect(decisions[0].reason).toBe("Traded 3 lots in 2026-10, but no input item gives the account's current group, so it is left alone");
	});

	it('are matched to the table ignoring case, the way MT5 group paths are', () => {
		const { decisions } = evaluateTiers([account('1001', 'Real\\Standard', '60')], tiers, undefined, options('2026-10'));
		expect(decisions[0]).toMatchObject({ direction: 'promotion', fromGroup: 'Real\\Standard', toGroup: 'real\\gold' });
	});
});

describe('kept state', () => {
	it('keeps counters only for accounts that are counting low periods', () => {
		const { state } = evaluateTiers(
			[account('1001', 'real\\vip', '40'), account('1002', 'real\\vip', '400'), account('1003', 'real\\standard', '0')],
			tiers,
			undefined,
			options('2026-10'),
		);
		expect(state).toEqual({
			evaluatedPeriods: ['2026-10'],
			lowPeriodCounters: { '1001': { period: '2026-10', group: 'real\\vip', lowPeriods: 1, lowPeriodsBefore: 0 } },
		});
	});

	it('starts over from damaged state instead of failing', () => {
		expect(readTierState({ evaluatedPeriods: 'x', lowPeriodCounters: { '1001': { period: 1 } } })).toEqual({
			evaluatedPeriods: [],
			lowPeriodCounters: {},
		});
	});
});

describe('which deals count as lots traded', () => {
	it('counts closing trade deals only: out, inout and out_by', () => {
		expect(['in', 'out', 'inout', 'out_by', undefined].map((entry) => isClosingTradeDeal({ kind: 'trade', entry }))).toEqual([
			false,
			true,
			true,
			true,
			false,
		]);
		expect(isClosingTradeDeal({ kind: 'balance', entry: 'out' })).toBe(false);
	});
});
