/**
 * What the simulated MT5 server holds: groups, client accounts (user record + trade account), deals
 * and open positions, and the rules that change them. Endpoints read requests and render answers;
 * everything that decides an outcome lives here, so seeding helpers and requests follow one rule set.
 *
 * Deals are kept per login in arrays sorted by `TimeMsc` (then ticket), and once more in one array
 * sorted by ticket. A time-window query is two binary searches and a page is a slice: paging a login
 * with a million deals costs O(log n + page), which the deal-history benchmark relies on.
 */
import { currencyDigits } from '../../lib/money';
import { formatMinor, parseAmount, toMinor } from './amounts';
import { groupMatcher } from './params';
import { Mt5Error, RET } from './retcodes';
import type { ServerClock } from './time';

// ---------------------------------------------------------------------------------------------
// Configuration

/**
 * A manager's API permissions (MQ docs `webapi_preparing`, the manager's Permissions tab):
 * `accountant` = balance operations, `accountsRead` = "Access to accounts", `accountsModify` =
 * "Modify accounts", `tradesRead` = "Access to trade orders" (deals, positions).
 */
export type ManagerRight = 'accountant' | 'accountsRead' | 'accountsModify' | 'tradesRead';
export const ALL_MANAGER_RIGHTS: readonly ManagerRight[] = ['accountant', 'accountsRead', 'accountsModify', 'tradesRead'];

export interface ManagerAccount {
	login: number;
	/** The manager's API password (Security tab). */
	password: string;
	/** Default: every right. */
	rights?: ManagerRight[];
}

export interface GroupConfig {
	/** A path with backslashes, e.g. "real\\standard" (`webapi_group_get`). */
	name: string;
	currency: string;
	/** Margin call and stop-out levels in percent of margin level. */
	marginCall: number;
	marginStopOut: number;
	company?: string;
}

export const DEFAULT_GROUPS: readonly GroupConfig[] = [
	{ name: 'demo\\forex', currency: 'USD', marginCall: 100, marginStopOut: 50 },
	{ name: 'real\\standard', currency: 'USD', marginCall: 80, marginStopOut: 30 },
	{ name: 'real\\gold', currency: 'USD', marginCall: 70, marginStopOut: 25 },
	{ name: 'real\\vip', currency: 'USD', marginCall: 50, marginStopOut: 20 },
	{ name: 'real\\ecn', currency: 'USD', marginCall: 100, marginStopOut: 50 },
	{ name: 'real\\eur', currency: 'EUR', marginCall: 80, marginStopOut: 30 },
];

export interface SymbolSpec {
	digits: number;
	contractSize: number;
}

export const SYMBOLS: Readonly<Record<string, SymbolSpec>> = {
	EURUSD: { digits: 5, contractSize: 100_000 },
	GBPUSD: { digits: 5, contractSize: 100_000 },
	USDJPY: { digits: 3, contractSize: 100_000 },
	XAUUSD: { digits: 2, contractSize: 100 },
};

/** `webapi_user_add`: leverage must be 1..500. */
export const MAX_LEVERAGE = 500;
/** `webapi_trade_balance`: more than this in one operation is retcode 4005. */
export const MAX_BALANCE_OPERATION = 1_000_000_000;
/** `webapi_trade_balance`: "comment — up to 32 characters" including the terminating zero. */
export const COMMENT_MAX_CHARS = 31;
/** USER_RIGHT_DEFAULT = ENABLED|PASSWORD|TRAILING|EXPERT|REPORTS (MQ docs `imtuser_enum`). */
export const DEFAULT_USER_RIGHTS = 0x163;

/** EnDealAction (`webapi_deal_data_structure`). */
export const DEAL_ACTION = { BUY: 0, SELL: 1, BALANCE: 2, CREDIT: 3, CHARGE: 4, CORRECTION: 5, BONUS: 6 } as const;
/** EnDealEntry. */
export const DEAL_ENTRY = { IN: 0, OUT: 1 } as const;
/** EnDealReason: a balance operation from the Web API is the dealer's; seeded trades the client's. */
export const DEAL_REASON = { CLIENT: 0, DEALER: 2 } as const;

