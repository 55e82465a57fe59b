/**
 * lib/health.ts: hourly buckets per integration over the last 24 UTC hours, the names ops see, and
 * the persistent-failure verdict with its thresholds; and that lib/http.ts records every call,
 * failure and retry into the buckets.
 */
import type { IN8nHttpFullResponse, INode } from 'n8n-workflow';

import { breakerSnapshot, resetBreakers } from '../../lib/circuitBreaker';
import {
	DEFAULT_ALERT_THRESHOLDS,
	HOUR_MS,
	hourlySeries,
	integrationHealth,
	integrationName,
	newAlertEpisodes,
	parseIntegrationKey,
	persistentFailureVerdict,
	recordHourly,
	resetAlertEpisodes,
	resetHourly,
	type HourlyBucket,
} from '../../lib/health';
import { httpCallStats, resetHttpCallStats, runWithRetry, type ResilientCall } from '../../lib/http';
import { DEFAULT_RETRY_POLICY } from '../../lib/retryOptions';

/** 2026-11-26 08:20:00 UTC */
const T0 = Date.UTC(2026, 10, 26, 8, 20, 0);
const KEY = 'praxisApi:cred-1:api.praxis.test';

beforeEach(() => {
	resetHourly();
	resetHttpCallStats();
	resetBreakers();
	resetAlertEpisodes();
});

const totals = (series: HourlyBucket[]) =>
	series.reduce((sum, b) => ({ calls: sum.calls + b.calls, failures: sum.failures + b.failures, retries: sum.retries + b.retries }), { calls: 0, failures: 0, retries: 0 });

describe('hourly buckets', () => {
	it('counts calls, failures and retries in the UTC hour they happened in', () => {
		recordHourly(KEY, 'calls', T0);
		recordHourly(KEY, 'calls', T0 + 60_000);
		recordHourly(KEY, 'failures', T0 + 60_000);
		recordHourly(KEY, 'retries', T0 + 120_000);

		const series = hourlySeries(KEY, T0);
		expect(series).toHaveLength(24);
		expect(series[23]).toEqual({ hourStartMs: Date.UTC(2026, 10, 26, 8), calls: 2, failures: 1, retries: 1 });
		expect(totals(series.slice(0, 23))).toEqual({ calls: 0, failures: 0, retries: 0 });
	});

	it('starts a new bucket when the hour rolls over, and the series moves with the clock', () => {
		const beforeNine = Date.UTC(2026, 10, 26, 8, 59, 59, 999);
		const nine = Date.UTC(2026, 10, 26, 9, 0, 0, 0);
		recordHourly(KEY, 'calls', beforeNine);
		recordHourly(KEY, 'calls', nine);
		recordHourly(KEY, 'calls', nine + 1);

		const series = hourlySeries(KEY, nine);
		expect(series[22]).toMatchObject({ hourStartMs: Date.UTC(2026, 10, 26, 8), calls: 1 });
		expect(series[23]).toMatchObject({ hourStartMs: nine, calls: 2 });
		expect(new Date(series[0].hourStartMs).toISOString()).toBe('2026-11-25T10:00:00.000Z');
	});

	it('keeps 24 hours: a call 24 hours old drops out of the series and out of memory', () => {
		recordHourly(KEY, 'calls', T0);
		recordHourly(KEY, 'failures', T0);
		const nextDay = T0 + 24 * HOUR_MS;
		expect(totals(hourlySeries(KEY, nextDay - HOUR_MS))).toEqual({ calls: 1, failures: 1, retries: 0 });
		expect(totals(hourlySeries(KEY, nextDay))).toEqual({ calls: 0, failures: 0, retries: 0 });

		// Recording 30 hours in a row keeps at most 24 buckets.
		for (let hour = 0; hour < 30; hour++) recordHourly(KEY, 'calls', nextDay + hour * HOUR_MS);
		const latest = hourlySeries(KEY, nextDay + 29 * HOUR_MS);
		expect(latest.map((b) => b.calls)).toEqual(Array<number>(24).fill(1));
	});

	it('keeps integrations apart', () => {
		recordHourly(KEY, 'calls', T0);
		recordHourly('metaTrader5Api:1015:mt5.test:443', 'calls', T0);
		recordHourly('metaTrader5Api:1015:mt5.test:443', 'calls', T0);
		expect(totals(hourlySeries(KEY, T0)).calls).toBe(1);
		expect(totals(hourlySeries('metaTrader5Api:1015:mt5.test:443', T0)).calls).toBe(2);
		expect(totals(hourlySeries('unknown:x:y', T0)).calls).toBe(0);
	});
});

