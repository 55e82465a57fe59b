/**
 * The MetaTrader 5 Web API (manager REST) as a local simulator. It reproduces what a client must
 * cope with on MetaQuotes' server (reference: /work/shared/reference/trading.md §1, §5):
 * - the auth/start + auth/answer challenge with the documented hash (auth.ts);
 * - the session bound to the keep-alive TCP connection, refused on any other connection, dropped
 *   after 180 s without a packet, on `/api/quit`, when the connection closes, and on the
 *   `sessionLoss` fault (sessions.ts);
 * - every number as a JSON string, `"<code> <text>"` retcodes with HTTP 200 (records.ts,
 *   retcodes.ts), deal times on the server's wall clock in a configurable zone (time.ts);
 * - the account, balance, deal and position rules (store.ts).
 *
 * A command without a session on its connection gets HTTP 403 with no JSON body. MetaQuotes does
 * not document this answer; 403 is what the open-source clients that hold a session react to
 * (`Dig-TechSoft/mt5-webapi-gateway` Mt5Client.ts re-authenticates on 403), so a client must treat
 * 403 as "log in again on this connection", never as a permission refusal (that is retcode 8).
 */
import { formatMinor } from './amounts';
import { newServerRand } from './auth';
import { DEMO_ACCOUNTS } from './demo';
import type { Mt5Context, ApiRoute } from './endpoints/api';
import { authAnswer, authStart, type AuthDeps } from './endpoints/auth';
import { historyRoutes } from './endpoints/history';
import { serverRoutes } from './endpoints/server';
import { tradeRoutes } from './endpoints/trade';
import { userRoutes } from './endpoints/users';
import { Mt5Params } from './params';
import { dealRecord } from './records';
import { DONE, Mt5Error, RET, retcode } from './retcodes';
import { SessionTable } from './sessions';
import {
	ALL_MANAGER_RIGHTS,
	DEFAULT_GROUPS,
	Mt5Store,
	type AccountSeed,
	type BulkDealsSeed,
	type ClosePositionSeed,
	type GroupConfig,
	type ManagerAccount,
	type PositionSeed,
	type TradeSeed,
	type UtcInstant,
} from './store';
import { DEFAULT_SERVER_ZONE, ServerClock } from './time';
import { SandboxHttpError, Simulator, type Handler, type Router, type SandboxRequest } from '../framework';

export interface Mt5SimulatorOptions {
	/** Manager accounts the API accepts. Default: DEFAULT_MANAGERS. */
	managers?: ManagerAccount[];
	/** Default: DEFAULT_GROUPS (demo\forex, real\standard, real\vip, real\ecn in USD; real\eur in EUR). */
	groups?: readonly GroupConfig[];
	/** Accounts present after construction and after every reset(). Default: DEMO_ACCOUNTS. */
	accounts?: AccountSeed[] | ((nowMs: number) => AccountSeed[]);
	/** The trade server's zone, as lib/time.ts parses it. Default "Europe/Athens" (GMT+2/+3, EU DST). */
	serverZone?: string;
	/** Real UTC now in epoch ms. Inject it to move time in tests (idle sessions, DST switches). */
	nowMs?: () => number;
	/** srv_rand for each auth/start (32 hex). Default: 16 random bytes. See also queueServerRand. */
	serverRand?: () => string;
	/** Logins user/add allocates from (inclusive). Default 700000..799999. */
	firstLogin?: number;
	lastLogin?: number;
	/** First deal ticket. Default 100000. */
	firstDealTicket?: number;
	/** Server build reported as version_access / version_trade. Default "1290" (the docs' example). */
	build?: string;
}

/** A full manager, and a support-desk manager that may read but not move money or modify accounts. */
export const DEFAULT_MANAGERS: readonly ManagerAccount[] = [
	{ login: 1015, password: 'Sandbox#Mgr1' },
	{ login: 1016, password: 'Support#Mgr1', rights: ['accountsRead', 'tradesRead'] },
];

export interface Mt5Refusal {
	path: string;
	retcode: string;
	reason: string;
}

