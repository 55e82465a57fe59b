/**
 * Reads that take more than one call: trader lists (registration window, `hasMore`) and the
 * closed-positions CSV report (at most 2 days per call). Both return cTrader's own records; the
 * operations' mappers turn them into canonical shapes.
 */
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { attempt } from '../../../lib/errors';
import type { RetryPolicy } from '../../../lib/retryOptions';
import { parseCsvRecords } from './csv';
import { cTraderRequest, formatCTraderTime, parseCTraderTime, type CTraderContext } from './index';

export type CTraderRecord = Record<string, unknown>;

/** Spotware: "from–to must be ≤ 2 days" for `/webserv/closedPositions`. */
export const CLOSED_POSITIONS_MAX_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;

/** The columns the mapper cannot do without; a report without them fails loudly. */
export const CLOSED_POSITION_REQUIRED_COLUMNS = [
	'login',
	'positionId',
	'closingDealId',
	'closeTimestamp',
	'closePrice',
	'direction',
	'volume',
	'symbol',
	'commission',
	'swap',
	'netPnl',
] as const;

export interface UtcRange {
	/** Inclusive, UTC milliseconds. */
	fromMs: number;
	/** Inclusive, UTC milliseconds. */
	toMs: number;
}

/** A timestamp field as cTrader writes it (epoch milliseconds, or yyyy-MM-ddTHH:mm:ss.SSS UTC). */
export function timestampMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text);
	return parseCTraderTime(text) ?? (Number.isNaN(Date.parse(text)) ? undefined : Date.parse(text));
}

// ---------------------------------------------------------------------------------------------
// Traders

export async function readTrader(ctx: CTraderContext, login: string, policy: RetryPolicy): Promise<CTraderRecord> {
	const trader = await cTraderRequest<unknown>(ctx, { path: `/webserv/traders/${login}` }, `read trader ${login}`, policy);
	if (typeof trader !== 'object' || trader === null || Array.isArray(trader)) {
		throw new NodeOperationError(ctx.getNode(), `cTrader answered the read of trader ${login} with something other than a trader record`);
	}
	return trader as CTraderRecord;
}

export interface TraderListQuery extends UtcRange {
	/** cTrader's numeric group id (`groupId`), when filtering by group. */
	groupId?: string;
	/** Stop after this many traders (the earliest registered first). */
	limit?: number;
}

interface TraderPage {
	trader?: unknown;
	hasMore?: unknown;
}

/**
 * Every trader registered in the range (inclusive), oldest first. `GET /webserv/traders` answers
 * a capped page and `hasMore`, with no cursor, and the docs promise no order; so a range that has
 * more is split in two halves until each half fits in one answer. That needs no assumption about
 * the order of the rows, leaves no gap and, with the login set, no duplicate.
 */
export async function listTraders(ctx: CTraderContext, query: TraderListQuery, policy: RetryPolicy): Promise<CTraderRecord[]> {
	const found: CTraderRecord[] = [];
	const seen = new Set<string>();
	const limit = query.limit ?? Number.POSITIVE_INFINITY;
	// Ranges still to read, earliest first (a stack: the later half is pushed first).
	const pending: UtcRange[] = [{ fromMs: query.fromMs, toMs: query.toMs }];
	while (pending.length > 0 && found.length < limit) {
		const range = pending.pop() as UtcRange;
		const page = await cTraderRequest<TraderPage>(
			ctx,
			{
				path: '/webserv/traders',
				query: {
					from: formatCTraderTime(range.fromMs),
					to: formatCTraderTime(range.toMs),
					...(query.groupId ? { groupId: query.groupId } : {}),
				},
			},
			`list the traders registered from ${formatCTraderTime(range.fromMs)} to ${formatCTraderTime(range.toMs)} UTC`,
			policy,
		);
		const traders = Array.isArray(page?.trader) ? (page.trader as CTraderRecord[]) : [];
		if (page?.hasMore === true) {
			if (range.toMs <= range.fromMs) {
				throw new NodeOperationError(
					ctx.getNode(),
					`cTrader has more traders registered at ${formatCTraderTime(range.fromMs)} UTC than it returns in one answer, so the list would be incomplete`,
				);
			}
			const middle = range.fromMs + Math.floor((range.toMs - range.fromMs) / 2);
			pending.push({ fromMs: middle + 1, toMs: range.toMs }, { fromMs: range.fromMs, toMs: middle });
			continue;
		}
		const ordered = [...traders].sort(
			(a, b) => (timestampMs(a.registrationTimestamp) ?? 0) - (timestampMs(b.registrationTimestamp) ?? 0) || Number(a.login) - Number(b.login),
		);
		for (const trader of ordered) {
			const login = String(trader.login ?? '');
			if (login === '' || seen.has(login)) continue;
			seen.add(login);
			found.push(trader);
		}
	}
	return found.slice(0, limit);
}

