/**
 * cTrader broker WebServices API simulator (the manager REST surface a CRM integrates with).
 *
 * Sources (read through the search index; see /work/shared/reference/trading.md §3.1):
 * - General Provisions, https://docs.spotware.com/WebServices_API/General_Provisions : token from
 *   `POST /webserv/managers/token {login, hashedPassword: MD5 hex}` → `{"webservToken": …}`, sent as
 *   `?token=` on every request; it never expires, is invalidated when the manager's password
 *   changes, and "as long as the hashedPassword parameter is different … you should receive a new
 *   token" (so the same password gives the same token back). Money fields (balance, bonus,
 *   nonWithdrawableBonus, equity, usedMargin, freeMargin) are integers in 10^moneyDigits.
 * - Operations With Accounts, https://docs.spotware.com/WebServices_API/Operations_With_Accounts and
 *   Use Cases, https://docs.spotware.com/WebServices_API/Use_Cases : trader create (required fields,
 *   response shape), read, PATCH/PUT, tradergroups, open/closed positions as CSV (≤ 2 days).
 * - Balances, https://docs.spotware.com/full-integration/api-reference/balances and
 *   https://help.ctrader.com/broker-oauth-inapp/change-trader-balance/ : changebalance body, the
 *   four `type` values, `{"balanceHistoryId": N}`.
 * - Error codes, https://docs.spotware.com/WebServices_API/Error_Codes : INVALID_REQUEST,
 *   TRADER_NOT_FOUND, NOT_ENOUGH_MONEY, CHANGE_BALANCE_BAD_AMOUNT, TRADER_GROUP_NOT_FOUND,
 *   CH_PLANT_INVALID, WRONG_PASSWORD.
 *
 * [inference] marks what those pages do not say and we chose:
 * - error bodies are `{"errorCode": "...", "description": "..."}` (Spotware's ErrorJson in its
 *   Connect API schema, https://api.spotware.com/connect/schema);
 * - a missing or invalid token → 403 CH_CLIENT_AUTH_FAILURE (the code Spotware's Full Integration
 *   error table uses for an invalid password or token); TRADER_NOT_FOUND → 404;
 * - the same externalId twice: the docs describe externalId only as "an external identifier of
 *   the broker's choosing" and say nothing about uniqueness. By default the simulator rejects a
 *   repeated externalId (400 INVALID_REQUEST naming the earlier balanceHistoryId), so an
 *   accidental double credit is visible; `externalIdPolicy: 'accept'` reproduces the other
 *   possibility (no deduplication at all) so nodes can be tested against the worst case;
 * - the skip-margin flag's name (`skipMarginCheck`) — the docs mention the flag, not its spelling
 *   in our copy; the CSV column names, and CSV money as plain decimals (commission and swap in USD,
 *   netPnl in the deposit currency); `moneyDigits` accepted in the create body (the real server
 *   derives it from the deposit asset); create answers 201, PATCH/PUT answer 200 with the trader;
 *   PATCH/PUT ignore balance fields; tradergroups answers `{"traderGroup": [...]}` (by analogy
 *   with `{"trader": [...]}`); no balance-history read endpoint (none found in the docs).
 */
import { randomUUID } from 'node:crypto';

import {
	addDecimal,
	divideDecimal,
	fromMinorUnits,
	MoneyError,
	minorUnitsToNumber,
	multiplyDecimal,
	parseDecimal,
	roundDecimal,
	toMinorUnits,
} from '../../lib/money';
import { computePlainHash } from '../../lib/signatures';
import { SandboxHttpError, Simulator, type Router, type SandboxRequest, type SandboxResponse } from '../framework';

export const ACCESS_RIGHTS = ['FULL_ACCESS', 'CLOSE_ONLY', 'NO_TRADING', 'NO_LOGIN'] as const;
export const ACCOUNT_TYPES = ['HEDGED', 'NETTED', 'SPREAD_BETTING'] as const;
export const MARGIN_CALCULATION_TYPES = ['MAX', 'SUM', 'NET'] as const;
/** Balances page of the Full Integration reference. */
export const BALANCE_CHANGE_TYPES = ['DEPOSIT', 'WITHDRAW', 'DEPOSIT_NONWITHDRAWABLE_BONUS', 'WITHDRAW_NONWITHDRAWABLE_BONUS'] as const;
export type BalanceChangeType = (typeof BALANCE_CHANGE_TYPES)[number];

/** The closed-positions window the docs allow. */
export const CLOSED_POSITIONS_MAX_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const TIMESTAMP_FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

export function md5Hex(text: string): string {
	return computePlainHash('md5', [text], 'hex');
}

/** UTC milliseconds → the API's `yyyy-MM-ddTHH:mm:ss.SSS` (UTC, no zone suffix). */
export function formatCTraderTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 23);
}

/** The API's `yyyy-MM-ddTHH:mm:ss[.SSS]` (UTC) → milliseconds, or undefined when malformed. */
export function parseCTraderTime(text: string): number | undefined {
	if (!TIMESTAMP_FORMAT.test(text)) return undefined;
	const ms = Date.parse(`${text}Z`);
	return Number.isNaN(ms) ? undefined : ms;
}

export interface TraderGroup {
	id: number;
	name: string;
	description: string;
}