export class Mt5Simulator extends Simulator {
	readonly name = 'mt5';
	readonly title = 'MetaTrader 5 Web API (manager REST; session bound to the keep-alive connection)';
	readonly clock: ServerClock;
	readonly sessions: SessionTable;
	store!: Mt5Store;
	/** The last API-level refusal and why (the real server gives only the retcode). */
	lastRefusal?: Mt5Refusal;
	private readonly managers: Map<number, ManagerAccount>;
	private readonly queuedServerRands: string[] = [];

	constructor(private readonly options: Mt5SimulatorOptions = {}) {
		super();
		this.clock = new ServerClock(options.serverZone ?? DEFAULT_SERVER_ZONE, options.nowMs ?? Date.now);
		this.sessions = new SessionTable(this.clock.nowMs);
		this.managers = new Map((options.managers ?? DEFAULT_MANAGERS).map((m) => [m.login, m]));
		this.reset();
	}

	routes(router: Router): void {
		const deps: AuthDeps = {
			sessions: this.sessions,
			manager: (login) => this.managers.get(login),
			nextServerRand: () => this.queuedServerRands.shift() ?? (this.options.serverRand ?? newServerRand)(),
			build: this.options.build ?? '1290',
			noSession: (reason) => noSession(reason),
		};
		router.add(['GET', 'POST'], '/api/auth/start', this.unauthenticated((request) => authStart(deps, request)));
		router.add(['GET', 'POST'], '/api/auth/answer', this.unauthenticated((request) => authAnswer(deps, request)));
		for (const route of [...userRoutes, ...tradeRoutes, ...historyRoutes, ...serverRoutes]) {
			router.add(['GET', 'POST'], route.path, this.authenticated(route));
		}
	}

	reset(): void {
		this.store = new Mt5Store(this.clock, {
			groups: this.options.groups ?? DEFAULT_GROUPS,
			firstLogin: this.options.firstLogin ?? 700_000,
			lastLogin: this.options.lastLogin ?? 799_999,
			firstDealTicket: this.options.firstDealTicket ?? 100_000,
			firstOrderTicket: 50_000_000,
		});
		const seeds = this.options.accounts ?? DEMO_ACCOUNTS;
		for (const seed of typeof seeds === 'function' ? seeds(this.clock.nowMs()) : seeds) this.store.seedAccount(seed);
		this.sessions.dropAll();
		this.queuedServerRands.length = 0;
		this.lastRefusal = undefined;
	}

	/** The first manager's login and password (full rights), then the support manager's if configured. */
	credentials(): Record<string, string> {
		const [main, support] = [...this.managers.values()];
		const credentials: Record<string, string> = { login: String(main.login), password: main.password };
		if (support) Object.assign(credentials, { supportLogin: String(support.login), supportPassword: support.password });
		return credentials;
	}

	state() {
		return {
			serverTime: this.clock.serverTimeText(),
			serverZone: this.clock.zone.name,
			accounts: this.store.allUsers().map((user) => {
				const digits = this.store.digitsOf(user);
				const figures = this.store.figures(user);
				const money = (minor: number) => formatMinor(minor, digits);
				return {
					login: user.login,
					group: user.group.name,
					currency: user.group.currency,
					leverage: user.leverage,
					name: user.text.Name,
					email: user.text.Email,
					comment: user.text.Comment,
					balance: money(figures.balance),
					credit: money(figures.credit),
					equity: money(figures.equity),
					margin: money(figures.margin),
					deals: user.deals.length,
					positions: user.positions.length,
				};
			}),
			dealCount: this.store.dealCount(),
			lastDeals: this.store.lastDeals(20).map((deal) => this.renderDeal(deal)),
			sessions: this.sessions.list().map((s) => ({
				connectionId: s.connectionId,
				login: s.manager.login,
				idleSeconds: Math.floor((this.clock.nowMs() - s.lastSeenMs) / 1000),
			})),
			lastRefusal: this.lastRefusal,
		};
	}

	dropSessions(): void {
		this.sessions.dropAll();
	}

	connectionClosed(connectionId: number): void {
		this.sessions.end(connectionId);
	}

	// --- helpers for tests, the demo and benchmarks -------------------------------------------

