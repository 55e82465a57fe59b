/**
 * The polling cursor of the cTrader Trigger, kept in the workflow's static data. cTrader's REST API
 * has no push (that is its protobuf Manager API), so the trigger reads by time: accounts by
 * registration time, trades by close time.
 *
 * Nothing missed: each poll reads from the previous poll's end minus an overlap, so a record that
 * became visible late (clock skew between n8n and cTrader, a report written after the fact) is
 * still inside a later window. Nothing twice: the ids emitted within the overlap are remembered and
 * skipped; an id is forgotten once its time falls before the start of every later window.
 */

export interface PollState {
	/** Which event the cursor belongs to; changing the event starts afresh. */
	event?: string;
	/** The end of the last poll's window, UTC milliseconds. */
	cursorMs?: number;
	/** Ids already emitted whose time is still inside the overlap, with that time. */
	seen?: Record<string, number>;
}

export interface Observed<T> {
	id: string;
	/** The record's own time (registration or close), UTC milliseconds. */
	timeMs: number;
	record: T;
}

/** The window to read now: from the last end minus the overlap, to now. Undefined on the first poll. */
export function pollWindow(state: PollState, event: string, nowMs: number, overlapMs: number): { fromMs: number; toMs: number } | undefined {
	if (state.event !== event || typeof state.cursorMs !== 'number') return undefined;
	return { fromMs: Math.min(state.cursorMs - overlapMs, nowMs), toMs: nowMs };
}

/**
 * Records the poll ending at `nowMs` and returns the records not emitted before, oldest first.
 * On the first poll for an event (no window) it only starts the cursor: what happened before the
 * workflow was activated is not replayed.
 */
export function advanceCursor<T>(state: PollState, event: string, observed: Array<Observed<T>>, nowMs: number, overlapMs: number): Array<Observed<T>> {
	if (state.event !== event || typeof state.cursorMs !== 'number') {
		state.event = event;
		state.cursorMs = nowMs;
		state.seen = {};
		return [];
	}
	const seen = { ...(state.seen ?? {}) };
	const fresh: Array<Observed<T>> = [];
	for (const entry of [...observed].sort((a, b) => a.timeMs - b.timeMs)) {
		if (entry.id in seen) continue;
		seen[entry.id] = entry.timeMs;
		fresh.push(entry);
	}
	const nextWindowStart = nowMs - overlapMs;
	for (const [id, timeMs] of Object.entries(seen)) if (timeMs < nextWindowStart) delete seen[id];
	state.cursorMs = Math.max(state.cursorMs, nowMs);
	state.seen = seen;
	return fresh;
}