// ---------------------------------------------------------------------------------------------
// Records

/** Free-text fields of the user record (`webapi_user_data_structure`), by their JSON names. */
export const USER_TEXT_FIELDS = [
	'Name',
	'FirstName',
	'LastName',
	'MiddleName',
	'Company',
	'Account',
	'Country',
	'City',
	'State',
	'ZIPCode',
	'Address',
	'Phone',
	'Email',
	'ID',
	'Status',
	'Comment',
	'PhonePassword',
	'LeadSource',
	'LeadCampaign',
	'MQID',
] as const;
export type UserTextField = (typeof USER_TEXT_FIELDS)[number];

/** Whole-number fields a manager may set. Leverage and Rights have their own rules. */
export const USER_NUMBER_FIELDS = ['Language', 'Color', 'Agent'] as const;
export type UserNumberField = (typeof USER_NUMBER_FIELDS)[number];

export interface User {
	login: number;
	group: GroupConfig;
	leverage: number;
	rights: number;
	text: Record<UserTextField, string>;
	numbers: Record<UserNumberField, number>;
	/** Server epoch seconds. */
	registration: number;
	lastAccess: number;
	lastPassChange: number;
	passMain: string;
	passInvestor: string;
	balanceMinor: number;
	creditMinor: number;
	/** Sorted by timeMsc, then ticket. */
	deals: Deal[];
	positions: Position[];
}

export class Deal {
	constructor(
		readonly ticket: number,
		readonly login: number,
		readonly action: number,
		readonly entry: number,
		readonly reason: number,
		/** Server epoch milliseconds. */
		readonly timeMsc: number,
		readonly symbol: string,
		readonly price: number,
		/** 1/10000 lot (`webapi_deal_data_structure`: "one unit corresponds to 1/10000 lot"). */
		readonly volume: number,
		readonly profitMinor: number,
		readonly storageMinor: number,
		readonly commissionMinor: number,
		readonly order: number,
		readonly positionId: number,
		readonly comment: string,
		readonly dealer: number,
	) {}
}

export interface Position {
	ticket: number;
	login: number;
	symbol: string;
	action: number;
	timeCreateMsc: number;
	timeUpdateMsc: number;
	priceOpen: number;
	priceCurrent: number;
	volume: number;
	profitMinor: number;
	storageMinor: number;
	marginMinor: number;
	comment: string;
}

