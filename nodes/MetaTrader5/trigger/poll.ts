/**
 * What the MT5 Trigger does on each poll. The Web API has no push channel (reference/trading.md
 * §1.7), so new events are found by time window. The cursor lives in the workflow's static data:
 * - deals and accounts: the server time read up to, minus an overlap on the next poll (a deal can be
 *   booked with a time slightly in the past), plus the tickets/logins already emitted inside the
 *   overlap, so across polls nothing is missed and nothing is emitted twice;
 * - margin level: which accounts are below the threshold now, so an account fires once when it
 *   falls below and again only after it recovered.
 * The first poll after activation starts from "now": history is not replayed into the workflow.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { compareDecimal, isZero } from '../../../lib/money';
import type { RetryPolicy } from '../../../lib/retryOptions';
import { BALANCE_OPERATION_KINDS, toAccountFigures, toDeal, toTradingAccount, type Mt5Record } from '../actions/mappers';
import { mt5Request, mt5ServerNow, mt5ServerZone } from '../transport';

export type TriggerEvent = 'balanceOperation' | 'closedTrade' | 'newAccount' | 'marginCall';

export interface PollSettings {
	event: TriggerEvent;
	groups: string;
	marginLevelThreshold: number;
	overlapSeconds: number;
	includeRaw: boolean;
	policy: RetryPolicy;
	/** A test run from the editor: show recent examples, keep no cursor. */
	manual: boolean;
	state: IDataObject;
}

interface WindowCursor {
	/** Server epoch seconds read up to. */
	until: number;
	/** Emitted ids → their server time, kept while inside the overlap. */
	seen: Record<string, number>;
}

/** How far back a test run from the editor looks for examples, and how many it shows. */
const MANUAL_LOOKBACK_SECONDS = 7 * 86_400;
const MANUAL_SAMPLE = 5;

function recordsOf(answer: unknown): Mt5Record[] {
	return Array.isArray(answer) ? (answer as Mt5Record[]) : [];
}

/** Emits what is new in [from, to] and moves the cursor; ids seen inside the overlap are skipped. */
function takeNew<T>(
	settings: PollSettings,
	cursorName: string,
	now: number,
	records: Array<{ id: string; time: number; item: T }>,
): T[] {
	const sorted = [...records].sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
	if (settings.manual) return sorted.slice(-MANUAL_SAMPLE).map((r) => r.item);
	const cursor = settings.state[cursorName] as WindowCursor | undefined;
	const fresh = cursor ? sorted.filter((r) => r.time > cursor.until - settings.overlapSeconds && !(r.id in cursor.seen)) : [];
	const keepFrom = now - settings.overlapSeconds;
	const seen: Record<string, number> = {};
	for (const [id, time] of Object.entries(cursor?.seen ?? {})) if (time >= keepFrom) seen[id] = time;
	for (const record of sorted) if (record.time >= keepFrom) seen[record.id] = record.time;
	settings.state[cursorName] = { until: now, seen } satisfies WindowCursor;
	return fresh.map((r) => r.item);
}

function windowStart(settings: PollSettings, cursorName: string, now: number): number {
	if (settings.manual) return now - MANUAL_LOOKBACK_SECONDS;
	const cursor = settings.state[cursorName] as WindowCursor | undefined;
	// The first poll only sets the cursor; a short window keeps that call cheap.
	return (cursor?.until ?? now) - settings.overlapSeconds;
}

async function pollDeals(ctx: IPollFunctions, settings: PollSettings): Promise<IDataObject[]> {
	const zone = await mt5ServerZone(ctx);
	const now = await mt5ServerNow(ctx);
	const from = windowStart(settings, settings.event, now);
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/deal/get_batch', query: { group: settings.groups, from, to: now + 60 }, idempotent: true },
		`read the deals of groups ${settings.groups}`,
		settings.policy,
	);
	const wanted = recordsOf(answer)
		.map((record) => ({ record, deal: toDeal(record, zone, { includeRaw: settings.includeRaw }) }))
		.filter(({ deal }) =>
			settings.event === 'balanceOperation'
				? BALANCE_OPERATION_KINDS.has(deal.kind)
				: deal.kind === 'trade' && deal.entry !== undefined && deal.entry !== 'in',
		);
	return takeNew(
		settings,
		settings.event,
		now,
		wanted.map(({ record, deal }) => ({ id: deal.dealId, time: Number(record.Time), item: deal as unknown as IDataObject })),
	);
}

async function pollNewAccounts(ctx: IPollFunctions, settings: PollSettings): Promise<IDataObject[]> {
	const zone = await mt5ServerZone(ctx);
	const now = await mt5ServerNow(ctx);
	const from = windowStart(settings, 'newAccount', now);
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/user/get_batch', query: { group: settings.groups }, idempotent: true },
		`read the accounts of groups ${settings.groups}`,
		settings.policy,
	);
	const recent = recordsOf(answer).filter((user) => Number(user.Registration) >= from);
	return takeNew(
		settings,
		'newAccount',
		now,
		recent.map((user) => ({
			id: String(user.Login),
			time: Number(user.Registration),
			item: toTradingAccount(user, undefined, zone, { includeRaw: settings.includeRaw }) as unknown as IDataObject,
		})),
	);
}

async function pollMarginLevels(ctx: IPollFunctions, settings: PollSettings): Promise<IDataObject[]> {
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/user/account/get_batch', query: { group: settings.groups }, idempotent: true },
		`read the margin of groups ${settings.groups}`,
		settings.policy,
	);
	const threshold = String(settings.marginLevelThreshold);
	const below = (settings.state.below as Record<string, true> | undefined) ?? {};
	const nowBelow: Record<string, true> = {};
	const fired: IDataObject[] = [];
	for (const record of recordsOf(answer)) {
		const figures = toAccountFigures(record, { includeRaw: settings.includeRaw });
		const level = figures.marginLevelPercent;
		// No margin in use means no margin level: nothing to watch.
		if (level === undefined || isZero(level) || compareDecimal(level, threshold) >= 0) continue;
		nowBelow[figures.login] = true;
		if (settings.manual || !below[figures.login]) {
			fired.push({ ...figures, event: 'marginLevelBelowThreshold', thresholdPercent: threshold } as unknown as IDataObject);
		}
	}
	if (!settings.manual) settings.state.below = nowBelow;
	return fired;
}

export async function pollEvents(ctx: IPollFunctions, settings: PollSettings): Promise<IDataObject[]> {
	switch (settings.event) {
		case 'balanceOperation':
		case 'closedTrade':
			return await pollDeals(ctx, settings);
		case 'newAccount':
			return await pollNewAccounts(ctx, settings);
		case 'marginCall':
			return await pollMarginLevels(ctx, settings);
	}
}