export interface CTraderSimulatorOptions {
	/** The manager login the token call accepts (default 30017). */
	managerLogin?: number;
	/** The manager's password in clear; the token call wants its MD5 hex (default "sandbox-manager-pass"). */
	managerPassword?: string;
	/** The only brokerName the server knows (default "sandboxbroker"). */
	brokerName?: string;
	/** moneyDigits of a new trader when the body gives none (default 2). */
	defaultMoneyDigits?: number;
	/** The login the first created trader gets; seeded traders come before it (default 3100101). */
	firstLogin?: number;
	groups?: TraderGroup[];
	/** What a repeated changebalance externalId does (default 'reject', see the header). */
	externalIdPolicy?: 'reject' | 'accept';
	/** At most this many traders per list answer; `hasMore` tells there are more (default 1000). */
	traderListLimit?: number;
	/** Clock in UTC milliseconds (registration and balance-change timestamps). */
	now?: () => number;
	/** Seed two traders and a few closed positions on reset (default true). */
	seed?: boolean;
}

export interface TraderRecord {
	login: number;
	accessRights: (typeof ACCESS_RIGHTS)[number];
	accountType: (typeof ACCOUNT_TYPES)[number];
	brokerName: string;
	depositCurrency: string;
	groupName: string;
	hashedPassword: string;
	leverageInCents: number;
	totalMarginCalculationType: (typeof MARGIN_CALCULATION_TYPES)[number];
	moneyDigits: number;
	/** Money in 10^moneyDigits units, exact. */
	balance: bigint;
	bonus: bigint;
	nonWithdrawableBonus: bigint;
	name?: string;
	lastName?: string;
	description?: string;
	contactDetails: Record<string, unknown>;
	swapFree: boolean;
	sendOwnStatement: boolean;
	limitedRisk: boolean;
	registrationTimestamp: number;
	lastUpdateTimestamp: number;
}

export interface BalanceHistoryEntry {
	balanceHistoryId: number;
	login: number;
	type: BalanceChangeType;
	/** Signed change in 10^moneyDigits units. */
	delta: bigint;
	/** Balance (or non-withdrawable bonus, for the bonus types) after the change. */
	balanceAfter: bigint;
	moneyDigits: number;
	preciseAmount: string;
	comment?: string;
	externalId?: string;
	externalNote?: string;
	source?: string;
	skipMarginCheck: boolean;
	changeBalanceTimestamp: number;
}

export interface OpenPositionRecord {
	login: number;
	positionId: number;
	openTimestamp: number;
	symbol: string;
	direction: 'BUY' | 'SELL';
	/** Base-asset units (1 standard FX lot = 100000). */
	volume: string;
	entryPrice: string;
	/** Deposit-currency decimals. */
	unrealizedPnl: string;
	usedMargin: string;
	/** USD decimals. */
	commission: string;
	swap: string;
}

export interface ClosedPositionRecord {
	login: number;
	positionId: number;
	closingDealId: number;
	openTimestamp: number;
	closeTimestamp: number;
	entryPrice: string;
	closePrice: string;
	direction: 'BUY' | 'SELL';
	/** Closed volume in base-asset units. */
	volume: string;
	symbol: string;
	/** USD. */
	commission: string;
	/** USD. */
	swap: string;
	/** Net profit in the deposit currency. */
	netPnl: string;
	/** Deposit currency → USD. */
	depositToUsdConversionRate: string;
	/** Quote currency → deposit currency. */
	quoteToDepositConversionRate: string;
}

/** What `seedTrader` takes: amounts as decimal strings in the deposit currency. */
export interface TraderSeed {
	login?: number;
	groupName?: string;
	depositCurrency?: string;
	moneyDigits?: number;
	balance?: string;
	nonWithdrawableBonus?: string;
	leverageInCents?: number;
	accessRights?: TraderRecord['accessRights'];
	accountType?: TraderRecord['accountType'];
	name?: string;
	lastName?: string;
	email?: string;
	password?: string;
	registrationTimestamp?: number;
}

export const CLOSED_POSITION_COLUMNS = [
	'login',
	'positionId',
	'closingDealId',
	'openTimestamp',
	'closeTimestamp',
	'entryPrice',
	'closePrice',
	'direction',
	'volume',
	'symbol',
	'commission',
	'swap',
	'netPnl',
	'depositToUsdConversionRate',
	'quoteToDepositConversionRate',
] as const;

export const OPEN_POSITION_COLUMNS = [
	'login',
	'positionId',
	'openTimestamp',
	'entryPrice',
	'direction',
	'volume',
	'symbol',
	'commission',
	'swap',
	'unrealizedPnl',
	'usedMargin',
] as const;

const DEFAULT_GROUPS: TraderGroup[] = [
	{ id: 1, name: 'Default', description: 'Default group' },
	{ id: 2, name: 'Standard', description: 'Retail standard, USD' },
	{ id: 3, name: 'ECN', description: 'Raw spread with commission' },
	{ id: 4, name: 'VIP', description: 'VIP clients' },
];

/** Fields a create or PUT must carry (balance only on create). */
const REQUIRED_ON_CREATE = [
	'accessRights',
	'accountType',
	'balance',
	'brokerName',
	'depositCurrency',
	'groupName',
	'hashedPassword',
	'leverageInCents',
	'totalMarginCalculationType',
] as const;
const REQUIRED_ON_PUT = REQUIRED_ON_CREATE.filter((field) => field !== 'balance' && field !== 'hashedPassword');

function fail(status: number, errorCode: string, description: string): never {
	throw new SandboxHttpError(status, { errorCode, description });
}

function invalid(description: string): never {
	fail(400, 'INVALID_REQUEST', description);
}