/** Account figures in minor units (`webapi_user_account_get`). */
export interface AccountFigures {
	balance: number;
	credit: number;
	profit: number;
	storage: number;
	floating: number;
	equity: number;
	margin: number;
	marginFree: number;
	/** Percent; 0 without margin. */
	marginLevel: number;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** user/add after parameter parsing; validation happens in the store. */
export interface NewUser {
	login?: number;
	group?: string;
	leverage?: number;
	passMain?: string;
	passInvestor?: string;
	rights?: number;
	text: Partial<Record<UserTextField, string>>;
	numbers: Partial<Record<UserNumberField, number>>;
}

/** user/update: fields present are applied when valid, silently skipped otherwise. */
export interface UserChanges {
	group?: string;
	leverage?: unknown;
	rights?: unknown;
	text: Partial<Record<UserTextField, unknown>>;
	numbers: Partial<Record<UserNumberField, unknown>>;
}

/** A UTC instant: ISO-8601 text, a Date or epoch milliseconds. */
export type UtcInstant = string | Date | number;

export interface TradeSeed {
	symbol: string;
	side: 'buy' | 'sell';
	volumeLots: number;
	openPrice: number;
	closePrice: number;
	openTime?: UtcInstant;
	closeTime?: UtcInstant;
	/** Realised profit in the account currency, on the OUT deal. */
	profit: number;
	/** Swap (MT5 "Storage"), on the OUT deal. */
	swap?: number;
	/** The round trip's commission, signed as MT5 shows it (negative = charged); half on each deal. */
	commission?: number;
	comment?: string;
}

export interface PositionSeed {
	symbol: string;
	side: 'buy' | 'sell';
	volumeLots: number;
	openPrice: number;
	currentPrice?: number;
	openTime?: UtcInstant;
	/** Floating profit in the account currency. */
	profit?: number;
	swap?: number;
	/** Margin held, in the account currency. */
	margin: number;
	/** Charged on the IN deal, signed (negative = charged). */
	commission?: number;
	comment?: string;
}

export interface ClosePositionSeed {
	closePrice: number;
	closeTime?: UtcInstant;
	/** Default: the position's floating profit. */
	profit?: number;
	/** Default: the position's accrued swap. */
	swap?: number;
	commission?: number;
}

export interface BulkDealsSeed {
	/** How many deals (IN/OUT pairs are made; an odd count ends with an IN). */
	count: number;
	/** The first deal's time (UTC); later deals follow every `stepSeconds` of SERVER clock. */
	start: UtcInstant;
	stepSeconds?: number;
	symbol?: string;
	volumeLots?: number;
	/** Profit of each OUT deal. */
	profit?: number;
}

export interface AccountSeed {
	login?: number;
	group: string;
	name?: string;
	leverage?: number;
	email?: string;
	country?: string;
	phone?: string;
	passMain?: string;
	passInvestor?: string;
	registered?: UtcInstant;
	/** An initial deposit (a balance deal at registration). */
	balance?: number;
	/** Initial credit (a credit deal at registration). */
	credit?: number;
	trades?: TradeSeed[];
	positions?: PositionSeed[];
}

export interface BalanceRequest {
	login: number;
	type: number;
	/** The decimal amount as sent, signed. */
	amount: string;
	comment: string;
	checkMargin: boolean;
	dealer: number;
}

export interface StoreOptions {
	groups: readonly GroupConfig[];
	firstLogin: number;
	lastLogin: number;
	firstDealTicket: number;
	firstOrderTicket: number;
}

// ---------------------------------------------------------------------------------------------

const SEED_PASSWORD = 'Sandbox#Pass1';
const SEED_INVESTOR = 'Sandbox#Inv1';

export class Mt5Store {
	private readonly groups = new Map<string, GroupConfig>();
	private readonly users = new Map<number, User>();
	private readonly positions = new Map<number, Position>();
	/** Every deal, ascending ticket: tickets are allocated in creation order. */
	private readonly dealsByTicket: Deal[] = [];
	private nextLogin: number;
	private nextDeal: number;
	private nextOrder: number;

	constructor(
		private readonly clock: ServerClock,
		private readonly options: StoreOptions,
	) {
		for (const group of options.groups) {
			currencyDigits(group.currency, `currency of group ${group.name}`);
			this.groups.set(group.name.toLowerCase(), { ...group });
		}
		this.nextLogin = options.firstLogin;
		this.nextDeal = options.firstDealTicket;
		this.nextOrder = options.firstOrderTicket;
	}

	// --- groups -------------------------------------------------------------------------------

	/** Group names compare case-insensitively, as on the server. */
	group(name: string): GroupConfig | undefined {
		return this.groups.get(name.toLowerCase());
	}

	groupsMatching(mask: string): GroupConfig[] {
		const matches = groupMatcher(mask);
		return [...this.groups.values()].filter((g) => matches(g.name));
	}

	allGroups(): GroupConfig[] {
		return [...this.groups.values()];
	}

	digitsOf(user: User): number {
		return currencyDigits(user.group.currency);
	}

	// --- users --------------------------------------------------------------------------------

	findUser(login: number): User | undefined {
		return this.users.get(login);
	}

	/** The user, or retcode 13 (`webapi_user_get`: "not found"). */
	user(login: number): User {
		const user = this.users.get(login);
		if (!user) throw new Mt5Error(RET.ERR_NOTFOUND, `no account ${login}`);
		return user;
	}

	allUsers(): User[] {
		return [...this.users.values()].sort((a, b) => a.login - b.login);
	}

	usersInGroups(mask: string): User[] {
		const matches = groupMatcher(mask);
		return this.allUsers().filter((u) => matches(u.group.name));
	}

