/**
 * The Integration Health dashboard page: self-contained HTML whose table and charts show the
 * figures of each integration, escaped, and nothing a browser would fetch or run.
 */
import { DEFAULT_ALERT_THRESHOLDS, HOUR_MS, hourlySeries, integrationHealth, recordHourly, resetHourly, type IntegrationHealth } from '../../lib/health';
import { escapeHtml, hourlyChartSvg, renderDashboardHtml } from '../../nodes/IntegrationHealth/dashboard';

/** 2026-11-26 08:20:00 UTC */
const T0 = Date.UTC(2026, 10, 26, 8, 20, 0);
const MT5 = 'metaTrader5Api:1015:mt5.broker.test:443';
const PRAXIS = 'praxisApi:cred-1:pay.praxis.test';

function rows(): IntegrationHealth[] {
	resetHourly();
	for (let i = 0; i < 7; i++) recordHourly(MT5, 'calls', T0);
	recordHourly(MT5, 'failures', T0);
	recordHourly(MT5, 'retries', T0);
	recordHourly(MT5, 'retries', T0);
	recordHourly(MT5, 'calls', T0 - 3 * HOUR_MS);
	recordHourly(PRAXIS, 'calls', T0);
	return integrationHealth(
		{
			stats: {
				[MT5]: { calls: 8, failures: 1, retries: 2, lastSuccessAtMs: T0 - 5_000, lastFailureAtMs: T0 - 9_000 },
				[PRAXIS]: { calls: 1, failures: 0, retries: 0, lastSuccessAtMs: T0, lastFailureAtMs: null },
			},
			breakers: { [PRAXIS]: { state: 'open', consecutiveFailures: 5, openedAtMs: T0, pausedUntilMs: T0 + 30_000, lastFailureAtMs: T0 } },
			series: hourlySeries,
		},
		DEFAULT_ALERT_THRESHOLDS,
		T0,
	);
}

const page = (over: Partial<Parameters<typeof renderDashboardHtml>[0]> = {}) =>
	renderDashboardHtml({ title: 'Integration health', rows: rows(), reviewQueueSize: 4, generatedAtMs: T0, refreshSeconds: 60, ...over });

/** The text of a table cell of the row of `key`. */
function cell(html: string, key: string, field: string): string | undefined {
	const row = new RegExp(`<tr data-key="${key.replace(/[.]/g, '\\.')}"[^>]*>(.*?)</tr>`).exec(html)?.[1] ?? '';
	return new RegExp(`<td[^>]*data-field="${field}">(.*?)</td>`).exec(row)?.[1];
}
const cardValue = (html: string, card: string) => new RegExp(`data-card="${card}"><div class="value">([^<]*)<`).exec(html)?.[1];

