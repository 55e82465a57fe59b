/**
 * The fault matrix's bookkeeping: each case's outcome, the table printed at the end, and the JSON
 * written beside the runners' reports. An outcome is measured, never assumed: how many times the
 * money or account change happened, whether the event ended done or parked (review queue, alert,
 * or still held by the sender for a resend), and the error text ops were given.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Sandbox } from '../../sandbox';

/** A fault rule for the MT5 simulator's next matching calls. */
export type Mt5FaultRule = Parameters<Sandbox['mt5']['simulator']['faults']['add']>[0];

interface Mt5Call {
	method: 'GET' | 'POST';
	path: string;
}

/**
 * The MT5-side faults every money or account step faces, as [name, rule]: a 5xx burst, a timeout
 * after MT5 committed and a reset on the call that changes something (`write`), a 429 with
 * Retry-After and a lost session on the call made before it (`read`).
 */
export function mt5Faults(write: Mt5Call, read: Mt5Call): Array<[string, Mt5FaultRule]> {
	const name = (call: Mt5Call) => call.path.replace('/api/', '');
	return [
		[`MT5 5xx burst (503 ×2, ${name(write)})`, { fault: { kind: 'status', status: 503 }, ...write, times: 2 }],
		[`MT5 429 + Retry-After (${name(read)})`, { fault: { kind: 'rateLimit', retryAfterSeconds: 1 }, ...read, times: 1 }],
		[`MT5 timeout after commit (${name(write)})`, { fault: { kind: 'timeoutAfterCommit' }, ...write, times: 1 }],
		[`connection reset (${name(write)})`, { fault: { kind: 'reset' }, ...write, times: 1 }],
		[`MT5 session loss (${name(read)})`, { fault: { kind: 'sessionLoss' }, ...read, times: 1 }],
	];
}

/** A fault rule for the cTrader simulator's next matching calls. */
export type CTraderFaultRule = Parameters<Sandbox['ctrader']['simulator']['faults']['add']>[0];

/**
 * The same faults on cTrader's WebServices for one trader: the change (`changebalance`) and the
 * trader read made just before it; a "session loss" there is the manager token being dropped.
 */
export function ctraderFaults(login: number): Array<[string, CTraderFaultRule]> {
	const write = { method: 'POST', path: `/webserv/traders/${login}/changebalance` };
	const read = { method: 'GET', path: `/webserv/traders/${login}` };
	return [
		['cTrader 5xx burst (503 ×2, changebalance)', { fault: { kind: 'status', status: 503 }, ...write, times: 2 }],
		['cTrader 429 + Retry-After (trader read)', { fault: { kind: 'rateLimit', retryAfterSeconds: 1 }, ...read, times: 1 }],
		['cTrader timeout after commit (changebalance)', { fault: { kind: 'timeoutAfterCommit' }, ...write, times: 1 }],
		['cTrader connection reset (changebalance)', { fault: { kind: 'reset' }, ...write, times: 1 }],
		['cTrader token dropped (trader read)', { fault: { kind: 'sessionLoss' }, ...read, times: 1 }],
	];
}

export type Ending = 'done' | 'review' | 'alerted' | 'held by sender' | 'refused' | 'lost';

export interface CaseOutcome {
	template: string;
	fault: string;
	/** Times the change was applied beyond the one intended (0 is the only good answer). */
	duplicates: number;
	ending: Ending;
	/** The error ops (or the sender) saw; '' when the case ended done without one. */
	error: string;
}

const outcomes: CaseOutcome[] = [];

/** How long a case may take to end (done or parked). */
export const SETTLE_MS = 60_000;
/** A late duplicate run would start within this long after the first one finished. */
export const LATE_MS = 2_500;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `ended` until it tells how the event ended (or SETTLE_MS passed: lost), then waits LATE_MS
 * more so a late duplicate has time to show before anything is counted.
 */
export async function settleCase(ended: () => Promise<{ ending: Ending; error?: string } | undefined>): Promise<{ ending: Ending; error: string }> {
	const until = Date.now() + SETTLE_MS;
	let result: { ending: Ending; error: string } = { ending: 'lost', error: '' };
	while (Date.now() < until) {
		const found = await ended();
		if (found) {
			result = { ending: found.ending, error: found.error ?? '' };
			break;
		}
		await sleep(300);
	}
	await sleep(LATE_MS);
	return result;
}

/** What every case must show: no duplicate, an expected ending, and words (not a blank) when not done. */
export function expectSound(outcome: CaseOutcome, endings: Ending[] = ['done']): void {
	expect(outcome.duplicates).toBe(0);
	expect(endings).toContain(outcome.ending);
	if (outcome.ending !== 'done') expect(outcome.error).toMatch(/\w{4,}.*\w{4,}/);
}

export function record(outcome: CaseOutcome): CaseOutcome {
	outcomes.push(outcome);
	return outcome;
}

/** Prints the table of cases and totals, and writes it to .reports/faults-table.json. */
export function report(rootDir: string): void {
	const header = ['template', 'fault', 'duplicates', 'ending', 'error ops see'];
	const rows = outcomes.map((o) => [o.template, o.fault, String(o.duplicates), o.ending, o.error.length > 90 ? `${o.error.slice(0, 87)}...` : o.error]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	const lines = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
	const duplicates = outcomes.reduce((sum, o) => sum + o.duplicates, 0);
	const lost = outcomes.filter((o) => o.ending === 'lost').length;
	lines.push('', `cases: ${outcomes.length}, duplicates: ${duplicates}, lost: ${lost}`);
	console.log(`\nFault matrix\n${lines.join('\n')}\n`);
	const dir = join(rootDir, '.reports');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'faults-table.json'), `${JSON.stringify({ cases: outcomes.length, duplicates, lost, outcomes }, null, 2)}\n`);
}
