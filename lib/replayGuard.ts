/**
 * Remembers the signatures of requests a trigger already accepted, so the same signed request sent
 * again inside the timestamp window (a replay) is refused. Kept per n8n process; a replay outside
 * the window is already refused by the timestamp check.
 */
export class ReplayGuard {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly maxEntries = 50_000,
		private readonly nowMs: () => number = () => Date.now(),
	) {}

	/** True the first time a key is seen within `ttlMs`; false for a replay. */
	firstSeen(key: string, ttlMs: number): boolean {
		const now = this.nowMs();
		const until = this.seen.get(key);
		if (until !== undefined && until > now) return false;
		this.seen.delete(key);
		this.seen.set(key, now + ttlMs);
		for (const [oldest, expires] of this.seen) {
			if (this.seen.size <= this.maxEntries && expires > now) break;
			this.seen.delete(oldest);
		}
		return true;
	}

	clear(): void {
		this.seen.clear();
	}
}

/** The guard shared by every trigger in this n8n process. */
export const processReplayGuard = new ReplayGuard();
