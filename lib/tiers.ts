/**
 * Volume tiers: a table of platform groups by lots traded per period, and the rule that moves an
 * account between them. Tiers live in the CRM or back office, not on the platform, which only holds
 * groups (reference/trading.md §6), so this module decides and the platform node applies.
 *
 * The rule, per account in a tiered group, for one period:
 * - promotion is immediate: lots at or above a higher tier's minimum move the account up, straight
 *   to the highest tier reached or one tier at a time;
 * - demotion waits: lots below the current tier's minimum count a "low period"; only after
 *   `demoteAfterLowPeriods` low periods in a row does the account move down (to the tier its lots
 *   reach, or one tier down);
 * - an account whose group is not in the table is left alone.
 *
 * The low-period counters are the only memory between runs (`TierState`, kept by the node in
 * workflow static data). They are keyed by period label so evaluating the same period twice gives
 * the same answer and counts nothing twice. Everything here is pure: state in, state out.
 */
import { attempt, FieldError } from './errors';
import type { DecimalString } from './model';
import { addDecimal, compareDecimal, parseDecimal, trimDecimal } from './money';

export interface Tier {
	name: string;
	/** The platform group, e.g. "real\\vip" on MT5 or a group name on cTrader. */
	group: string;
	/** Lots an account must trade in a period to reach (or keep) this tier. */
	minLots: DecimalString;
}

/** How far one evaluation moves an account. Applies to promotions and demotions alike. */
export type TierMoves = 'straight' | 'oneStep';

export type TierDirection = 'promotion' | 'demotion' | 'none';

/** One account's volume for the period. `currentGroup` is unknown when no input gave it. */
export interface AccountVolume {
	login: string;
	currentGroup?: string;
	lots: DecimalString;
}

export interface TierDecision {
	login: string;
	fromGroup: string | null;
	toGroup: string | null;
	fromTier: string | null;
	toTier: string | null;
	direction: TierDirection;
	lots: DecimalString;
	period: string;
	reason: string;
	/** Periods in a row below the current tier's minimum, this one included (tiered accounts only). */
	lowPeriods?: number;
}

/** One account's low-period counter, as of the last period it was evaluated in. */
export interface LowPeriodCounter {
	period: string;
	/** The group the count is about; a different group now (the account moved) starts again at 0. */
	group: string;
	lowPeriods: number;
	/** The count before `period` was evaluated, so evaluating `period` again starts from it. */
	lowPeriodsBefore: number;
}

export interface TierState {
	/** Period labels evaluated so far, oldest first (the last few only). */
	evaluatedPeriods: string[];
	/** By login. Accounts at zero with nothing to remember are not kept. */
	lowPeriodCounters: Record<string, LowPeriodCounter>;
}

export interface TierRuleOptions {
	period: string;
	demoteAfterLowPeriods: number;
	moves: TierMoves;
}

export interface TierEvaluation {
	decisions: TierDecision[];
	state: TierState;
}

/** How many period labels the state remembers; enough to tell "the period before" and a re-run. */
const REMEMBERED_PERIODS = 12;

/** The closing entries of a trade: OUT, INOUT (a reversal) and OUT_BY (closed by an opposite position). */
export const CLOSING_ENTRIES: ReadonlySet<string> = new Set(['out', 'inout', 'out_by']);

/**
 * Whether a canonical deal counts toward lots traded. We count closing trade deals only (entry
 * out, inout, out_by), so a round trip of 1 lot counts 1 lot, not 2, and a position still open at
 * the period's end counts in the period it is closed. An INOUT deal counts with its full volume.
 */
export function isClosingTradeDeal(deal: { kind?: unknown; entry?: unknown }): boolean {
	return deal.kind === 'trade' && typeof deal.entry === 'string' && CLOSING_ENTRIES.has(deal.entry);
}