export async function listTraderGroups(ctx: CTraderContext, policy: RetryPolicy): Promise<CTraderRecord[]> {
	const answer = await cTraderRequest<IDataObject>(ctx, { path: '/webserv/tradergroups' }, 'list the trader groups', policy);
	// [inference] `{"traderGroup": [...]}` by analogy with `{"trader": [...]}`; a bare array is accepted too.
	const groups = Array.isArray(answer) ? answer : answer?.traderGroup;
	return Array.isArray(groups) ? (groups as CTraderRecord[]) : [];
}

// ---------------------------------------------------------------------------------------------
// Closed positions

/**
 * Consecutive windows covering [fromMs, toMs], each at most `maxWindowMs` long. cTrader's bounds
 * are inclusive and take milliseconds, so each window starts 1 ms after the previous one ends: no
 * instant is asked twice, none is skipped.
 */
export function closedPositionWindows(fromMs: number, toMs: number, maxWindowMs = CLOSED_POSITIONS_MAX_WINDOW_MS): UtcRange[] {
	if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs)) throw new RangeError('the range must be whole milliseconds');
	if (toMs < fromMs) throw new RangeError('the range ends before it starts');
	if (!(maxWindowMs >= 1)) throw new RangeError('the window must be at least 1 ms');
	const windows: UtcRange[] = [];
	for (let start = fromMs; start <= toMs; ) {
		const end = Math.min(start + maxWindowMs, toMs);
		windows.push({ fromMs: start, toMs: end });
		start = end + 1;
	}
	return windows;
}

/**
 * The closed-position rows (one per closing deal) of one login or of all, closed in the range,
 * oldest first. Longer ranges are read in 2-day windows and stitched; a row is keyed by its login
 * and closing deal id, so a server that rounds the bounds to seconds cannot make a row at a seam
 * appear twice.
 */
export async function readClosedPositions(
	ctx: CTraderContext,
	query: UtcRange & { login?: string },
	policy: RetryPolicy,
): Promise<Array<Record<string, string>>> {
	const rows = new Map<string, Record<string, string>>();
	for (const window of closedPositionWindows(query.fromMs, query.toMs)) {
		const from = formatCTraderTime(window.fromMs);
		const to = formatCTraderTime(window.toMs);
		const csv = await cTraderRequest<unknown>(
			ctx,
			{ path: '/webserv/closedPositions', query: { from, to, ...(query.login ? { login: query.login } : {}) }, csv: true },
			`read the closed positions from ${from} to ${to} UTC`,
			policy,
		);
		const parsed = attempt(() => parseCsvRecords(typeof csv === 'string' ? csv : '', CLOSED_POSITION_REQUIRED_COLUMNS));
		if (!parsed.ok) {
			throw new NodeOperationError(ctx.getNode(), `cTrader's closed-positions report from ${from} to ${to} UTC could not be read: ${parsed.error.message}`);
		}
		for (const row of parsed.value) {
			const key = `${row.login}:${row.closingDealId}`;
			if (!rows.has(key)) rows.set(key, row);
		}
	}
	return [...rows.values()].sort(
		(a, b) => (timestampMs(a.closeTimestamp) ?? 0) - (timestampMs(b.closeTimestamp) ?? 0) || Number(a.closingDealId) - Number(b.closingDealId),
	);
}
