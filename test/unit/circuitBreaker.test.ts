import {
	CircuitBreaker,
	breakerKey,
	breakerSnapshot,
	getBreaker,
	resetBreakers,
} from '../../lib/circuitBreaker';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function breakerWithClock(failureThreshold = 3, openMs = 30_000) {
	const clock = { now: T0 };
	const breaker = new CircuitBreaker({ failureThreshold, openMs }, () => clock.now);
	return { breaker, clock };
}

function failTimes(breaker: CircuitBreaker, times: number) {
	for (let i = 0; i < times; i++) {
		expect(breaker.admit().admitted).toBe(true);
		breaker.recordFailure();
	}
}

describe('CircuitBreaker', () => {
	it('starts closed and admits calls', () => {
		const { breaker } = breakerWithClock();
		expect(breaker.state).toBe('closed');
		expect(breaker.admit()).toEqual({ admitted: true, trial: false });
	});

	it('stays closed below the failure threshold', () => {
		const { breaker } = breakerWithClock(3);
		failTimes(breaker, 2);
		expect(breaker.state).toBe('closed');
		expect(breaker.admit().admitted).toBe(true);
	});

	it('opens after the threshold of consecutive failures and refuses calls until the open time has passed', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		expect(breaker.state).toBe('open');
		expect(breaker.admit()).toEqual({
			admitted: false,
			consecutiveFailures: 3,
			pausedUntilMs: T0 + 30_000,
		});
		clock.now = T0 + 29_999;
		expect(breaker.admit().admitted).toBe(false);
	});

	it('counts only consecutive failures: a success in between starts the count again', () => {
		const { breaker } = breakerWithClock(3);
		failTimes(breaker, 2);
		breaker.admit();
		breaker.recordSuccess();
		failTimes(breaker, 2);
		expect(breaker.state).toBe('closed');
		expect(breaker.snapshot().consecutiveFailures).toBe(2);
	});

	it('becomes half-open after the open time and lets exactly one test call through', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		clock.now = T0 + 30_000;
		expect(breaker.state).toBe('halfOpen');
		expect(breaker.admit()).toEqual({ admitted: true, trial: true });
		expect(breaker.admit()).toEqual({ admitted: false, consecutiveFailures: 3, pausedUntilMs: null });
	});

	it('closes when the test call succeeds', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		clock.now = T0 + 30_000;
		breaker.admit();
		breaker.recordSuccess();
		expect(breaker.state).toBe('closed');
		expect(breaker.snapshot().consecutiveFailures).toBe(0);
		expect(breaker.admit()).toEqual({ admitted: true, trial: false });
		expect(breaker.admit()).toEqual({ admitted: true, trial: false });
	});

	it('opens again for a full open time when the test call fails', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		clock.now = T0 + 30_000;
		breaker.admit();
		breaker.recordFailure();
		expect(breaker.state).toBe('open');
		expect(breaker.admit()).toEqual({
			admitted: false,
			consecutiveFailures: 4,
			pausedUntilMs: T0 + 60_000,
		});
		clock.now = T0 + 60_000;
		expect(breaker.admit()).toEqual({ admitted: true, trial: true });
	});

	it('gives the test to the next caller when the test call is released without an answer', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		clock.now = T0 + 30_000;
		breaker.admit();
		breaker.release();
		expect(breaker.admit()).toEqual({ admitted: true, trial: true });
	});

	it('lets a new test call through when the previous one never reported back within an open time', () => {
		const { breaker, clock } = breakerWithClock(3, 30_000);
		failTimes(breaker, 3);
		clock.now = T0 + 30_000;
		breaker.admit();
		clock.now = T0 + 59_999;
		expect(breaker.admit().admitted).toBe(false);
		clock.now = T0 + 60_000;
		expect(breaker.admit()).toEqual({ admitted: true, trial: true });
	});

	it('keeps the pause when a call admitted before it opened fails late', () => {
		const { breaker, clock } = breakerWithClock(2, 30_000);
		breaker.admit();
		failTimes(breaker, 2);
		clock.now = T0 + 10_000;
		breaker.recordFailure();
		expect(breaker.snapshot()).toMatchObject({ state: 'open', pausedUntilMs: T0 + 30_000 });
	});

	it('reports state, consecutive failures, opening time and last failure in its snapshot', () => {
		const { breaker, clock } = breakerWithClock(2, 30_000);
		expect(breaker.snapshot()).toEqual({
			state: 'closed',
			consecutiveFailures: 0,
			openedAtMs: null,
			pausedUntilMs: null,
			lastFailureAtMs: null,
		});
		failTimes(breaker, 1);
		clock.now = T0 + 5_000;
		failTimes(breaker, 1);
		expect(breaker.snapshot()).toEqual({
			state: 'open',
			consecutiveFailures: 2,
			openedAtMs: T0 + 5_000,
			pausedUntilMs: T0 + 35_000,
			lastFailureAtMs: T0 + 5_000,
		});
		clock.now = T0 + 35_000;
		expect(breaker.snapshot()).toMatchObject({ state: 'halfOpen', pausedUntilMs: null });
	});
});

describe('breaker registry', () => {
	beforeEach(() => resetBreakers());

	const settings = { failureThreshold: 2, openMs: 30_000 };

	it('keys a breaker by credential type, credential and host', () => {
		expect(breakerKey('mt5ManagerApi', 'cred-7', 'mt5.example.com:443')).toBe(
			'mt5ManagerApi:cred-7:mt5.example.com:443',
		);
	});

	it('returns the same breaker for the same key, so its state carries across calls', () => {
		const key = breakerKey('mt5ManagerApi', 'cred-7', 'mt5.example.com');
		const first = getBreaker(key, settings, () => T0);
		first.admit();
		first.recordFailure();
		expect(getBreaker(key, settings)).toBe(first);
		expect(breakerSnapshot()[key].consecutiveFailures).toBe(1);
	});

	it('keeps breakers for different credentials and hosts independent', () => {
		const live = getBreaker(breakerKey('mt5ManagerApi', 'live', 'mt5.example.com'), settings, () => T0);
		const demo = getBreaker(breakerKey('mt5ManagerApi', 'demo', 'mt5.example.com'), settings, () => T0);
		const backup = getBreaker(breakerKey('mt5ManagerApi', 'live', 'backup.example.com'), settings, () => T0);
		failTimes(live, 2);
		expect(live.state).toBe('open');
		expect(demo.admit().admitted).toBe(true);
		expect(backup.admit().admitted).toBe(true);
	});

	it('applies the latest settings to an existing breaker without losing its state', () => {
		const key = breakerKey('ctraderApi', 'live', 'ct.example.com');
		const breaker = getBreaker(key, { failureThreshold: 5, openMs: 30_000 }, () => T0);
		failTimes(breaker, 2);
		getBreaker(key, { failureThreshold: 3, openMs: 30_000 });
		breaker.admit();
		breaker.recordFailure();
		expect(breaker.state).toBe('open');
	});

	it('lists every breaker in the snapshot and forgets them all on reset', () => {
		getBreaker('a:1:x', settings);
		getBreaker('b:2:y', settings);
		expect(Object.keys(breakerSnapshot()).sort()).toEqual(['a:1:x', 'b:2:y']);
		resetBreakers();
		expect(breakerSnapshot()).toEqual({});
	});
});