	/** Existing users among `logins`, in the order asked; unknown logins are skipped. */
	usersByLogin(logins: number[]): User[] {
		return logins.map((login) => this.users.get(login)).filter((u): u is User => u !== undefined);
	}

	/** `webapi_user_add`. Login 0 or none: the server allocates one from its range. */
	addUser(input: NewUser): User {
		const group = input.group === undefined ? undefined : this.group(input.group);
		if (!group) throw new Mt5Error(RET.ERR_PARAMS, `group "${input.group ?? ''}" does not exist`);
		if (!isLeverage(input.leverage)) throw new Mt5Error(RET.ERR_PARAMS, `leverage must be 1..${MAX_LEVERAGE}`);
		if (!input.text.Name) throw new Mt5Error(RET.ERR_PARAMS, 'name is required');
		for (const [which, password] of [
			['PassMain', input.passMain],
			['PassInvestor', input.passInvestor],
		] as const) {
			const problem = passwordProblem(password);
			if (problem) throw new Mt5Error(RET.USR_INVALID_PASSWORD, `${which} ${problem}`);
		}
		const login = input.login ? this.claimLogin(input.login) : this.allocateLogin();
		const now = this.clock.serverNow();
		const text = Object.fromEntries(USER_TEXT_FIELDS.map((f) => [f, input.text[f] ?? ''])) as Record<UserTextField, string>;
		const numbers = Object.fromEntries(USER_NUMBER_FIELDS.map((f) => [f, input.numbers[f] ?? 0])) as Record<UserNumberField, number>;
		const user: User = {
			login,
			group,
			leverage: input.leverage,
			rights: input.rights ?? DEFAULT_USER_RIGHTS,
			text,
			numbers,
			registration: now,
			lastAccess: now,
			lastPassChange: now,
			passMain: input.passMain as string,
			passInvestor: input.passInvestor as string,
			balanceMinor: 0,
			creditMinor: 0,
			deals: [],
			positions: [],
		};
		this.users.set(login, user);
		return user;
	}

	private claimLogin(login: number): number {
		if (this.users.has(login)) throw new Mt5Error(RET.USR_LOGIN_EXIST, `account ${login} already exists`);
		return login;
	}

	private allocateLogin(): number {
		while (this.users.has(this.nextLogin)) this.nextLogin++;
		if (this.nextLogin > this.options.lastLogin) {
			throw new Mt5Error(RET.USR_LOGIN_EXHAUSTED, `logins ${this.options.firstLogin}..${this.options.lastLogin} are all used`);
		}
		return this.nextLogin++;
	}

	/**
	 * `webapi_user_update`: "if an invalid value is passed, it is ignored and the old value is kept"
	 * (leverage 0 or above 500, a group that does not exist, a non-number). The one loud refusal is a
	 * move to a group in another currency: 3010, and nothing changes.
	 */
	updateUser(login: number, changes: UserChanges): User {
		const user = this.user(login);
		const target = changes.group === undefined ? undefined : this.group(changes.group);
		if (target && target.currency.toUpperCase() !== user.group.currency.toUpperCase()) {
			throw new Mt5Error(
				RET.USR_DIFFERENT_CURRENCY,
				`${login} is in ${user.group.currency} (${user.group.name}); ${target.name} is in ${target.currency}`,
			);
		}
		if (target) user.group = target;
		const leverage = wholeNumber(changes.leverage);
		if (isLeverage(leverage)) user.leverage = leverage;
		const rights = wholeNumber(changes.rights);
		if (rights !== undefined && rights >= 0) user.rights = rights;
		for (const field of USER_TEXT_FIELDS) {
			const value = changes.text[field];
			if (typeof value === 'string') user.text[field] = value;
		}
		for (const field of USER_NUMBER_FIELDS) {
			const value = wholeNumber(changes.numbers[field]);
			if (value !== undefined && value >= 0) user.numbers[field] = value;
		}
		return user;
	}

	/** `user/check_password`: 3006 when it does not match. */
	checkPassword(login: number, type: string, password: string): void {
		const user = this.user(login);
		const expected = type.toLowerCase() === 'investor' ? user.passInvestor : user.passMain;
		if (password !== expected) throw new Mt5Error(RET.USR_INVALID_PASSWORD, 'the password does not match');
	}

