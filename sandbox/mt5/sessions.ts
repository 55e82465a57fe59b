/**
 * Web API sessions. The access server is stateful and binds the authenticated session to the
 * keep-alive connection it was opened on: "All commands should be passed in the same session during
 * and after the authentication" (MQ docs `webapi_https`), "Re-authentication will be required in
 * case of connection loss", and "If no packets were received from a client for 180 seconds, the
 * server breaks connection" (`webapi_pings`). There is no token or cookie: the connection IS the
 * session, so a request on any other connection has no session.
 *
 * Time comes from the injected clock; idleness is checked when a request arrives (and when state is
 * read), which is when a client could notice it.
 */
import type { ManagerAccount } from './store';

/** `webapi_pings`: the server drops a connection silent for 180 s; clients ping every 20 s. */
export const SESSION_IDLE_LIMIT_MS = 180_000;
/** `webapi_rest_authentication`: "no more than 10 seconds" between auth/start and auth/answer. */
export const AUTH_ANSWER_WINDOW_MS = 10_000;

export interface Challenge {
	manager: ManagerAccount;
	srvRand: string;
	startedMs: number;
}

export interface Session {
	connectionId: number;
	manager: ManagerAccount;
	startedMs: number;
	lastSeenMs: number;
}

export type SessionLookup = { session: Session } | { missing: 'none' | 'idle' };

export class SessionTable {
	private readonly challenges = new Map<number, Challenge>();
	private readonly sessions = new Map<number, Session>();

	constructor(private readonly nowMs: () => number) {}

	/** auth/start: a new challenge replaces whatever the connection had, session included. */
	begin(connectionId: number, manager: ManagerAccount, srvRand: string): void {
		this.sessions.delete(connectionId);
		this.challenges.set(connectionId, { manager, srvRand, startedMs: this.nowMs() });
	}

	/** auth/answer: the pending challenge of this connection, consumed (one answer per start). */
	takeChallenge(connectionId: number): (Challenge & { ageMs: number }) | undefined {
		const challenge = this.challenges.get(connectionId);
		this.challenges.delete(connectionId);
		return challenge && { ...challenge, ageMs: this.nowMs() - challenge.startedMs };
	}

	open(connectionId: number, manager: ManagerAccount): Session {
		const now = this.nowMs();
		const session = { connectionId, manager, startedMs: now, lastSeenMs: now };
		this.sessions.set(connectionId, session);
		return session;
	}

	/** The connection's session, its idle clock restarted; an expired one is dropped here. */
	touch(connectionId: number): SessionLookup {
		const session = this.sessions.get(connectionId);
		if (!session) return { missing: 'none' };
		const now = this.nowMs();
		if (now - session.lastSeenMs >= SESSION_IDLE_LIMIT_MS) {
			this.sessions.delete(connectionId);
			return { missing: 'idle' };
		}
		session.lastSeenMs = now;
		return { session };
	}

	/** /api/quit or the connection closed. */
	end(connectionId: number): void {
		this.sessions.delete(connectionId);
		this.challenges.delete(connectionId);
	}

	/** The `sessionLoss` fault: the server forgot everyone (e.g. it restarted). */
	dropAll(): void {
		this.sessions.clear();
		this.challenges.clear();
	}

	/** Live sessions, idle ones dropped first. */
	list(): Session[] {
		const now = this.nowMs();
		for (const [id, session] of this.sessions) {
			if (now - session.lastSeenMs >= SESSION_IDLE_LIMIT_MS) this.sessions.delete(id);
		}
		return [...this.sessions.values()];
	}
}
