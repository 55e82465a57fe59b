import { closedPositionWindows, CLOSED_POSITIONS_MAX_WINDOW_MS } from '../../nodes/CTrader/transport/reports';
import { advanceCursor, pollWindow, type PollState } from '../../nodes/CTrader/trigger/cursor';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2024, 2, 4);

describe('closed-positions windows', () => {
	it('covers a 5-day range with three windows of at most 2 days, each starting 1 ms after the previous ends', () => {
		expect(closedPositionWindows(T0, T0 + 5 * DAY)).toEqual([
			{ fromMs: T0, toMs: T0 + 2 * DAY },
			{ fromMs: T0 + 2 * DAY + 1, toMs: T0 + 4 * DAY + 1 },
			{ fromMs: T0 + 4 * DAY + 2, toMs: T0 + 5 * DAY },
		]);
	});

	it('leaves no millisecond out and asks none twice', () => {
		const windows = closedPositionWindows(T0, T0 + 17 * DAY + 12345);
		expect(windows[0].fromMs).toBe(T0);
		expect(windows.at(-1)?.toMs).toBe(T0 + 17 * DAY + 12345);
		for (let i = 1; i < windows.length; i++) expect(windows[i].fromMs).toBe(windows[i - 1].toMs + 1);
		for (const window of windows) expect(window.toMs - window.fromMs).toBeLessThanOrEqual(CLOSED_POSITIONS_MAX_WINDOW_MS);
	});

	it('uses one window for a range of exactly two days, and for a single instant', () => {
		expect(closedPositionWindows(T0, T0 + 2 * DAY)).toHaveLength(1);
		expect(closedPositionWindows(T0, T0)).toEqual([{ fromMs: T0, toMs: T0 }]);
	});

	it('refuses a range that ends before it starts', () => {
		expect(() => closedPositionWindows(T0, T0 - 1)).toThrow('the range ends before it starts');
	});
});

describe('the trigger cursor', () => {
	const MINUTE = 60_000;
	const entry = (id: string, timeMs: number) => ({ id, timeMs, record: { id } });

	it('starts at the first poll without replaying what happened before activation', () => {
		const state: PollState = {};
		expect(pollWindow(state, 'closedTrade', T0, 10 * MINUTE)).toBeUndefined();
		expect(advanceCursor(state, 'closedTrade', [entry('a', T0 - MINUTE)], T0, 10 * MINUTE)).toEqual([]);
		expect(state).toEqual({ event: 'closedTrade', cursorMs: T0, seen: {} });
	});

	it('reads from the previous end minus the overlap, and emits an id seen in the overlap only once', () => {
		const state: PollState = { event: 'closedTrade', cursorMs: T0, seen: {} };
		expect(pollWindow(state, 'closedTrade', T0 + 5 * MINUTE, 10 * MINUTE)).toEqual({ fromMs: T0 - 10 * MINUTE, toMs: T0 + 5 * MINUTE });

		const first = advanceCursor(state, 'closedTrade', [entry('b', T0 + 2 * MINUTE), entry('a', T0 + MINUTE)], T0 + 5 * MINUTE, 10 * MINUTE);
		expect(first.map((e) => e.id)).toEqual(['a', 'b']);
		// The next window overlaps the last one: a and b come back, plus a late c from inside the overlap.
		const second = advanceCursor(
			state,
			'closedTrade',
			[entry('a', T0 + MINUTE), entry('b', T0 + 2 * MINUTE), entry('c', T0 + 3 * MINUTE)],
			T0 + 10 * MINUTE,
			10 * MINUTE,
		);
		expect(second.map((e) => e.id)).toEqual(['c']);
	});

	it('forgets ids once they fall before the start of every later window', () => {
		const state: PollState = { event: 'newAccount', cursorMs: T0, seen: {} };
		advanceCursor(state, 'newAccount', [entry('old', T0 - MINUTE), entry('recent', T0 + 9 * MINUTE)], T0 + 10 * MINUTE, 5 * MINUTE);
		expect(Object.keys(state.seen ?? {})).toEqual(['recent']);
	});

	it('starts afresh when the event is changed', () => {
		const state: PollState = { event: 'newAccount', cursorMs: T0, seen: { x: T0 } };
		expect(advanceCursor(state, 'closedTrade', [entry('y', T0)], T0 + MINUTE, MINUTE)).toEqual([]);
		expect(state).toEqual({ event: 'closedTrade', cursorMs: T0 + MINUTE, seen: {} });
	});
});