	// --- account figures ----------------------------------------------------------------------

	figures(user: User): AccountFigures {
		let profit = 0;
		let storage = 0;
		let margin = 0;
		for (const position of user.positions) {
			profit += position.profitMinor;
			storage += position.storageMinor;
			margin += position.marginMinor;
		}
		const floating = profit + storage;
		const equity = user.balanceMinor + user.creditMinor + floating;
		return {
			balance: user.balanceMinor,
			credit: user.creditMinor,
			profit,
			storage,
			floating,
			equity,
			margin,
			marginFree: equity - margin,
			marginLevel: margin > 0 ? (equity / margin) * 100 : 0,
		};
	}

	// --- balance operations -------------------------------------------------------------------

	/**
	 * `webapi_trade_balance`. Type 2 balance, 3 credit, 4 charge, 5 correction, 6 bonus; anything
	 * else is 3. More than 1,000,000,000 is 4005. A withdrawal beyond the balance, credit taken
	 * back beyond the credit given, or (with check_margin, the default) beyond free margin is 10019.
	 * The operation is a deal: Action = type, Entry IN, no symbol, the amount in Profit.
	 */
	balance(request: BalanceRequest): Deal {
		const { login, type } = request;
		if (type < DEAL_ACTION.BALANCE || type > DEAL_ACTION.BONUS || !Number.isInteger(type)) {
			throw new Mt5Error(RET.ERR_PARAMS, `type ${type} is not a balance operation (2..6)`);
		}
		const user = this.user(login);
		const digits = this.digitsOf(user);
		const amount = parseAmount(request.amount, digits, 'balance');
		if (amount === 0) throw new Mt5Error(RET.ERR_PARAMS, 'the amount is zero');
		if (Math.abs(amount) > MAX_BALANCE_OPERATION * 10 ** digits) {
			throw new Mt5Error(RET.TRADE_MAX_MONEY, `more than ${MAX_BALANCE_OPERATION} in one operation`);
		}
		if (amount < 0) this.checkWithdrawal(user, type, -amount, request.checkMargin);
		if (type === DEAL_ACTION.CREDIT) user.creditMinor += amount;
		else user.balanceMinor += amount;
		return this.addDeal(
			login,
			type,
			DEAL_ENTRY.IN,
			DEAL_REASON.DEALER,
			this.clock.serverNowMsc(),
			'',
			0,
			0,
			amount,
			0,
			0,
			0,
			0,
			truncateComment(request.comment),
			request.dealer,
		);
	}

	private checkWithdrawal(user: User, type: number, amount: number, checkMargin: boolean): void {
		const digits = this.digitsOf(user);
		const show = (minor: number) => formatMinor(minor, digits);
		if (type === DEAL_ACTION.BALANCE && amount > user.balanceMinor) {
			throw new Mt5Error(RET.REQUEST_NO_MONEY, `withdrawing ${show(amount)} from a balance of ${show(user.balanceMinor)}`);
		}
		if (type === DEAL_ACTION.CREDIT && amount > user.creditMinor) {
			throw new Mt5Error(RET.REQUEST_NO_MONEY, `taking back ${show(amount)} of credit from ${show(user.creditMinor)} given`);
		}
		const free = this.figures(user).marginFree;
		if (checkMargin && amount > free) {
			throw new Mt5Error(RET.REQUEST_NO_MONEY, `withdrawing ${show(amount)} with free margin ${show(free)}`);
		}
	}

	// --- deals --------------------------------------------------------------------------------