function csvCell(value: string | number): string {
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(columns: readonly string[], rows: Array<Record<string, string | number>>): string {
	const lines = [columns.join(',')];
	for (const row of rows) lines.push(columns.map((column) => csvCell(row[column] ?? '')).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

/** A small deterministic generator so seeded data is the same on every run. */
function prng(seed: number): () => number {
	let state = seed >>> 0 || 1;
	return () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) / 4294967296;
	};
}

export class CTraderSimulator extends Simulator {
	readonly name = 'ctrader';
	readonly title = 'cTrader broker WebServices API (manager token, traders, changebalance, CSV positions)';

	private readonly options: Required<Omit<CTraderSimulatorOptions, 'now'>> & { now: () => number };
	/** The password now in force (rotateManagerPassword changes it; reset restores the configured one). */
	private managerPassword = '';
	private managerPasswordMd5 = '';
	private managerToken: string | undefined;
	private tokenRequests = 0;
	private traders = new Map<number, TraderRecord>();
	private groups: TraderGroup[] = [];
	private history: BalanceHistoryEntry[] = [];
	private externalIds = new Map<string, number>();
	private openPositions: OpenPositionRecord[] = [];
	private closedPositions: ClosedPositionRecord[] = [];
	private nextLogin = 0;
	private nextSeedLogin = 0;
	private nextBalanceHistoryId = 0;
	private nextPositionId = 0;
	private nextDealId = 0;

	constructor(options: CTraderSimulatorOptions = {}) {
		super();
		this.options = {
			managerLogin: options.managerLogin ?? 30017,
			managerPassword: options.managerPassword ?? 'sandbox-manager-pass',
			brokerName: options.brokerName ?? 'sandboxbroker',
			defaultMoneyDigits: options.defaultMoneyDigits ?? 2,
			firstLogin: options.firstLogin ?? 3100101,
			groups: options.groups ?? DEFAULT_GROUPS,
			externalIdPolicy: options.externalIdPolicy ?? 'reject',
			traderListLimit: options.traderListLimit ?? 1000,
			seed: options.seed ?? true,
			now: options.now ?? (() => Date.now()),
		};
		this.reset();
	}

	/**
	 * How a repeated externalId is treated from now on: 'accept' is the worst case (no server-side
	 * deduplication), under which a double credit shows as two balance-history entries.
	 */
	setExternalIdPolicy(policy: 'reject' | 'accept'): void {
		this.options.externalIdPolicy = policy;
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.managerPassword = this.options.managerPassword;
		this.managerPasswordMd5 = md5Hex(this.managerPassword);
		this.managerToken = undefined;
		this.tokenRequests = 0;
		this.traders = new Map();
		this.groups = this.options.groups.map((group) => ({ ...group }));
		this.history = [];
		this.externalIds = new Map();
		this.openPositions = [];
		this.closedPositions = [];
		this.nextLogin = this.options.firstLogin;
		this.nextSeedLogin = this.options.firstLogin - 100;
		this.nextBalanceHistoryId = 6340680;
		this.nextPositionId = 51000001;
		this.nextDealId = 78000001;
		if (this.options.seed) this.seedDefaults();
	}

	state() {
		return {
			manager: { login: this.options.managerLogin, tokenIssued: this.managerToken !== undefined, tokenRequests: this.tokenRequests },
			groups: this.groups,
			traders: [...this.traders.values()].map((trader) => this.traderJson(trader)),
			balanceHistory: this.history.map((entry) => this.balanceHistoryJson(entry)),
			openPositions: this.openPositions,
			closedPositions: this.closedPositions.length,
		};
	}

	credentials(): Record<string, string> {
		return {
			managerLogin: String(this.options.managerLogin),
			managerPassword: this.managerPassword,
			hashedPassword: this.managerPasswordMd5,
			brokerName: this.options.brokerName,
		};
	}

	/** The sessionLoss fault: the server drops the manager's token, as after a password change. */
	dropSessions(): void {
		this.managerToken = undefined;
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	/** Changes the manager password (as in cTrader Admin): the current token stops working. */
	rotateManagerPassword(newPassword: string): void {
		this.managerPassword = newPassword;
		this.managerPasswordMd5 = md5Hex(newPassword);
		this.managerToken = undefined;
	}

	/** How many times a token was requested (a client should reuse its token until rejected). */
	get tokenRequestCount(): number {
		return this.tokenRequests;
	}

	/** A trader as the API shows it, or undefined. */
	trader(login: number): Record<string, unknown> | undefined {
		const record = this.traders.get(login);
		return record ? this.traderJson(record) : undefined;
	}

	/** The balance as an exact decimal string in the deposit currency, e.g. "2345.12". */
	balanceOf(login: number): string {
		const record = this.requireTraderRecord(login);
		return fromMinorUnits(record.balance, record.moneyDigits);
	}

	/** Every balance change (optionally of one trader), oldest first, with amounts as decimals. */
	balanceHistory(login?: number): Array<Record<string, unknown>> {
		return this.history.filter((entry) => login === undefined || entry.login === login).map((entry) => this.balanceHistoryJson(entry));
	}

	/** Creates a trader directly (no token needed); returns its login. */
	seedTrader(seed: TraderSeed = {}): number {
		const now = this.options.now();
		const moneyDigits = seed.moneyDigits ?? this.options.defaultMoneyDigits;
		const login = seed.login ?? this.nextSeedLogin++;
		if (this.traders.has(login)) throw new Error(`trader ${login} already exists`);
		this.traders.set(login, {
			login,
			accessRights: seed.accessRights ?? 'FULL_ACCESS',
			accountType: seed.accountType ?? 'HEDGED',
			brokerName: this.options.brokerName,
			depositCurrency: seed.depositCurrency ?? 'USD',
			groupName: seed.groupName ?? 'Standard',
			hashedPassword: md5Hex(seed.password ?? 'trader-pass'),
			leverageInCents: seed.leverageInCents ?? 10000,
			totalMarginCalculationType: 'MAX',
			moneyDigits,
			balance: toMinorUnits(seed.balance ?? '0', moneyDigits, undefined, 'balance'),
			bonus: 0n,
			nonWithdrawableBonus: toMinorUnits(seed.nonWithdrawableBonus ?? '0', moneyDigits, undefined, 'nonWithdrawableBonus'),
			name: seed.name,
			lastName: seed.lastName,
			contactDetails: seed.email ? { email: seed.email } : {},
			swapFree: false,
			sendOwnStatement: false,
			limitedRisk: false,
			registrationTimestamp: seed.registrationTimestamp ?? now,
			lastUpdateTimestamp: seed.registrationTimestamp ?? now,
		});
		return login;
	}

	/** Opens a position that ties up margin and carries floating PnL (decimals in the deposit currency). */
	seedOpenPosition(position: Partial<OpenPositionRecord> & { login: number }): OpenPositionRecord {
		this.requireTraderRecord(position.login);
		const record: OpenPositionRecord = {
			positionId: this.nextPositionId++,
			openTimestamp: this.options.now(),
			symbol: 'EURUSD',
			direction: 'BUY',
			volume: '100000',
			entryPrice: '1.08500',
			unrealizedPnl: '0',
			usedMargin: '0',
			commission: '0',
			swap: '0',
			...position,
		};
		this.openPositions.push(record);
		return record;
	}

	/** Adds closed-position rows as given (ids are allocated when missing). */
	seedClosedPositions(rows: Array<Partial<ClosedPositionRecord> & { login: number; closeTimestamp: number }>): void {
		for (const row of rows) {
			this.closedPositions.push({
				positionId: this.nextPositionId++,
				closingDealId: this.nextDealId++,
				openTimestamp: row.closeTimestamp - 60 * 60 * 1000,
				entryPrice: '1.08500',
				closePrice: '1.08620',
				direction: 'BUY',
				volume: '100000',
				symbol: 'EURUSD',
				commission: '-3.50',
				swap: '0.00',
				netPnl: '116.50',
				depositToUsdConversionRate: '1',
				quoteToDepositConversionRate: '1',
				...row,
			});
		}
	}

	/**
	 * Generates `count` closed positions spread evenly over [fromMs, toMs) for the given logins
	 * (USD deposit accounts assumed), deterministic for a seed — for volume and pagination tests
	 * (100k rows take well under a second). Money is computed exactly: gross in the quote currency,
	 * converted with quoteToDepositConversionRate, plus commission and swap.
	 */
	generateClosedPositions(options: { count: number; fromMs: number; toMs: number; logins?: number[]; seed?: number }): void {
		const logins = options.logins ?? [...this.traders.keys()];
		if (logins.length === 0) throw new Error('generateClosedPositions needs at least one trader');
		const random = prng(options.seed ?? 42);
		// price in points (10^-digits); unitsPerHundredthLot: 0.01 FX lot = 1000 units, 0.01 gold lot = 1 oz.
		const instruments = [
			{ symbol: 'EURUSD', points: 108500, digits: 5, unitsPerHundredthLot: 1000, quoteToUsd: '1' },
			{ symbol: 'GBPUSD', points: 126800, digits: 5, unitsPerHundredthLot: 1000, quoteToUsd: '1' },
			{ symbol: 'USDJPY', points: 149250, digits: 3, unitsPerHundredthLot: 1000, quoteToUsd: divideDecimal('1', '149.250', 8) },
			{ symbol: 'XAUUSD', points: 203550, digits: 2, unitsPerHundredthLot: 1, quoteToUsd: '1' },
		];
		const span = Math.max(1, options.toMs - options.fromMs);
		for (let i = 0; i < options.count; i++) {
			const instrument = instruments[Math.floor(random() * instruments.length)];
			const closeTimestamp = options.fromMs + Math.floor((span * i) / options.count);
			const hundredthLots = 1 + Math.floor(random() * 500);
			const volumeUnits = hundredthLots * instrument.unitsPerHundredthLot;
			const movePoints = Math.floor(random() * 400) - 200;
			const direction: 'BUY' | 'SELL' = random() < 0.5 ? 'BUY' : 'SELL';
			const grossQuote = fromMinorUnits(BigInt((direction === 'BUY' ? 1 : -1) * movePoints) * BigInt(volumeUnits), instrument.digits);
			const commission = fromMinorUnits(-BigInt(Math.max(1, Math.round(hundredthLots * 3.5))), 2);
			const netPnl = addDecimal(roundDecimal(multiplyDecimal(grossQuote, instrument.quoteToUsd), 2), commission);
			this.closedPositions.push({
				login: logins[i % logins.length],
				positionId: this.nextPositionId++,
				closingDealId: this.nextDealId++,
				openTimestamp: closeTimestamp - 1000 * (60 + Math.floor(random() * 86_400)),
				closeTimestamp,
				entryPrice: fromMinorUnits(BigInt(instrument.points), instrument.digits),
				closePrice: fromMinorUnits(BigInt(instrument.points + movePoints), instrument.digits),
				direction,
				volume: String(volumeUnits),
				symbol: instrument.symbol,
				commission,
				swap: '0.00',
				netPnl,
				depositToUsdConversionRate: '1',
				quoteToDepositConversionRate: instrument.quoteToUsd,
			});
		}
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		router.add('POST', '/webserv/managers/token', (req) => this.issueToken(req));
		const authed = (handler: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => {
			this.authenticate(req);
			return handler(req);
		};
		router.add('POST', '/webserv/traders', authed((req) => this.createTrader(req)));
		router.add('GET', '/webserv/traders', authed((req) => this.listTraders(req)));
		router.add('GET', '/webserv/traders/:login', authed((req) => ({ body: this.traderJson(this.requireTrader(req.params.login)) })));
		router.add('PATCH', '/webserv/traders/:login', authed((req) => this.updateTrader(req, 'patch')));
		router.add('PUT', '/webserv/traders/:login', authed((req) => this.updateTrader(req, 'put')));
		router.add('POST', '/webserv/traders/:login/changebalance', authed((req) => this.changeBalance(req)));
		router.add('POST', '/webserv/traders/:login/changepassword', authed((req) => this.changeTraderPassword(req)));
		router.add('POST', '/webserv/traders/:login/checkpassword', authed((req) => this.checkTraderPassword(req)));
		router.add('GET', '/webserv/tradergroups', authed(() => ({ body: { traderGroup: this.groups } })));
		router.add('GET', '/webserv/openPositions', authed((req) => this.openPositionsCsv(req)));
		router.add('GET', '/webserv/closedPositions', authed((req) => this.closedPositionsCsv(req)));
	}

	private issueToken(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		if (body.login === undefined || body.hashedPassword === undefined) invalid('login and hashedPassword are required');
		const hashed = String(body.hashedPassword);
		if (!MD5_HEX.test(hashed)) invalid('hashedPassword must be the MD5 of the password, as 32 hexadecimal characters');
		this.tokenRequests++;
		if (Number(body.login) !== this.options.managerLogin || hashed.toLowerCase() !== this.managerPasswordMd5) {
			fail(403, 'CH_CLIENT_AUTH_FAILURE', 'Invalid manager login or password');
		}
		// The same password gives the same token back; a new one only after the password changed.
		this.managerToken ??= randomUUID();
		return { body: { webservToken: this.managerToken } };
	}

	private authenticate(req: SandboxRequest): void {
		const token = req.query.get('token');
		if (!token) fail(403, 'CH_CLIENT_AUTH_FAILURE', 'The token query parameter is missing');
		if (this.managerToken === undefined || token !== this.managerToken) {
			fail(403, 'CH_CLIENT_AUTH_FAILURE', 'The token is invalid; request a new one from /webserv/managers/token');
		}
	}

	private createTrader(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const missing = REQUIRED_ON_CREATE.filter((field) => body[field] === undefined || body[field] === null || body[field] === '');
		if (missing.length > 0) invalid(`missing required field(s): ${missing.join(', ')}`);
		const moneyDigits = body.moneyDigits === undefined ? this.options.defaultMoneyDigits : this.wholeNumber(body.moneyDigits, 'moneyDigits', 0, 10);
		const now = this.options.now();
		const trader: TraderRecord = {
			login: this.nextLogin++,
			...this.validatedSettings(body, 'create'),
			hashedPassword: this.validatedPassword(body.hashedPassword),
			moneyDigits,
			balance: this.moneyUnits(body.balance, 'balance'),
			bonus: 0n,
			nonWithdrawableBonus: 0n,
			registrationTimestamp: now,
			lastUpdateTimestamp: now,
		} as TraderRecord;
		this.traders.set(trader.login, trader);
		// [inference] 201 like the docs' other create calls (ctid/create).
		return { status: 201, body: this.traderJson(trader) };
	}

	private updateTrader(req: SandboxRequest, mode: 'patch' | 'put'): SandboxResponse {
		const trader = this.requireTrader(req.params.login);
		const body = this.objectBody(req);
		if (mode === 'put') {
			const missing = REQUIRED_ON_PUT.filter((field) => body[field] === undefined || body[field] === null || body[field] === '');
			if (missing.length > 0) invalid(`PUT replaces the whole trader; missing required field(s): ${missing.join(', ')}`);
		}
		const settings = this.validatedSettings(body, mode);
		const password = body.hashedPassword === undefined ? trader.hashedPassword : this.validatedPassword(body.hashedPassword);
		// Neither call changes money: balance, bonus and moneyDigits in the body are ignored [inference].
		if (mode === 'put') {
			Object.assign(trader, {
				name: undefined,
				lastName: undefined,
				description: undefined,
				contactDetails: {},
				swapFree: false,
				sendOwnStatement: false,
				limitedRisk: false,
			});
		}
		Object.assign(trader, settings, { hashedPassword: password, lastUpdateTimestamp: this.options.now() });
		return { body: this.traderJson(trader) };
	}

	private listTraders(req: SandboxRequest): SandboxResponse {
		const from = this.requiredTime(req, 'from');
		const to = this.requiredTime(req, 'to');
		if (to < from) invalid('"to" must not be before "from"');
		const groupId = req.query.get('groupId');
		let groupName: string | undefined;
		if (groupId !== null) {
			const group = this.groups.find((g) => String(g.id) === groupId);
			if (!group) fail(404, 'TRADER_GROUP_NOT_FOUND', `trader group ${groupId} not found`);
			groupName = group.name;
		}
		const fields = req.query.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
		const matching = [...this.traders.values()]
			.filter((t) => t.registrationTimestamp >= from && t.registrationTimestamp <= to && (!groupName || t.groupName === groupName))
			.sort((a, b) => a.registrationTimestamp - b.registrationTimestamp || a.login - b.login);
		const page = matching.slice(0, this.options.traderListLimit).map((t) => {
			const json = this.traderJson(t);
			if (!fields) return json;
			return Object.fromEntries(Object.entries(json).filter(([key]) => key === 'login' || fields.includes(key)));
		});
		return { body: { trader: page, hasMore: matching.length > page.length } };
	}

	private changeBalance(req: SandboxRequest): SandboxResponse {
		const trader = this.requireTrader(req.params.login);
		const body = this.objectBody(req);
		const missing = ['login', 'preciseAmount', 'type'].filter((field) => body[field] === undefined || body[field] === null || body[field] === '');
		if (missing.length > 0) invalid(`missing required field(s): ${missing.join(', ')}`);
		if (Number(body.login) !== trader.login) invalid(`login in the body (${String(body.login)}) differs from the login in the URL (${trader.login})`);
		const type = String(body.type) as BalanceChangeType;
		if (!BALANCE_CHANGE_TYPES.includes(type)) invalid(`type must be one of ${BALANCE_CHANGE_TYPES.join(', ')}`);

		let amount: bigint;
		let preciseAmount: string;
		try {
			preciseAmount = parseDecimal(body.preciseAmount, 'preciseAmount');
			amount = toMinorUnits(preciseAmount, trader.moneyDigits, undefined, 'preciseAmount');
		} catch (error) {
			if (error instanceof MoneyError) fail(400, 'CHANGE_BALANCE_BAD_AMOUNT', `preciseAmount: ${error.message}`);
			throw error;
		}
		if (amount <= 0n) fail(400, 'CHANGE_BALANCE_BAD_AMOUNT', 'preciseAmount must be a positive number; the direction comes from type');

		const externalId = body.externalId === undefined || body.externalId === null || body.externalId === '' ? undefined : String(body.externalId);
		if (externalId !== undefined && this.options.externalIdPolicy === 'reject') {
			const earlier = this.externalIds.get(externalId);
			if (earlier !== undefined) {
				invalid(`externalId "${externalId}" was already used by balanceHistoryId ${earlier}; the balance was not changed`);
			}
		}

		const skipMarginCheck = body.skipMarginCheck === true;
		let delta: bigint;
		let balanceAfter: bigint;
		switch (type) {
			case 'DEPOSIT':
				delta = amount;
				trader.balance += amount;
				balanceAfter = trader.balance;
				break;
			case 'WITHDRAW': {
				const { freeMargin } = this.marginOf(trader);
				if (!skipMarginCheck && (amount > trader.balance || amount > freeMargin)) {
					fail(
						400,
						'NOT_ENOUGH_MONEY',
						`cannot withdraw ${preciseAmount}: balance is ${fromMinorUnits(trader.balance, trader.moneyDigits)}, free margin ${fromMinorUnits(freeMargin, trader.moneyDigits)}`,
					);
				}
				delta = -amount;
				trader.balance -= amount;
				balanceAfter = trader.balance;
				break;
			}
			case 'DEPOSIT_NONWITHDRAWABLE_BONUS':
				delta = amount;
				trader.nonWithdrawableBonus += amount;
				balanceAfter = trader.nonWithdrawableBonus;
				break;
			case 'WITHDRAW_NONWITHDRAWABLE_BONUS':
				if (!skipMarginCheck && amount > trader.nonWithdrawableBonus) {
					fail(400, 'NOT_ENOUGH_MONEY', `cannot remove ${preciseAmount}: non-withdrawable bonus is ${fromMinorUnits(trader.nonWithdrawableBonus, trader.moneyDigits)}`);
				}
				delta = -amount;
				trader.nonWithdrawableBonus -= amount;
				balanceAfter = trader.nonWithdrawableBonus;
				break;
		}
		const entry: BalanceHistoryEntry = {
			balanceHistoryId: this.nextBalanceHistoryId++,
			login: trader.login,
			type,
			delta,
			balanceAfter,
			moneyDigits: trader.moneyDigits,
			preciseAmount,
			comment: body.comment === undefined ? undefined : String(body.comment),
			externalId,
			externalNote: body.externalNote === undefined ? undefined : String(body.externalNote),
			source: body.source === undefined ? undefined : String(body.source),
			skipMarginCheck,
			changeBalanceTimestamp: this.options.now(),
		};
		this.history.push(entry);
		if (externalId !== undefined && !this.externalIds.has(externalId)) this.externalIds.set(externalId, entry.balanceHistoryId);
		trader.lastUpdateTimestamp = entry.changeBalanceTimestamp;
		return { body: { balanceHistoryId: entry.balanceHistoryId } };
	}

	private changeTraderPassword(req: SandboxRequest): SandboxResponse {
		const trader = this.requireTrader(req.params.login);
		const body = this.objectBody(req);
		trader.hashedPassword = this.validatedPassword(body.hashedPassword);
		trader.lastUpdateTimestamp = this.options.now();
		return { status: 204 };
	}

	private checkTraderPassword(req: SandboxRequest): SandboxResponse {
		const trader = this.requireTrader(req.params.login);
		const body = this.objectBody(req);
		if (this.validatedPassword(body.hashedPassword) !== trader.hashedPassword) fail(400, 'WRONG_PASSWORD', 'The password is incorrect');
		return { status: 204 };
	}

	private openPositionsCsv(req: SandboxRequest): SandboxResponse {
		const login = this.optionalLogin(req);
		const rows = this.openPositions
			.filter((p) => login === undefined || p.login === login)
			.map((p) => ({ ...p, openTimestamp: formatCTraderTime(p.openTimestamp) }));
		return { headers: { 'content-type': 'text/csv; charset=utf-8' }, body: toCsv(OPEN_POSITION_COLUMNS, rows) };
	}

	private closedPositionsCsv(req: SandboxRequest): SandboxResponse {
		const from = this.requiredTime(req, 'from');
		const to = this.requiredTime(req, 'to');
		if (to < from) invalid('"to" must not be before "from"');
		if (to - from > CLOSED_POSITIONS_MAX_WINDOW_MS) invalid('the period between "from" and "to" must not exceed 2 days');
		const login = this.optionalLogin(req);
		const rows = this.closedPositions
			.filter((p) => p.closeTimestamp >= from && p.closeTimestamp <= to && (login === undefined || p.login === login))
			.sort((a, b) => a.closeTimestamp - b.closeTimestamp || a.closingDealId - b.closingDealId)
			.map((p) => ({ ...p, openTimestamp: formatCTraderTime(p.openTimestamp), closeTimestamp: formatCTraderTime(p.closeTimestamp) }));
		return { headers: { 'content-type': 'text/csv; charset=utf-8' }, body: toCsv(CLOSED_POSITION_COLUMNS, rows) };
	}

	// -------------------------------------------------------------------------------------------
	// Validation and views
	// -------------------------------------------------------------------------------------------

	private objectBody(req: SandboxRequest): Record<string, unknown> {
		const body = req.json<unknown>();
		if (body === null || typeof body !== 'object' || Array.isArray(body)) invalid('the request body must be a JSON object');
		return body as Record<string, unknown>;
	}

	/** The settings create/PATCH/PUT share; only the fields present are returned. */
	private validatedSettings(body: Record<string, unknown>, mode: 'create' | 'patch' | 'put'): Partial<TraderRecord> {
		const settings: Partial<TraderRecord> = {};
		const oneOf = <T extends string>(field: string, allowed: readonly T[]): T | undefined => {
			if (body[field] === undefined) return undefined;
			const value = String(body[field]);
			if (!allowed.includes(value as T)) invalid(`${field} must be one of ${allowed.join(', ')}`);
			return value as T;
		};
		const accessRights = oneOf('accessRights', ACCESS_RIGHTS);
		if (accessRights) settings.accessRights = accessRights;
		const accountType = oneOf('accountType', ACCOUNT_TYPES);
		if (accountType) settings.accountType = accountType;
		const marginType = oneOf('totalMarginCalculationType', MARGIN_CALCULATION_TYPES);
		if (marginType) settings.totalMarginCalculationType = marginType;
		else if (mode === 'create') settings.totalMarginCalculationType = 'MAX';
		if (body.brokerName !== undefined) {
			if (body.brokerName !== this.options.brokerName) fail(400, 'CH_PLANT_INVALID', `broker "${String(body.brokerName)}" is not found at this plant`);
			settings.brokerName = this.options.brokerName;
		}
		if (body.depositCurrency !== undefined) {
			const currency = String(body.depositCurrency);
			if (!/^[A-Z0-9]{2,10}$/.test(currency)) invalid('depositCurrency must be an asset name such as "USD"');
			settings.depositCurrency = currency;
		}
		if (body.groupName !== undefined) {
			const name = String(body.groupName);
			if (!this.groups.some((group) => group.name === name)) fail(400, 'TRADER_GROUP_NOT_FOUND', `trader group "${name}" not found`);
			settings.groupName = name;
		}
		if (body.leverageInCents !== undefined) settings.leverageInCents = this.wholeNumber(body.leverageInCents, 'leverageInCents', 100, 10_000_000);
		for (const field of ['name', 'lastName', 'description'] as const) {
			if (body[field] !== undefined && body[field] !== null) settings[field] = String(body[field]);
		}
		if (body.contactDetails !== undefined) {
			if (body.contactDetails === null || typeof body.contactDetails !== 'object' || Array.isArray(body.contactDetails)) invalid('contactDetails must be an object');
			settings.contactDetails = { ...(body.contactDetails as Record<string, unknown>) };
		} else if (mode === 'create') settings.contactDetails = {};
		for (const field of ['swapFree', 'sendOwnStatement', 'limitedRisk'] as const) {
			if (body[field] === undefined) {
				if (mode === 'create') settings[field] = false;
				continue;
			}
			if (typeof body[field] !== 'boolean') invalid(`${field} must be true or false`);
			settings[field] = body[field] as boolean;
		}
		return settings;
	}

	private validatedPassword(value: unknown): string {
		const text = String(value ?? '');
		if (!MD5_HEX.test(text)) invalid('hashedPassword must be the MD5 of the password, as 32 hexadecimal characters');
		return text.toLowerCase();
	}

	private wholeNumber(value: unknown, field: string, min: number, max: number): number {
		const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
		if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
			invalid(`${field} must be a whole number from ${min} to ${max}`);
		}
		return number;
	}

	/** A money field given in 10^moneyDigits units (a long, or a string of digits as in the docs' "00"). */
	private moneyUnits(value: unknown, field: string): bigint {
		const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
		if (!/^\d+$/.test(text)) invalid(`${field} must be a whole number of 10^moneyDigits units (e.g. 234512 for 2345.12 with moneyDigits 2)`);
		return BigInt(text);
	}

	private requiredTime(req: SandboxRequest, name: string): number {
		const text = req.query.get(name);
		if (text === null || text === '') invalid(`the "${name}" query parameter is required (yyyy-MM-ddTHH:mm:ss.SSS, UTC)`);
		const ms = parseCTraderTime(text);
		if (ms === undefined) invalid(`"${name}" must be yyyy-MM-ddTHH:mm:ss.SSS in UTC, got "${text}"`);
		return ms;
	}

	private optionalLogin(req: SandboxRequest): number | undefined {
		const login = req.query.get('login');
		if (login === null || login === '') return undefined;
		return this.requireTrader(login).login;
	}

	private requireTrader(login: string | number): TraderRecord {
		const record = /^\d+$/.test(String(login)) ? this.traders.get(Number(login)) : undefined;
		if (!record) fail(404, 'TRADER_NOT_FOUND', `trader ${String(login)} not found`);
		return record;
	}

	private requireTraderRecord(login: number): TraderRecord {
		const record = this.traders.get(login);
		if (!record) throw new Error(`no trader ${login} in the cTrader sandbox`);
		return record;
	}

	/** Equity, used and free margin in 10^moneyDigits units, from the open positions. */
	private marginOf(trader: TraderRecord): { equity: bigint; usedMargin: bigint; freeMargin: bigint } {
		let floating = 0n;
		let usedMargin = 0n;
		for (const position of this.openPositions) {
			if (position.login !== trader.login) continue;
			floating += toMinorUnits(position.unrealizedPnl, trader.moneyDigits, 'half-up');
			usedMargin += toMinorUnits(position.usedMargin, trader.moneyDigits, 'half-up');
		}
		const equity = trader.balance + trader.nonWithdrawableBonus + floating;
		return { equity, usedMargin, freeMargin: equity - usedMargin };
	}

	private traderJson(trader: TraderRecord): Record<string, unknown> {
		const { equity, usedMargin, freeMargin } = this.marginOf(trader);
		const money = (value: bigint, field: string) => minorUnitsToNumber(value, field);
		return {
			login: trader.login,
			groupName: trader.groupName,
			depositCurrency: trader.depositCurrency,
			accessRights: trader.accessRights,
			brokerName: trader.brokerName,
			balance: money(trader.balance, 'balance'),
			bonus: money(trader.bonus, 'bonus'),
			nonWithdrawableBonus: money(trader.nonWithdrawableBonus, 'nonWithdrawableBonus'),
			leverageInCents: trader.leverageInCents,
			...(trader.name !== undefined ? { name: trader.name } : {}),
			...(trader.lastName !== undefined ? { lastName: trader.lastName } : {}),
			...(trader.description !== undefined ? { description: trader.description } : {}),
			contactDetails: trader.contactDetails,
			registrationTimestamp: trader.registrationTimestamp,
			lastUpdateTimestamp: trader.lastUpdateTimestamp,
			equity: money(equity, 'equity'),
			usedMargin: money(usedMargin, 'usedMargin'),
			freeMargin: money(freeMargin, 'freeMargin'),
			accountType: trader.accountType,
			limitedRisk: trader.limitedRisk,
			sendOwnStatement: trader.sendOwnStatement,
			swapFree: trader.swapFree,
			totalMarginCalculationType: trader.totalMarginCalculationType,
			isLimitedRisk: trader.limitedRisk,
			moneyDigits: trader.moneyDigits,
		};
	}

	private balanceHistoryJson(entry: BalanceHistoryEntry): Record<string, unknown> {
		return {
			balanceHistoryId: entry.balanceHistoryId,
			login: entry.login,
			type: entry.type,
			delta: fromMinorUnits(entry.delta, entry.moneyDigits),
			balanceAfter: fromMinorUnits(entry.balanceAfter, entry.moneyDigits),
			preciseAmount: entry.preciseAmount,
			comment: entry.comment,
			externalId: entry.externalId,
			externalNote: entry.externalNote,
			source: entry.source,
			skipMarginCheck: entry.skipMarginCheck,
			changeBalanceTimestamp: formatCTraderTime(entry.changeBalanceTimestamp),
		};
	}

	private seedDefaults(): void {
		const registered = Date.UTC(2024, 0, 15, 9, 30, 0);
		const usd = this.seedTrader({
			name: 'Maria',
			lastName: 'Georgiou',
			email: 'maria.georgiou@example.com',
			depositCurrency: 'USD',
			groupName: 'Standard',
			balance: '2345.12',
			registrationTimestamp: registered,
		});
		this.seedTrader({
			name: 'Jonas',
			lastName: 'Weber',
			email: 'jonas.weber@example.com',
			depositCurrency: 'EUR',
			groupName: 'ECN',
			balance: '0',
			leverageInCents: 3000,
			registrationTimestamp: registered + DAY_MS,
		});
		const closedAt = Date.UTC(2024, 2, 4, 14, 0, 0);
		this.seedClosedPositions([
			{ login: usd, closeTimestamp: closedAt, symbol: 'EURUSD', direction: 'BUY', volume: '100000', entryPrice: '1.08500', closePrice: '1.08620', commission: '-3.50', swap: '0.00', netPnl: '116.50' },
			{ login: usd, closeTimestamp: closedAt + 3_600_000, symbol: 'GBPUSD', direction: 'SELL', volume: '50000', entryPrice: '1.26800', closePrice: '1.26950', commission: '-1.75', swap: '-0.42', netPnl: '-77.17' },
		]);
	}
}
