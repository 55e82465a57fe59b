/**
 * Integration health: hourly counts per integration for the last 24 hours, friendly names, and the
 * "persistent failure" verdict the dashboard and the alert share.
 *
 * Like the breakers and the call counters (lib/http.ts), the hourly buckets live at module level:
 * n8n loads the pack's modules once per process, so every node of every workflow records into the
 * same buckets and the Integration Health node reads them. They are per process and start empty
 * when n8n restarts (in queue mode each worker keeps its own).
 *
 * Only types are imported from lib/http.ts and lib/circuitBreaker.ts: lib/http.ts records into
 * this module, so a value import back would be a cycle.
 */
import type { BreakerSnapshot, BreakerState } from './circuitBreaker';
import type { IntegrationCallStats } from './http';

export const HOUR_MS = 3_600_000;
/** How many UTC hours of history each integration keeps (the current hour included). */
export const HISTORY_HOURS = 24;

export type HourlyCounter = 'calls' | 'failures' | 'retries';

export interface HourlyBucket {
	/** The start of the UTC hour, ms since the epoch. */
	hourStartMs: number;
	calls: number;
	failures: number;
	retries: number;
}

/** Per integration key, oldest first, at most HISTORY_HOURS buckets, only hours that saw a call. */
const hourly = new Map<string, HourlyBucket[]>();

export function hourStartOf(ms: number): number {
	return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Counts one call, failure or retry in the UTC hour of `atMs`, dropping hours older than 24. */
export function recordHourly(key: string, counter: HourlyCounter, atMs: number): void {
	const hourStartMs = hourStartOf(atMs);
	const oldestKeptMs = hourStartMs - (HISTORY_HOURS - 1) * HOUR_MS;
	let buckets = hourly.get(key);
	if (!buckets) {
		buckets = [];
		hourly.set(key, buckets);
	}
	let bucket = buckets.find((b) => b.hourStartMs === hourStartMs);
	if (!bucket) {
		// A clock set back by more than a day has nowhere to go; better lost than kept forever.
		if (buckets.length && hourStartMs < buckets[0].hourStartMs - (HISTORY_HOURS - 1) * HOUR_MS) return;
		bucket = { hourStartMs, calls: 0, failures: 0, retries: 0 };
		buckets.push(bucket);
		buckets.sort((a, b) => a.hourStartMs - b.hourStartMs);
	}
	bucket[counter]++;
	while (buckets.length && buckets[0].hourStartMs < oldestKeptMs) buckets.shift();
	while (buckets.length > HISTORY_HOURS) buckets.shift();
}

/**
 * The last 24 UTC hours of one integration, oldest first, ending with the hour of `nowMs`: always
 * 24 buckets, hours without calls as zeros.
 */
export function hourlySeries(key: string, nowMs: number): HourlyBucket[] {
	const currentMs = hourStartOf(nowMs);
	const stored = new Map((hourly.get(key) ?? []).map((b) => [b.hourStartMs, b]));
	const series: HourlyBucket[] = [];
	for (let back = HISTORY_HOURS - 1; back >= 0; back--) {
		const hourStartMs = currentMs - back * HOUR_MS;
		const bucket = stored.get(hourStartMs);
		series.push(bucket ? { ...bucket } : { hourStartMs, calls: 0, failures: 0, retries: 0 });
	}
	return series;
}

/** Integration keys with any hourly history. */
export function hourlyKeys(): string[] {
	return [...hourly.keys()];
}

export function resetHourly(): void {
	hourly.clear();
}

// ---------------------------------------------------------------------------------------------
// Names.

const INTEGRATION_NAMES: Record<string, string> = {
	metaTrader5Api: 'MetaTrader 5',
	cTraderApi: 'cTrader',
	praxisApi: 'Praxis',
	coinsPaidApi: 'CoinsPaid',
	sumsubApi: 'Sumsub',
	onfidoApi: 'Onfido',
	metaConversionsApi: 'Meta Conversions',
	googleAdsConversionsOAuth2Api: 'Google Ads',
};

/** "praxisApi" → "Praxis"; an unknown type is spelt out from its camel case ("acmePayApi" → "Acme Pay"). */
export function integrationName(credentialType: string): string {
	const known = INTEGRATION_NAMES[credentialType];
	if (known) return known;
	const words = credentialType
		.replace(/(OAuth2)?Api$/, '')
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.trim();
	return words ? words.charAt(0).toUpperCase() + words.slice(1) : credentialType;
}

export interface IntegrationKeyParts {
	credentialType: string;
	/** The credential's id (for MetaTrader 5, the manager login). */
	credential: string;
	/** host[:port] */
	host: string;
}

/** Splits a breaker key (`credentialType:credential:host`); the host may carry a ":port". */
export function parseIntegrationKey(key: string): IntegrationKeyParts {
	const first = key.indexOf(':');
	const second = first < 0 ? -1 : key.indexOf(':', first + 1);
	if (first < 0 || second < 0) return { credentialType: key, credential: '', host: '' };
	return { credentialType: key.slice(0, first), credential: key.slice(first + 1, second), host: key.slice(second + 1) };
}

// ---------------------------------------------------------------------------------------------
// The verdict.

export interface AlertThresholds {
	/** Alert while the circuit breaker is open or testing whether the vendor has recovered. */
	onOpenBreaker: boolean;
	/** Alert at this many failed tries in a row (0 turns it off). */
	consecutiveFailures: number;
	/** Alert when at least this share of calls failed in the window (0 turns it off). */
	failureRatePercent: number;
	/** The window for the failure rate, in whole UTC hours counting the current one. */
	rateWindowHours: number;
	/** Fewer calls than this in the window say too little for a rate. */
	minCallsForRate: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
	onOpenBreaker: true,
	consecutiveFailures: 5,
	failureRatePercent: 50,
	rateWindowHours: 1,
	minCallsForRate: 10,
});