describe('lib/http records into the hourly buckets', () => {
	const node = { name: 'Credit MT5 Account', type: 'n8n-nodes-brokerage.metaTrader5', typeVersion: 1, parameters: {}, id: 'n', position: [0, 0] } as INode;
	const call: ResilientCall = { node, key: 'metaTrader5Api:1015:127.0.0.1:8443', serviceName: 'MetaTrader 5', host: '127.0.0.1:8443', idempotent: true };
	const answer = (statusCode: number): IN8nHttpFullResponse => ({ statusCode, statusMessage: '', headers: {}, body: {} });

	it('counts one call with its retries and the failure, in the hour of the clock', async () => {
		const clock = { now: T0 };
		const deps = { random: () => 0, sleep: async () => {}, nowMs: () => clock.now };
		const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
		const statuses = [503, 503, 200];
		await runWithRetry(call, async () => answer(statuses.shift() as number), policy, {}, deps);
		clock.now = T0 + HOUR_MS;
		await expect(runWithRetry(call, async () => answer(503), policy, {}, deps)).rejects.toThrow(/did not answer successfully after 3 tries/);

		const series = hourlySeries(call.key, clock.now);
		expect(series[22]).toMatchObject({ calls: 1, failures: 0, retries: 2 });
		expect(series[23]).toMatchObject({ calls: 1, failures: 1, retries: 2 });
		expect(httpCallStats()[call.key]).toMatchObject({ calls: 2, failures: 1, retries: 4, lastSuccessAtMs: T0, lastFailureAtMs: T0 + HOUR_MS });
	});

	it('forgets the buckets with the counters', () => {
		recordHourly(call.key, 'calls', T0);
		resetHttpCallStats();
		expect(totals(hourlySeries(call.key, T0)).calls).toBe(0);
	});
});

describe('names', () => {
	it('names the integrations as ops know them', () => {
		expect(integrationName('praxisApi')).toBe('Praxis');
		expect(integrationName('metaTrader5Api')).toBe('MetaTrader 5');
		expect(integrationName('cTraderApi')).toBe('cTrader');
		expect(integrationName('googleAdsConversionsOAuth2Api')).toBe('Google Ads');
		expect(integrationName('acmePayApi')).toBe('Acme Pay');
	});

	it('splits a breaker key whose host has a port', () => {
		expect(parseIntegrationKey('metaTrader5Api:1015:mt5.broker.com:443')).toEqual({ credentialType: 'metaTrader5Api', credential: '1015', host: 'mt5.broker.com:443' });
		expect(parseIntegrationKey('praxisApi:abc:pay.praxis.test')).toEqual({ credentialType: 'praxisApi', credential: 'abc', host: 'pay.praxis.test' });
	});
});