describe('dashboard page', () => {
	it('shows each integration\'s 24-hour calls, failures, retries, breaker and last success in the table', () => {
		const html = page();
		expect(cell(html, MT5, 'integration')).toBe('MetaTrader 5');
		expect(cell(html, MT5, 'host')).toBe('mt5.broker.test:443');
		expect(cell(html, MT5, 'calls')).toBe('8');
		expect(cell(html, MT5, 'failures')).toBe('1');
		expect(cell(html, MT5, 'retries')).toBe('2');
		expect(cell(html, MT5, 'breaker')).toBe('not used yet');
		expect(cell(html, MT5, 'lastSuccess')).toBe('2026-11-26 08:19:55 UTC');
		expect(cell(html, PRAXIS, 'breaker')).toBe('OPEN (calls paused)');
		// Failed tries the breaker saw are not failed calls.
		expect(cell(html, PRAXIS, 'lastFailure')).toBe('never');
		expect(cell(html, MT5, 'lastFailure')).toBe('2026-11-26 08:19:51 UTC');
		expect(cell(html, PRAXIS, 'status')).toContain('Failing: calls are paused: the circuit breaker is open; 5 tries in a row failed');
		expect(cell(html, MT5, 'status')).toContain('OK');
	});

	it('sums the figures in the cards, with the review queue size it was given', () => {
		const html = page();
		expect(cardValue(html, 'calls')).toBe('9');
		expect(cardValue(html, 'failures')).toBe('1');
		expect(cardValue(html, 'retries')).toBe('2');
		expect(cardValue(html, 'openBreakers')).toBe('1');
		expect(cardValue(html, 'reviewQueue')).toBe('4');
		expect(cardValue(html, 'alerts')).toBe('1');
	});

	it('draws one chart per integration with a bar per hour that had calls, labelled in UTC', () => {
		const [mt5] = rows();
		const svg = hourlyChartSvg(mt5);
		expect(svg.match(/<rect [^>]*class="calls"/g)).toHaveLength(2);
		expect(svg.match(/<rect [^>]*class="failures"/g)).toHaveLength(1);
		expect(svg).toContain('<title>08:00 UTC: 7 calls, 1 failures, 2 retries</title>');
		expect(svg).toContain('<title>05:00 UTC: 1 calls, 0 failures, 0 retries</title>');
		expect(svg.match(/<polyline points="([^"]*)"/)?.[1].split(' ')).toHaveLength(24);
		// The tallest bar (7 calls) reaches the top of the plot; the 1-call bar is a seventh of it.
		const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)" class="calls"/g)].map((m) => Number(m[1]));
		expect(heights).toHaveLength(2);
		expect(heights[1] / heights[0]).toBeCloseTo(7, 1);
		expect(page().match(/<section class="panel[^"]*" data-chart=/g)).toHaveLength(2);
	});

	it('escapes every text it shows, so a hostile host or title cannot inject markup', () => {
		const [mt5] = rows();
		const hostile = { ...mt5, key: 'x:"><script>alert(1)</script>:h', integration: '<img src=x onerror=alert(1)>', host: 'a&b"<c>' };
		const html = renderDashboardHtml({ title: '</title><script>x()</script>', rows: [hostile], reviewQueueSize: 0, generatedAtMs: T0, refreshSeconds: 0 });
		expect(html).not.toMatch(/<script|<img/i);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(html).toContain('a&amp;b&quot;&lt;c&gt;');
		expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>');
		expect(escapeHtml(`'"&<>`)).toBe('&#39;&quot;&amp;&lt;&gt;');
	});

	it('shows numbers only as whole digits, whatever it is given', () => {
		const [mt5] = rows();
		const odd = { ...mt5, calls24h: Number.NaN, failures24h: '<b>3</b>' as unknown as number, retries24h: 2.6 };
		const html = renderDashboardHtml({ title: 't', rows: [odd], reviewQueueSize: '<i>' as unknown as number, generatedAtMs: T0, refreshSeconds: 0 });
		expect(cell(html, MT5, 'calls')).toBe('0');
		expect(cell(html, MT5, 'failures')).toBe('0');
		expect(cell(html, MT5, 'retries')).toBe('3');
		expect(cardValue(html, 'reviewQueue')).toBe('0');
	});

	it('is self-contained: no scripts, no external addresses, a CSP that forbids fetching', () => {
		const html = page();
		expect(html).toMatch(/^<!DOCTYPE html>/);
		expect(html).not.toMatch(/<script|<link|<iframe|<img|src=|href=|url\(|https?:\/\//i);
		expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
		expect(html).toContain('<meta http-equiv="refresh" content="60">');
		expect(page({ refreshSeconds: 0 })).not.toContain('http-equiv="refresh"');
	});

	it('says so when no integration has been called yet', () => {
		const html = renderDashboardHtml({ title: 'Integration health', rows: [], reviewQueueSize: 0, generatedAtMs: T0, refreshSeconds: 0 });
		expect(html).toContain('data-empty="true"');
		expect(html).not.toContain('<table');
		expect(cardValue(html, 'calls')).toBe('0');
	});
});