export interface Verdict {
	alert: boolean;
	/** Each reason that holds, in plain words. */
	reasons: string[];
}

export interface VerdictInput {
	breakerState: BreakerState | 'none';
	consecutiveFailures: number;
	/** Oldest first, ending with the current hour (see hourlySeries). */
	hourly: HourlyBucket[];
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

/** Whether an integration is failing persistently, by any of the thresholds that are on. */
export function persistentFailureVerdict(input: VerdictInput, thresholds: AlertThresholds = DEFAULT_ALERT_THRESHOLDS): Verdict {
	const reasons: string[] = [];
	if (thresholds.onOpenBreaker && input.breakerState === 'open') {
		reasons.push('calls are paused: the circuit breaker is open');
	} else if (thresholds.onOpenBreaker && input.breakerState === 'halfOpen') {
		reasons.push('the circuit breaker is open and waiting for a test call to succeed');
	}
	if (thresholds.consecutiveFailures > 0 && input.consecutiveFailures >= thresholds.consecutiveFailures) {
		reasons.push(`${plural(input.consecutiveFailures, 'try', 'tries')} in a row failed`);
	}
	if (thresholds.failureRatePercent > 0) {
		const window = input.hourly.slice(-Math.max(1, Math.floor(thresholds.rateWindowHours)));
		const calls = window.reduce((sum, b) => sum + b.calls, 0);
		const failures = window.reduce((sum, b) => sum + b.failures, 0);
		// Integer arithmetic: 5 of 10 is exactly 50 %, whatever floating point makes of 0.5 * 100.
		if (calls > 0 && calls >= thresholds.minCallsForRate && failures * 100 >= thresholds.failureRatePercent * calls) {
			const hours = window.length === 1 ? 'this hour' : `the last ${window.length} hours`;
			reasons.push(`${Math.round((failures * 100) / calls)}% of ${plural(calls, 'call', 'calls')} failed ${hours}`);
		}
	}
	return { alert: reasons.length > 0, reasons };
}

// ---------------------------------------------------------------------------------------------
// One row per integration.

export interface HourlyPoint {
	/** UTC ISO, e.g. 2026-11-26T08:00:00.000Z */
	hourStartUtc: string;
	calls: number;
	failures: number;
	retries: number;
}

export interface IntegrationHealth {
	key: string;
	integration: string;
	host: string;
	credential: string;
	credentialType: string;
	calls24h: number;
	failures24h: number;
	retries24h: number;
	/** Whole per cent; null without calls. */
	failureRatePercent24h: number | null;
	breakerState: BreakerState | 'none';
	/** Failed tries in a row (what opens the breaker). */
	consecutiveFailures: number;
	/** While the breaker is open: when it lets a test call through (UTC ISO). */
	pausedUntil: string | null;
	lastSuccessAt: string | null;
	/** The last call that ended in an error (after its retries). */
	lastFailureAt: string | null;
	/** The last failed try, retried or not (what the breaker counts). */
	lastFailedTryAt: string | null;
	/** 24 UTC hours, oldest first, ending with the current hour. */
	hourly: HourlyPoint[];
	alert: boolean;
	alertReasons: string[];
}

export interface HealthSources {
	stats: Record<string, IntegrationCallStats>;
	breakers: Record<string, BreakerSnapshot>;
	/** The 24-hour series of one key (hourlySeries). */
	series: (key: string, nowMs: number) => HourlyBucket[];
	/** Keys with hourly history (hourlyKeys), so an integration shows even without other figures. */
	seriesKeys?: string[];
}

function iso(ms: number | null | undefined): string | null {
	return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Every integration that made a call or has a breaker, sorted by name and host. */
export function integrationHealth(sources: HealthSources, thresholds: AlertThresholds, nowMs: number): IntegrationHealth[] {
	const keys = [...new Set([...Object.keys(sources.stats), ...Object.keys(sources.breakers), ...(sources.seriesKeys ?? [])])];
	const rows = keys.map((key): IntegrationHealth => {
		const parts = parseIntegrationKey(key);
		const stats = sources.stats[key];
		const breaker = sources.breakers[key];
		const series = sources.series(key, nowMs);
		const calls24h = series.reduce((sum, b) => sum + b.calls, 0);
		const failures24h = series.reduce((sum, b) => sum + b.failures, 0);
		const retries24h = series.reduce((sum, b) => sum + b.retries, 0);
		const breakerState = breaker?.state ?? 'none';
		const consecutiveFailures = breaker?.consecutiveFailures ?? 0;
		const verdict = persistentFailureVerdict({ breakerState, consecutiveFailures, hourly: series }, thresholds);
		return {
			key,
			integration: integrationName(parts.credentialType),
			host: parts.host,
			credential: parts.credential,
			credentialType: parts.credentialType,
			calls24h,
			failures24h,
			retries24h,
			failureRatePercent24h: calls24h ? Math.round((failures24h * 100) / calls24h) : null,
			breakerState,
			consecutiveFailures,
			pausedUntil: iso(breaker?.pausedUntilMs),
			lastSuccessAt: iso(stats?.lastSuccessAtMs),
			lastFailureAt: iso(stats?.lastFailureAtMs),
			lastFailedTryAt: iso(breaker?.lastFailureAtMs),
			hourly: series.map((b) => ({ hourStartUtc: iso(b.hourStartMs) as string, calls: b.calls, failures: b.failures, retries: b.retries })),
			alert: verdict.alert,
			alertReasons: verdict.reasons,
		};
	});
	return rows.sort((a, b) => a.integration.localeCompare(b.integration) || a.host.localeCompare(b.host) || a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------------------------
// One alert per episode.

/** Per scope (e.g. a workflow), the integrations already alerted about in their current episode. */
const alerted = new Map<string, Set<string>>();

/**
 * The keys whose persistent failure began since the last check in `scope`: an integration is
 * reported once when its verdict turns to alert, and again only after it has recovered (a check
 * that found it healthy) and failed anew. In memory, like the figures it judges.
 */
export function newAlertEpisodes(scope: string, rows: Array<Pick<IntegrationHealth, 'key' | 'alert'>>): Set<string> {
	const before = alerted.get(scope) ?? new Set<string>();
	const now = new Set(rows.filter((row) => row.alert).map((row) => row.key));
	alerted.set(scope, now);
	return new Set([...now].filter((key) => !before.has(key)));
}

export function resetAlertEpisodes(): void {
	alerted.clear();
}