	/** The srv_rand the next auth/start hands out (e.g. the documentation's test vector). */
	queueServerRand(hex: string): void {
		if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`srv_rand must be 32 hex characters, got "${hex}"`);
		this.queuedServerRands.push(hex.toLowerCase());
	}

	/** Adds an account (with deposit, trades and positions) and returns its login. */
	addAccount(seed: AccountSeed): number {
		return this.store.seedAccount(seed).login;
	}

	seedBalanceOperation(login: number, type: number, amount: number, comment: string, at?: UtcInstant): number {
		return this.store.seedBalanceOperation(login, type, amount, comment, at).ticket;
	}

	/** A closed trade: an IN and an OUT deal; returns both tickets. */
	seedTrade(login: number, trade: TradeSeed): { inDeal: number; outDeal: number } {
		const { in: inDeal, out } = this.store.seedTrade(login, trade);
		return { inDeal: inDeal.ticket, outDeal: out.ticket };
	}

	/** An open position (and its IN deal); returns the position ticket. */
	openPosition(login: number, position: PositionSeed): number {
		return this.store.openPosition(login, position).position.ticket;
	}

	closePosition(ticket: number, close: ClosePositionSeed): number {
		return this.store.closePosition(ticket, close).ticket;
	}

	/** Very many deals at once (100k–1M for benchmarks); paging stays O(page). */
	seedDeals(login: number, seed: BulkDealsSeed): void {
		this.store.seedDeals(login, seed);
	}

	/** Every deal of a login, rendered as the API returns them (for "credited once" assertions). */
	dealsOf(login: number): Array<Record<string, unknown>> {
		return this.store.user(login).deals.map((deal) => this.renderDeal(deal));
	}

	// --- plumbing -----------------------------------------------------------------------------

	private renderDeal(deal: Parameters<typeof dealRecord>[0]) {
		return dealRecord(deal, this.store.digitsOf(this.store.user(deal.login)));
	}

	/** auth/start and auth/answer: no session needed; refusals become retcodes. */
	private unauthenticated(run: (request: SandboxRequest) => Record<string, string>): Handler {
		return (request) => this.answering(request.path, () => ({ body: run(request) }));
	}

	/** Every other command: the connection's session, the manager's right, then the endpoint. */
	private authenticated(route: ApiRoute): Handler {
		return (request) => {
			const lookup = this.sessions.touch(request.connectionId);
			if ('missing' in lookup) throw noSession(lookup.missing);
			const { session } = lookup;
			return this.answering(request.path, () => {
				if (route.right && !(session.manager.rights ?? ALL_MANAGER_RIGHTS).includes(route.right)) {
					throw new Mt5Error(RET.ERR_PERMISSIONS, `manager ${session.manager.login} lacks the "${route.right}" permission`);
				}
				const context: Mt5Context = {
					params: new Mt5Params(request.query, request.rawBody),
					store: this.store,
					clock: this.clock,
					manager: session.manager,
					session,
					connectionId: request.connectionId,
					endSession: () => this.sessions.end(request.connectionId),
				};
				const answer = route.handler(context);
				return { body: answer === undefined ? { retcode: DONE } : { retcode: DONE, answer } };
			});
		};
	}

	/** API-level refusals are HTTP 200 with `{"retcode":"<code> <text>"}` (`webapi_https`). */
	private answering(path: string, run: () => { body: unknown }) {
		try {
			return run();
		} catch (error) {
			if (!(error instanceof Mt5Error)) throw error;
			this.lastRefusal = { path, retcode: retcode(error.code), reason: error.reason };
			return { body: { retcode: retcode(error.code) } };
		}
	}
}

/**
 * HTTP 403 without a JSON body. After 180 s idle the real server has already broken the
 * connection (`webapi_pings`); the sandbox notices on the next request, so it answers 403 and closes.
 */
function noSession(reason: 'none' | 'idle'): SandboxHttpError {
	const headers: Record<string, string> = { 'content-type': 'text/plain' };
	if (reason === 'idle') headers.connection = 'close';
	return new SandboxHttpError(403, '403 Forbidden', headers);
}
