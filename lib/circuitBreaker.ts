/**
 * A circuit breaker per integration (credential + vendor host). After a run of consecutive failures
 * it stops calls to a vendor that is down for a while, so workflows fail at once with a clear
 * message instead of each waiting through its own retries, and the vendor gets room to recover.
 *
 *   closed ──(N failures in a row)──▶ open ──(open time passed)──▶ half-open: ONE test call
 *     ▲                                 ▲                              │
 *     └────────── test call succeeds ───┼──────────────────────────────┤
 *                                       └────── test call fails ───────┘
 *
 * The registry lives at module level on purpose: n8n loads a package's modules once per process, so
 * the state carries across executions and across the pack's nodes that share a credential. (In
 * queue mode each worker process keeps its own breakers.)
 */

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface BreakerSettings {
	/** Consecutive failures that open the breaker. */
	failureThreshold: number;
	/** How long an open breaker refuses calls before it lets one test call through. */
	openMs: number;
}

export interface BreakerSnapshot {
	state: BreakerState;
	consecutiveFailures: number;
	/** When the breaker last opened (ms since the epoch), while it is open or half-open. */
	openedAtMs: number | null;
	/** Until when calls are refused, while open; null while closed or half-open. */
	pausedUntilMs: number | null;
	lastFailureAtMs: number | null;
}

export type Admission =
	| { admitted: true; trial: boolean }
	| {
			admitted: false;
			consecutiveFailures: number;
			/** When a test call will be let through; null while a test call is already under way. */
			pausedUntilMs: number | null;
	  };

export class CircuitBreaker {
	private current: BreakerState = 'closed';
	private consecutiveFailures = 0;
	private openedAtMs: number | null = null;
	private lastFailureAtMs: number | null = null;
	private trialStartedAtMs: number | null = null;

	constructor(
		public settings: BreakerSettings,
		private readonly nowMs: () => number = Date.now,
	) {}

	/** The state as a caller would meet it now: an open breaker whose time is up is half-open. */
	get state(): BreakerState {
		if (this.current === 'open' && this.nowMs() >= this.pausedUntil()) return 'halfOpen';
		return this.current;
	}

	/**
	 * Asks to make one call. Every admitted call must end in exactly one of `recordSuccess`,
	 * `recordFailure` or `release`, or a test call would hold the half-open breaker.
	 */
	admit(): Admission {
		const now = this.nowMs();
		if (this.current === 'closed') return { admitted: true, trial: false };
		if (this.current === 'open' && now < this.pausedUntil()) {
			return {
				admitted: false,
				consecutiveFailures: this.consecutiveFailures,
				pausedUntilMs: this.pausedUntil(),
			};
		}
		// A test call that never reported back (its process step crashed) must not hold the
		// breaker half-open forever: after another open time, the next caller takes over the test.
		const trialUnderWay =
			this.current === 'halfOpen' &&
			this.trialStartedAtMs !== null &&
			now < this.trialStartedAtMs + this.settings.openMs;
		if (trialUnderWay) {
			return { admitted: false, consecutiveFailures: this.consecutiveFailures, pausedUntilMs: null };
		}
		this.current = 'halfOpen';
		this.trialStartedAtMs = now;
		return { admitted: true, trial: true };
	}

	/** The vendor answered: whatever was failing has recovered. */
	recordSuccess(): void {
		this.current = 'closed';
		this.consecutiveFailures = 0;
		this.openedAtMs = null;
		this.trialStartedAtMs = null;
	}

	recordFailure(): void {
		const now = this.nowMs();
		this.consecutiveFailures++;
		this.lastFailureAtMs = now;
		if (
			this.current === 'halfOpen' ||
			(this.current === 'closed' && this.consecutiveFailures >= this.settings.failureThreshold)
		) {
			this.current = 'open';
			this.openedAtMs = now;
			this.trialStartedAtMs = null;
		}
		// Already open: a call admitted before the breaker opened failed late; the pause stands.
	}

	/** The call ended without telling anything about the vendor (cancelled, bad input). */
	release(): void {
		if (this.current === 'halfOpen') this.trialStartedAtMs = null;
	}

	snapshot(): BreakerSnapshot {
		const state = this.state;
		return {
			state,
			consecutiveFailures: this.consecutiveFailures,
			openedAtMs: this.openedAtMs,
			pausedUntilMs: state === 'open' ? this.pausedUntil() : null,
			lastFailureAtMs: this.lastFailureAtMs,
		};
	}

	private pausedUntil(): number {
		return (this.openedAtMs ?? 0) + this.settings.openMs;
	}
}

const breakers = new Map<string, CircuitBreaker>();

/** The integration a breaker guards: one credential talking to one vendor host. */
export function breakerKey(credentialType: string, credential: string, host: string): string {
	return `${credentialType}:${credential}:${host}`;
}

/**
 * The breaker for an integration, created on first use. Nodes sharing a credential share its
 * breaker; the settings of the latest caller apply (its state is kept). The clock is fixed when
 * the breaker is created.
 */
export function getBreaker(
	key: string,
	settings: BreakerSettings,
	nowMs: () => number = Date.now,
): CircuitBreaker {
	const existing = breakers.get(key);
	if (existing) {
		// Most calls bring the same settings: keep the object rather than copy it every call.
		const current = existing.settings;
		if (current.failureThreshold !== settings.failureThreshold || current.openMs !== settings.openMs) existing.settings = { ...settings };
		return existing;
	}
	const created = new CircuitBreaker({ ...settings }, nowMs);
	breakers.set(key, created);
	return created;
}

/** Every breaker's state, by integration key, for a health view. */
export function breakerSnapshot(): Record<string, BreakerSnapshot> {
	const all: Record<string, BreakerSnapshot> = {};
	for (const [key, breaker] of breakers) all[key] = breaker.snapshot();
	return all;
}

/** Forgets every breaker (tests; an operator's "reset" action). */
export function resetBreakers(): void {
	breakers.clear();
}