describe('persistent-failure verdict', () => {
	const hours = (calls: number, failures: number): HourlyBucket[] => [
		...Array.from({ length: 23 }, (_, i) => ({ hourStartMs: i * HOUR_MS, calls: 100, failures: 100, retries: 0 })),
		{ hourStartMs: 23 * HOUR_MS, calls, failures, retries: 0 },
	];
	const healthy = { breakerState: 'closed' as const, consecutiveFailures: 0, hourly: hours(20, 0) };

	it('is quiet for a healthy integration', () => {
		expect(persistentFailureVerdict(healthy)).toEqual({ alert: false, reasons: [] });
	});

	it('alerts while the breaker is open or testing recovery, unless that check is off', () => {
		expect(persistentFailureVerdict({ ...healthy, breakerState: 'open' })).toEqual({ alert: true, reasons: ['calls are paused: the circuit breaker is open'] });
		expect(persistentFailureVerdict({ ...healthy, breakerState: 'halfOpen' }).alert).toBe(true);
		expect(persistentFailureVerdict({ ...healthy, breakerState: 'open' }, { ...DEFAULT_ALERT_THRESHOLDS, onOpenBreaker: false }).alert).toBe(false);
	});

	it('alerts at exactly the configured number of failed tries in a row', () => {
		const thresholds = { ...DEFAULT_ALERT_THRESHOLDS, consecutiveFailures: 3 };
		expect(persistentFailureVerdict({ ...healthy, consecutiveFailures: 2 }, thresholds).alert).toBe(false);
		expect(persistentFailureVerdict({ ...healthy, consecutiveFailures: 3 }, thresholds)).toEqual({ alert: true, reasons: ['3 tries in a row failed'] });
		expect(persistentFailureVerdict({ ...healthy, consecutiveFailures: 99 }, { ...thresholds, consecutiveFailures: 0 }).alert).toBe(false);
	});

	it('alerts on a failure rate at or over the threshold, over the window only, with enough calls', () => {
		const thresholds = { ...DEFAULT_ALERT_THRESHOLDS, failureRatePercent: 50, minCallsForRate: 10, rateWindowHours: 1 };
		expect(persistentFailureVerdict({ ...healthy, hourly: hours(10, 5) }, thresholds)).toEqual({ alert: true, reasons: ['50% of 10 calls failed this hour'] });
		expect(persistentFailureVerdict({ ...healthy, hourly: hours(10, 4) }, thresholds).alert).toBe(false);
		// 9 calls are too few to judge, however many failed; the 100 % hours before are outside the window.
		expect(persistentFailureVerdict({ ...healthy, hourly: hours(9, 9) }, thresholds).alert).toBe(false);
		// Widening the window to 2 hours takes in the previous hour's failures.
		expect(persistentFailureVerdict({ ...healthy, hourly: hours(9, 0) }, { ...thresholds, rateWindowHours: 2 }).reasons).toEqual(['92% of 109 calls failed the last 2 hours']);
	});
});

describe('one row per integration', () => {
	it('joins counters, breakers and buckets with names, UTC times and the verdict', () => {
		recordHourly(KEY, 'calls', T0);
		recordHourly(KEY, 'failures', T0);
		const rows = integrationHealth(
			{
				stats: { [KEY]: { calls: 1, failures: 1, retries: 0, lastSuccessAtMs: null, lastFailureAtMs: T0 } },
				breakers: {
					[KEY]: { state: 'open', consecutiveFailures: 5, openedAtMs: T0, pausedUntilMs: T0 + 30_000, lastFailureAtMs: T0 },
					'metaTrader5Api:1015:mt5.test:443': { state: 'closed', consecutiveFailures: 0, openedAtMs: null, pausedUntilMs: null, lastFailureAtMs: null },
				},
				series: hourlySeries,
			},
			DEFAULT_ALERT_THRESHOLDS,
			T0,
		);
		expect(rows.map((r) => r.integration)).toEqual(['MetaTrader 5', 'Praxis']);
		expect(rows[1]).toMatchObject({
			integration: 'Praxis',
			host: 'api.praxis.test',
			calls24h: 1,
			failures24h: 1,
			retries24h: 0,
			failureRatePercent24h: 100,
			breakerState: 'open',
			consecutiveFailures: 5,
			pausedUntil: '2026-11-26T08:20:30.000Z',
			lastSuccessAt: null,
			lastFailureAt: '2026-11-26T08:20:00.000Z',
			lastFailedTryAt: '2026-11-26T08:20:00.000Z',
			alert: true,
		});
		expect(rows[1].hourly[23]).toEqual({ hourStartUtc: '2026-11-26T08:00:00.000Z', calls: 1, failures: 1, retries: 0 });
		expect(rows[0]).toMatchObject({ calls24h: 0, failureRatePercent24h: null, alert: false });
		expect(breakerSnapshot()).toEqual({});
	});
});

describe('one alert per episode', () => {
	it('reports an integration when it starts failing, not while it keeps failing, and again after a recovery', () => {
		const failing = [{ key: KEY, alert: true }];
		expect([...newAlertEpisodes('workflow:a', failing)]).toEqual([KEY]);
		expect([...newAlertEpisodes('workflow:a', failing)]).toEqual([]);
		// Another workflow keeps its own memory.
		expect([...newAlertEpisodes('workflow:b', failing)]).toEqual([KEY]);
		expect([...newAlertEpisodes('workflow:a', [{ key: KEY, alert: false }])]).toEqual([]);
		expect([...newAlertEpisodes('workflow:a', failing)]).toEqual([KEY]);
	});
});