	/** Creates a deal with the next ticket and files it under its login, in time order. */
	private addDeal(
		login: number,
		action: number,
		entry: number,
		reason: number,
		timeMsc: number,
		symbol: string,
		price: number,
		volume: number,
		profitMinor: number,
		storageMinor: number,
		commissionMinor: number,
		order: number,
		positionId: number,
		comment: string,
		dealer: number,
	): Deal {
		const deal = new Deal(
			this.nextDeal++,
			login,
			action,
			entry,
			reason,
			timeMsc,
			symbol,
			price,
			volume,
			profitMinor,
			storageMinor,
			commissionMinor,
			order,
			positionId,
			comment,
			dealer,
		);
		this.dealsByTicket.push(deal);
		const deals = this.user(login).deals;
		if (deals.length === 0 || deals[deals.length - 1].timeMsc <= timeMsc) deals.push(deal);
		else deals.splice(firstAfter(deals, timeMsc), 0, deal);
		return deal;
	}

	dealCount(): number {
		return this.dealsByTicket.length;
	}

	lastDeals(count: number): Deal[] {
		return this.dealsByTicket.slice(-count);
	}

	dealByTicket(ticket: number): Deal | undefined {
		let low = 0;
		let high = this.dealsByTicket.length - 1;
		while (low <= high) {
			const mid = (low + high) >>> 1;
			const t = this.dealsByTicket[mid].ticket;
			if (t === ticket) return this.dealsByTicket[mid];
			if (t < ticket) low = mid + 1;
			else high = mid - 1;
		}
		return undefined;
	}

	/**
	 * The user's deals with `from` ≤ Time ≤ `to` (server epoch seconds, both ends inclusive,
	 * `webapi_deal_get_page`), as index bounds into `user.deals`.
	 */
	dealRange(user: User, fromSeconds: number, toSeconds: number): { start: number; end: number } {
		const start = firstAtOrAfter(user.deals, fromSeconds * 1000);
		const end = firstAtOrAfter(user.deals, (toSeconds + 1) * 1000);
		return { start, end: Math.max(start, end) };
	}

	// --- positions ----------------------------------------------------------------------------

	positionByTicket(ticket: number): Position | undefined {
		return this.positions.get(ticket);
	}

	// --- seeding ------------------------------------------------------------------------------

	/** An account as if created earlier, with its deposit, credit, closed trades and open positions. */
	seedAccount(seed: AccountSeed): User {
		const user = this.addUser({
			login: seed.login,
			group: seed.group,
			leverage: seed.leverage ?? 100,
			passMain: seed.passMain ?? SEED_PASSWORD,
			passInvestor: seed.passInvestor ?? SEED_INVESTOR,
			text: {
				Name: seed.name ?? 'Sandbox Client',
				Email: seed.email ?? '',
				Country: seed.country ?? '',
				Phone: seed.phone ?? '',
			},
			numbers: {},
		});
		const registered = seed.registered === undefined ? this.clock.serverNowMsc() : this.clock.serverMscOf(seed.registered);
		user.registration = user.lastAccess = user.lastPassChange = Math.floor(registered / 1000);
		// seedBalanceOperation takes a UTC instant (it converts to server time itself).
		if (seed.balance) this.seedBalanceOperation(user.login, DEAL_ACTION.BALANCE, seed.balance, 'Initial deposit', seed.registered);
		if (seed.credit) this.seedBalanceOperation(user.login, DEAL_ACTION.CREDIT, seed.credit, 'Initial credit', seed.registered);
		for (const trade of seed.trades ?? []) this.seedTrade(user.login, trade);
		for (const position of seed.positions ?? []) this.openPosition(user.login, position);
		return user;
	}

	/** A balance operation in the past (or now), without the request's checks. */
	seedBalanceOperation(login: number, type: number, amount: number, comment: string, at?: UtcInstant): Deal {
		const user = this.user(login);
		const minor = toMinor(amount, this.digitsOf(user));
		if (type === DEAL_ACTION.CREDIT) user.creditMinor += minor;
		else user.balanceMinor += minor;
		const timeMsc = at === undefined ? this.clock.serverNowMsc() : this.serverMsc(at);
		return this.addDeal(login, type, DEAL_ENTRY.IN, DEAL_REASON.DEALER, timeMsc, '', 0, 0, minor, 0, 0, 0, 0, truncateComment(comment), 0);
	}

