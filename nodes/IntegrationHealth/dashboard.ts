/**
 * The health dashboard as one self-contained HTML page: inline CSS and inline SVG charts, no
 * scripts and no external assets, so it renders behind n8n's webhook sandbox (a CSP `sandbox`
 * header) and in a mail client or a headless browser alike. Every value is escaped.
 */
import type { IntegrationHealth } from '../../lib/health';

export interface DashboardInput {
	title: string;
	rows: IntegrationHealth[];
	/** Open items in the review queue. */
	reviewQueueSize: number;
	generatedAtMs: number;
	/** Reload the page every N seconds; 0 = never. */
	refreshSeconds: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
	return String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** A count as whole digits; anything that is not a finite number shows as 0. */
function count(value: unknown): string {
	const number = typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0;
	return String(number);
}

/** "2026-11-26 08:15:03 UTC", or "never". */
function utc(iso: string | null): string {
	if (!iso) return 'never';
	const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(iso);
	return match ? `${match[1]} ${match[2]} UTC` : escapeHtml(iso);
}

const BREAKER_WORDS: Record<string, string> = {
	closed: 'closed (calls flow)',
	open: 'OPEN (calls paused)',
	halfOpen: 'testing recovery',
	none: 'not used yet',
};

const CHART = { width: 720, height: 170, left: 40, right: 10, top: 12, bottom: 26 };

/** Calls (blue) and failures (red) as bars, retries (orange) as a line, per UTC hour. */
export function hourlyChartSvg(row: Pick<IntegrationHealth, 'integration' | 'host' | 'hourly'>): string {
	const plotWidth = CHART.width - CHART.left - CHART.right;
	const plotHeight = CHART.height - CHART.top - CHART.bottom;
	const hours = row.hourly;
	const max = Math.max(1, ...hours.map((h) => Math.max(h.calls, h.failures, h.retries)));
	const slot = plotWidth / Math.max(1, hours.length);
	const y = (value: number) => CHART.top + plotHeight - (value / max) * plotHeight;
	const parts: string[] = [];
	parts.push(
		`<line x1="${CHART.left}" y1="${y(0)}" x2="${CHART.width - CHART.right}" y2="${y(0)}" class="axis"/>`,
		`<text x="${CHART.left - 6}" y="${y(max) + 4}" class="tick" text-anchor="end">${count(max)}</text>`,
		`<text x="${CHART.left - 6}" y="${y(0) + 4}" class="tick" text-anchor="end">0</text>`,
	);
	const retryPoints: string[] = [];
	hours.forEach((hour, index) => {
		const x = CHART.left + index * slot;
		const barWidth = Math.max(1, slot - 4);
		const label = `${hour.hourStartUtc.slice(11, 16)} UTC: ${count(hour.calls)} calls, ${count(hour.failures)} failures, ${count(hour.retries)} retries`;
		parts.push(`<g><title>${escapeHtml(label)}</title>`);
		if (hour.calls > 0) {
			parts.push(`<rect x="${(x + 2).toFixed(1)}" y="${y(hour.calls).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(0) - y(hour.calls)).toFixed(1)}" class="calls"/>`);
		}
		if (hour.failures > 0) {
			parts.push(`<rect x="${(x + 2).toFixed(1)}" y="${y(hour.failures).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(0) - y(hour.failures)).toFixed(1)}" class="failures"/>`);
		}
		parts.push('</g>');
		retryPoints.push(`${(x + slot / 2).toFixed(1)},${y(hour.retries).toFixed(1)}`);
		if (index % 6 === 0 || index === hours.length - 1) {
			parts.push(`<text x="${(x + slot / 2).toFixed(1)}" y="${CHART.height - 8}" class="tick" text-anchor="middle">${escapeHtml(hour.hourStartUtc.slice(11, 16))}</text>`);
		}
	});
	if (retryPoints.length) parts.push(`<polyline points="${retryPoints.join(' ')}" class="retries"/>`);
	const name = `${row.integration} at ${row.host}`;
	return (
		`<svg viewBox="0 0 ${CHART.width} ${CHART.height}" width="100%" role="img" aria-label="${escapeHtml(`Calls, failures and retries per hour over the last 24 hours: ${name}`)}">` +
		parts.join('') +
		'</svg>'
	);
}

const STYLE = `
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#1f2328;background:#f6f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0 0 6px}
.note{color:#57606a;font-size:13px;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:20px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:120px}
.card .value{font-size:24px;font-weight:600}.card .label{font-size:12px;color:#57606a}
.card.bad{border-color:#cf222e}.card.bad .value{color:#cf222e}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de;margin-bottom:20px;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d8dee4}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.alert td{background:#ffebe9}
.status-ok{color:#1a7f37;font-weight:600}.status-alert{color:#cf222e;font-weight:600}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;margin-bottom:16px}
.panel.alert{border-color:#cf222e}
.legend span{display:inline-block;margin-right:14px;font-size:12px;color:#57606a}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
svg .axis{stroke:#8c959f;stroke-width:1}svg .tick{font-size:11px;fill:#57606a}
svg .calls{fill:#54aeff}svg .failures{fill:#cf222e}svg .retries{fill:none;stroke:#bc4c00;stroke-width:2}
.muted{color:#57606a}
`;

function card(label: string, value: string, bad: boolean, field: string): string {
	return `<div class="card${bad ? ' bad' : ''}" data-card="${field}"><div class="value">${value}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

function tableRow(row: IntegrationHealth): string {
	const status = row.alert
		? `<span class="status-alert">Failing: ${escapeHtml(row.alertReasons.join('; '))}</span>`
		: '<span class="status-ok">OK</span>';
	return (
		`<tr data-key="${escapeHtml(row.key)}"${row.alert ? ' class="alert"' : ''}>` +
		`<td data-field="integration">${escapeHtml(row.integration)}</td>` +
		`<td data-field="host">${escapeHtml(row.host)}</td>` +
		`<td class="num" data-field="calls">${count(row.calls24h)}</td>` +
		`<td class="num" data-field="failures">${count(row.failures24h)}</td>` +
		`<td class="num" data-field="retries">${count(row.retries24h)}</td>` +
		`<td data-field="breaker">${escapeHtml(BREAKER_WORDS[row.breakerState] ?? row.breakerState)}</td>` +
		`<td data-field="lastSuccess">${utc(row.lastSuccessAt)}</td>` +
		`<td data-field="lastFailure">${utc(row.lastFailureAt)}</td>` +
		`<td data-field="status">${status}</td>` +
		'</tr>'
	);
}

function panel(row: IntegrationHealth): string {
	return (
		`<section class="panel${row.alert ? ' alert' : ''}" data-chart="${escapeHtml(row.key)}">` +
		`<h2>${escapeHtml(row.integration)} <span class="muted">${escapeHtml(row.host)}</span></h2>` +
		hourlyChartSvg(row) +
		'</section>'
	);
}

export function renderDashboardHtml(input: DashboardInput): string {
	const rows = input.rows;
	const total = (pick: (row: IntegrationHealth) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
	const openBreakers = rows.filter((row) => row.breakerState === 'open' || row.breakerState === 'halfOpen').length;
	const alerts = rows.filter((row) => row.alert).length;
	const generated = utc(new Date(input.generatedAtMs).toISOString());
	const refresh = input.refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${count(input.refreshSeconds)}">` : '';
	const cards = [
		card('Calls, last 24 h', count(total((r) => r.calls24h)), false, 'calls'),
		card('Failures, last 24 h', count(total((r) => r.failures24h)), total((r) => r.failures24h) > 0, 'failures'),
		card('Retries, last 24 h', count(total((r) => r.retries24h)), false, 'retries'),
		card('Open circuit breakers', count(openBreakers), openBreakers > 0, 'openBreakers'),
		card('Review queue (open items)', count(input.reviewQueueSize), input.reviewQueueSize > 0, 'reviewQueue'),
		card('Failing persistently', count(alerts), alerts > 0, 'alerts'),
	].join('');
	const body = rows.length
		? '<table><thead><tr><th>Integration</th><th>Host</th><th>Calls (24 h)</th><th>Failures</th><th>Retries</th>' +
			'<th>Circuit breaker</th><th>Last success</th><th>Last failure</th><th>Status</th></tr></thead><tbody>' +
			rows.map(tableRow).join('') +
			'</tbody></table>' +
			'<div class="legend"><span><i style="background:#54aeff"></i>calls</span><span><i style="background:#cf222e"></i>failures</span>' +
			'<span><i style="background:#bc4c00"></i>retries</span><span>per UTC hour, last 24 hours</span></div>' +
			rows.map(panel).join('')
		: '<p class="panel" data-empty="true">No calls to any integration since n8n started. Figures appear after the first workflow run that calls MetaTrader 5, cTrader, a PSP, a KYC vendor or an ad platform.</p>';
	return (
		'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
		'<meta name="viewport" content="width=device-width, initial-scale=1">' +
		refresh +
		`<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>` +
		`<h1>${escapeHtml(input.title)}</h1>` +
		`<p class="note">Generated ${generated}. Figures are for this n8n process since it started (at most the last 24 hours) and start again from zero when n8n restarts.</p>` +
		`<div class="cards">${cards}</div>` +
		body +
		'</body></html>'
	);
}