export function sameGroup(a: string, b: string): boolean {
	// MT5 group paths are case-insensitive; cTrader group names are compared the same way so
	// "real\VIP" typed in the table matches "real\vip" read from the platform.
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function rowField(index: number, name: string | undefined): string {
	return name ? `Tiers row ${index + 1} ("${name}")` : `Tiers row ${index + 1}`;
}

/**
 * Checks a tiers table and returns it sorted by minimum, lowest first. Rows may come in any order.
 * Names and groups must be unique (ignoring case), minimums decimal, not negative and all different
 * (two tiers at one minimum could not be told apart). Errors name the row as the user sees it.
 */
export function validateTiers(rows: unknown): Tier[] {
	if (!Array.isArray(rows)) {
		throw new FieldError('Tiers', 'must be a list of tiers such as [{"name": "VIP", "group": "real\\\\vip", "minLots": "100"}]');
	}
	if (rows.length === 0) throw new FieldError('Tiers', 'has no rows; add at least one tier');
	const tiers: Tier[] = [];
	const rowOf = new Map<Tier, number>();
	rows.forEach((row: unknown, index) => {
		if (row === null || typeof row !== 'object' || Array.isArray(row)) {
			throw new FieldError(rowField(index, undefined), 'must be an object with name, group and minLots');
		}
		const record = row as Record<string, unknown>;
		const name = text(record.name);
		const field = rowField(index, name);
		if (!name) throw new FieldError(field, 'has no Tier Name');
		const group = text(record.group);
		if (!group) throw new FieldError(field, 'has no Group; give the platform group, e.g. real\\vip');
		const minText = text(record.minLots);
		if (!minText) throw new FieldError(field, 'has no Minimum Lots per Period');
		const parsed = attempt(() => trimDecimal(parseDecimal(minText)));
		if (!parsed.ok) {
			throw new FieldError(field, `Minimum Lots per Period must be a number of lots such as "100" or "12.5", got "${minText}"`);
		}
		const minLots = parsed.value;
		if (compareDecimal(minLots, '0') < 0) {
			throw new FieldError(field, `Minimum Lots per Period cannot be negative, got "${minText}"`);
		}
		for (const [other, otherIndex] of rowOf) {
			const otherField = rowField(otherIndex, other.name);
			if (other.name.toLowerCase() === name.toLowerCase()) {
				throw new FieldError(field, `has the same Tier Name as ${otherField}; names must be unique`);
			}
			if (sameGroup(other.group, group)) {
				throw new FieldError(field, `has the same Group "${group}" as ${otherField}; each group belongs to one tier`);
			}
			if (compareDecimal(other.minLots, minLots) === 0) {
				throw new FieldError(field, `has the same Minimum Lots per Period (${minLots}) as ${otherField}; each tier needs its own minimum`);
			}
		}
		const tier = { name, group, minLots };
		rowOf.set(tier, index);
		tiers.push(tier);
	});
	return tiers.sort((a, b) => compareDecimal(a.minLots, b.minLots));
}

/** The index of the highest tier whose minimum the lots reach (ties reach it), or -1 for none. */
export function tierIndexReached(tiers: Tier[], lots: DecimalString): number {
	let reached = -1;
	tiers.forEach((tier, index) => {
		if (compareDecimal(lots, tier.minLots) >= 0) reached = index;
	});
	return reached;
}

/** Adds lots exactly, keeping the result short ("12.50" + "0.5" → "13"). */
export function addLots(a: DecimalString, b: DecimalString): DecimalString {
	return trimDecimal(addDecimal(a, b));
}

export class PeriodOrderError extends Error {
	constructor(
		readonly period: string,
		readonly latest: string,
	) {
		super(
			`Period "${period}" comes before "${latest}", the latest period evaluated; low-period counters only move forward, so evaluate "${latest}" again or a later period`,
		);
		this.name = 'PeriodOrderError';
	}
}

/**
 * Whether label `a` is an earlier period than `b`, when that can be told: labels of one fixed-width
 * numeric shape ("2026-09" and "2026-10", "2026-Q3", "2026-W07") sort as text. Other labels are
 * taken in the order they are run.
 */
function sortsBefore(a: string, b: string): boolean {
	const shape = (label: string) => label.replace(/\d/g, '9');
	return /\d/.test(a) && shape(a) === shape(b) && a < b;
}

function emptyState(): TierState {
	return { evaluatedPeriods: [], lowPeriodCounters: {} };
}

function isCounter(value: unknown): value is LowPeriodCounter {
	if (value === null || typeof value !== 'object') return false;
	const counter = value as Record<string, unknown>;
	return (
		typeof counter.period === 'string' &&
		typeof counter.group === 'string' &&
		Number.isInteger(counter.lowPeriods) &&
		Number.isInteger(counter.lowPeriodsBefore)
	);
}

/** Reads state kept by an earlier run, tolerating a missing or damaged value (it starts over). */
export function readTierState(value: unknown): TierState {
	if (value === null || typeof value !== 'object') return emptyState();
	const record = value as Partial<TierState>;
	const evaluatedPeriods = Array.isArray(record.evaluatedPeriods)
		? record.evaluatedPeriods.filter((p): p is string => typeof p === 'string')
		: [];
	const lowPeriodCounters: Record<string, LowPeriodCounter> = {};
	if (record.lowPeriodCounters && typeof record.lowPeriodCounters === 'object') {
		for (const [login, counter] of Object.entries(record.lowPeriodCounters as Record<string, unknown>)) {
			if (isCounter(counter)) lowPeriodCounters[login] = { ...counter };
		}
	}
	return { evaluatedPeriods, lowPeriodCounters };
}

function periodsText(count: number): string {
	return count === 1 ? '1 period' : `${count} periods`;
}

/** Lots as people write them: "125.50" → "125.5". */
function lotsText(lots: DecimalString): string {
	return trimDecimal(lots);
}

/**
 * Where the grace counter of an account starts for this period: its count after the previous
 * period, its count before this period when this period is evaluated again, or 0 when the account
 * moved group, was missing from the previous period, or has no count.
 */
function startingLowPeriods(
	counter: LowPeriodCounter | undefined,
	currentGroup: string,
	period: string,
	previousPeriod: string | undefined,
): number {
	if (!counter || !sameGroup(counter.group, currentGroup)) return 0;
	if (counter.period === period) return counter.lowPeriodsBefore;
	if (previousPeriod !== undefined && counter.period === previousPeriod) return counter.lowPeriods;
	return 0;
}

/**
 * Evaluates every account for one period and returns the decisions (one per account, in input
 * order, `direction: 'none'` for those that stay) and the state to keep for the next run.
 * Throws PeriodOrderError when the period was evaluated earlier but is not the latest one, or its
 * label sorts before the latest one ("2026-09" after "2026-10").
 */
export function evaluateTiers(
	accounts: AccountVolume[],
	tiers: Tier[],
	previous: TierState | undefined,
	options: TierRuleOptions,
): TierEvaluation {
	const { period, moves } = options;
	const demoteAfter = Math.max(1, Math.floor(options.demoteAfterLowPeriods));
	const state = readTierState(previous);
	const periods = state.evaluatedPeriods;
	const rerun = periods.length > 0 && periods[periods.length - 1] === period;
	const latest = periods[periods.length - 1];
	if (!rerun && latest !== undefined && (periods.includes(period) || sortsBefore(period, latest))) {
		throw new PeriodOrderError(period, latest);
	}
	const previousPeriod = rerun ? periods[periods.length - 2] : periods[periods.length - 1];
	const counters: Record<string, LowPeriodCounter> = { ...state.lowPeriodCounters };

	const decisions = accounts.map((account): TierDecision => {
		const lots = lotsText(account.lots);
		const traded = `Traded ${lots} lots in ${period}`;
		const untouched = (reason: string): TierDecision => ({
			login: account.login,
			fromGroup: account.currentGroup ?? null,
			toGroup: account.currentGroup ?? null,
			fromTier: null,
			toTier: null,
			direction: 'none',
			lots,
			period,
			reason,
		});
		if (account.currentGroup === undefined || account.currentGroup.trim() === '') {
			return untouched(`${traded}, but no input item gives the account's current group, so it is left alone`);
		}
		const currentGroup = account.currentGroup;
		const currentIndex = tiers.findIndex((tier) => sameGroup(tier.group, currentGroup));
		if (currentIndex < 0) {
			return untouched(`Group "${currentGroup}" is not in the tiers table, so the account is left alone`);
		}
		const current = tiers[currentIndex];
		const reached = tierIndexReached(tiers, lots);
		const decide = (target: number, direction: TierDirection, reason: string, lowPeriods: number): TierDecision => ({
			login: account.login,
			fromGroup: currentGroup,
			toGroup: direction === 'none' ? currentGroup : tiers[target].group,
			fromTier: current.name,
			toTier: tiers[target].name,
			direction,
			lots,
			period,
			reason,
			lowPeriods,
		});

		const start = startingLowPeriods(counters[account.login], currentGroup, period, previousPeriod);
		// The lowest tier has nowhere to go down to, so being below its minimum is not counted.
		const low = reached < currentIndex && currentIndex > 0;
		const lowPeriods = low ? start + 1 : 0;
		if (lowPeriods > 0 || start > 0) {
			counters[account.login] = { period, group: currentGroup, lowPeriods, lowPeriodsBefore: start };
		} else {
			delete counters[account.login];
		}

		if (reached > currentIndex) {
			const target = moves === 'oneStep' ? currentIndex + 1 : reached;
			const step = target < reached ? `; one tier at a time, ${tiers[reached].name} is reached too` : '';
			return decide(target, 'promotion', `${traded} (${tiers[target].name} needs ${lotsText(tiers[target].minLots)}${step})`, 0);
		}
		const below = `${traded}, below ${current.name}'s minimum of ${lotsText(current.minLots)}`;
		if (reached < currentIndex && !low) {
			return decide(currentIndex, 'none', `${below}, but ${current.name} is the lowest tier`, 0);
		}
		if (!low) {
			const next = tiers[currentIndex + 1];
			const keeps = next
				? `${traded}: keeps ${current.name} (needs ${lotsText(current.minLots)}; ${next.name} needs ${lotsText(next.minLots)})`
				: `${traded}: keeps ${current.name}, the highest tier (needs ${lotsText(current.minLots)})`;
			return decide(currentIndex, 'none', keeps, 0);
		}
		if (lowPeriods < demoteAfter) {
			return decide(
				currentIndex,
				'none',
				`${below} (low period ${lowPeriods} of ${demoteAfter}; moved down after ${periodsText(demoteAfter)} in a row)`,
				lowPeriods,
			);
		}
		const target = moves === 'oneStep' ? currentIndex - 1 : Math.max(reached, 0);
		return decide(
			target,
			'demotion',
			`${below} for ${periodsText(lowPeriods)} in a row (${tiers[target].name} needs ${lotsText(tiers[target].minLots)})`,
			lowPeriods,
		);
	});

	// A counter from before the previous period can never be continued (the account missed a
	// period), so it is dropped: the state stays as small as the accounts currently counting.
	for (const [login, counter] of Object.entries(counters)) {
		if (counter.period !== period && counter.period !== previousPeriod) delete counters[login];
	}
	const evaluatedPeriods = rerun ? periods : [...periods, period].slice(-REMEMBERED_PERIODS);
	return { decisions, state: { evaluatedPeriods, lowPeriodCounters: counters } };
}