	/** A closed round trip: an IN deal, then an OUT deal carrying profit, swap and commission. */
	seedTrade(login: number, trade: TradeSeed): { in: Deal; out: Deal } {
		const user = this.user(login);
		const digits = this.digitsOf(user);
		const commission = toMinor(trade.commission ?? 0, digits);
		const commissionIn = Math.trunc(commission / 2);
		const opened = this.open(
			user,
			{
				symbol: trade.symbol,
				side: trade.side,
				volumeLots: trade.volumeLots,
				openPrice: trade.openPrice,
				openTime: trade.openTime,
				margin: 0,
				comment: trade.comment,
			},
			commissionIn,
		);
		const out = this.close(
			opened.position,
			{ closePrice: trade.closePrice, closeTime: trade.closeTime, profit: trade.profit, swap: trade.swap ?? 0 },
			commission - commissionIn,
		);
		return { in: opened.deal, out };
	}

	/** An open position and its IN deal; the position's profit and margin count in the account. */
	openPosition(login: number, seed: PositionSeed): { position: Position; deal: Deal } {
		const user = this.user(login);
		return this.open(user, seed, toMinor(seed.commission ?? 0, this.digitsOf(user)));
	}

	private open(user: User, seed: PositionSeed, commission: number): { position: Position; deal: Deal } {
		const login = user.login;
		const digits = this.digitsOf(user);
		const spec = symbolSpec(seed.symbol);
		const timeMsc = seed.openTime === undefined ? this.clock.serverNowMsc() : this.serverMsc(seed.openTime);
		const order = this.nextOrder++;
		const action = seed.side === 'buy' ? DEAL_ACTION.BUY : DEAL_ACTION.SELL;
		const volume = lotsToVolume(seed.volumeLots);
		user.balanceMinor += commission;
		const deal = this.addDeal(
			login,
			action,
			DEAL_ENTRY.IN,
			DEAL_REASON.CLIENT,
			timeMsc,
			seed.symbol,
			round(seed.openPrice, spec.digits),
			volume,
			0,
			0,
			commission,
			order,
			order,
			truncateComment(seed.comment ?? ''),
			0,
		);
		const position: Position = {
			ticket: order,
			login,
			symbol: seed.symbol,
			action,
			timeCreateMsc: timeMsc,
			timeUpdateMsc: timeMsc,
			priceOpen: round(seed.openPrice, spec.digits),
			priceCurrent: round(seed.currentPrice ?? seed.openPrice, spec.digits),
			volume,
			profitMinor: toMinor(seed.profit ?? 0, digits),
			storageMinor: toMinor(seed.swap ?? 0, digits),
			marginMinor: toMinor(seed.margin, digits),
			comment: truncateComment(seed.comment ?? ''),
		};
		user.positions.push(position);
		this.positions.set(position.ticket, position);
		return { position, deal };
	}

	/** Closes a position with an OUT deal; profit, swap and commission go to the balance. */
	closePosition(ticket: number, close: ClosePositionSeed): Deal {
		const position = this.positions.get(ticket);
		if (!position) throw new Error(`no open position ${ticket}`);
		return this.close(position, close, toMinor(close.commission ?? 0, this.digitsOf(this.user(position.login))));
	}

	private close(position: Position, close: ClosePositionSeed, commission: number): Deal {
		const ticket = position.ticket;
		const user = this.user(position.login);
		const digits = this.digitsOf(user);
		const spec = symbolSpec(position.symbol);
		const profit = close.profit === undefined ? position.profitMinor : toMinor(close.profit, digits);
		const storage = close.swap === undefined ? position.storageMinor : toMinor(close.swap, digits);
		const timeMsc = close.closeTime === undefined ? this.clock.serverNowMsc() : this.serverMsc(close.closeTime);
		user.positions = user.positions.filter((p) => p.ticket !== ticket);
		this.positions.delete(ticket);
		user.balanceMinor += profit + storage + commission;
		return this.addDeal(
			user.login,
			position.action === DEAL_ACTION.BUY ? DEAL_ACTION.SELL : DEAL_ACTION.BUY,
			DEAL_ENTRY.OUT,
			DEAL_REASON.CLIENT,
			timeMsc,
			position.symbol,
			round(close.closePrice, spec.digits),
			position.volume,
			profit,
			storage,
			commission,
			this.nextOrder++,
			position.ticket,
			position.comment,
			0,
		);
	}

	/**
	 * Many deals fast (deal-history benchmarks): IN/OUT pairs of one symbol, evenly spaced on the
	 * server clock from `start`. The balance grows by the OUT deals' profit.
	 */
	seedDeals(login: number, seed: BulkDealsSeed): void {
		const user = this.user(login);
		const digits = this.digitsOf(user);
		const symbol = seed.symbol ?? 'EURUSD';
		const spec = symbolSpec(symbol);
		const stepMs = (seed.stepSeconds ?? 60) * 1000;
		const volume = lotsToVolume(seed.volumeLots ?? 0.1);
		const profit = toMinor(seed.profit ?? 1.5, digits);
		const price = round(1.1, spec.digits);
		const startMsc = this.serverMsc(seed.start);
		const wasSortedUpTo = user.deals.length;
		let order = 0;
		for (let i = 0; i < seed.count; i++) {
			const timeMsc = startMsc + i * stepMs;
			const isIn = i % 2 === 0;
			if (isIn) order = this.nextOrder++;
			const deal = new Deal(
				this.nextDeal++,
				login,
				isIn ? DEAL_ACTION.BUY : DEAL_ACTION.SELL,
				isIn ? DEAL_ENTRY.IN : DEAL_ENTRY.OUT,
				DEAL_REASON.CLIENT,
				timeMsc,
				symbol,
				price,
				volume,
				isIn ? 0 : profit,
				0,
				0,
				isIn ? order : this.nextOrder++,
				order,
				'',
				0,
			);
			this.dealsByTicket.push(deal);
			user.deals.push(deal);
			if (!isIn) user.balanceMinor += profit;
		}
		if (wasSortedUpTo > 0 && user.deals[wasSortedUpTo - 1].timeMsc > startMsc) {
			user.deals.sort((a, b) => a.timeMsc - b.timeMsc || a.ticket - b.ticket);
		}
	}

	private serverMsc(at: UtcInstant): number {
		return this.clock.serverMscOf(at);
	}
}

// ---------------------------------------------------------------------------------------------

/** `webapi_user_add`: 8 to 16 characters with lower case, upper case, a digit and a special character. */
export function passwordProblem(password: string | undefined): string | undefined {
	if (!password) return 'is required';
	if (password.length < 8 || password.length > 16) return 'must be 8 to 16 characters long';
	if (!/[a-z]/.test(password)) return 'needs a lower-case letter';
	if (!/[A-Z]/.test(password)) return 'needs an upper-case letter';
	if (!/\d/.test(password)) return 'needs a digit';
	if (!/[^A-Za-z0-9]/.test(password)) return 'needs a special character';
	return undefined;
}

function isLeverage(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LEVERAGE;
}

/** A whole number from a JSON number or numeric string; undefined for anything else. */
export function wholeNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
	if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
	return undefined;
}

/** MT5 strings are UTF-16; the comment holds 31 code units plus the terminator. */
export function truncateComment(comment: string): string {
	return comment.slice(0, COMMENT_MAX_CHARS);
}

function symbolSpec(symbol: string): SymbolSpec {
	const spec = SYMBOLS[symbol];
	if (!spec) throw new Error(`the sandbox knows no symbol "${symbol}" (known: ${Object.keys(SYMBOLS).join(', ')})`);
	return spec;
}

function lotsToVolume(lots: number): number {
	return Math.round(lots * 10_000);
}

function round(value: number, digits: number): number {
	return Number(value.toFixed(digits));
}

/** Index of the first deal with timeMsc ≥ t. */
function firstAtOrAfter(deals: Deal[], t: number): number {
	let low = 0;
	let high = deals.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (deals[mid].timeMsc < t) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** Index of the first deal with timeMsc > t (a new deal at t goes after its equals). */
function firstAfter(deals: Deal[], t: number): number {
	let low = 0;
	let high = deals.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (deals[mid].timeMsc <= t) low = mid + 1;
		else high = mid;
	}
	return low;
}
