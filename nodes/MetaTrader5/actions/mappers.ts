/**
 * MT5 Web API records → the canonical model (lib/model.ts). MT5 field names stop here: operations
 * hand these functions what the server answered and emit only what they return.
 *
 * Units, decided once:
 * - every number arrives as a JSON string ("26000.00", `webapi_user_account_get`); money, prices and
 *   levels stay exact decimal strings with the digits MT5 sent (lib/money.ts checks them);
 * - `Volume` is 1/10000 lot (`webapi_deal_data_structure`), so `volumeLots` = Volume / 10000, exact;
 * - `Time`, `TimeMsc`, `Registration`, `TimeCreate` are server wall-clock epochs, converted to UTC
 *   with the server's zone (lib/time.ts has the DST edge rules).
 */
import type { Deal, DecimalString, TradingAccount, UtcTimestamp } from '../../../lib/model';
import { divideDecimal, isZero, parseDecimal, trimDecimal } from '../../../lib/money';
import { serverTimeMscToUtcIso, serverTimeToUtcIso, type ServerZone } from '../../../lib/time';

/** One JSON object as the Web API returns it (every value a string, arrays for ApiData). */
export type Mt5Record = Record<string, unknown>;

export interface MapOptions {
	/** Keep the vendor's record under `raw` (the "Include Raw Vendor Data" option). */
	includeRaw?: boolean;
}

/** The figures of `/api/user/account/get`: balance, credit, equity, margin in the account currency. */
export type AccountFigures = Pick<
	TradingAccount,
	'platform' | 'login' | 'balance' | 'credit' | 'equity' | 'margin' | 'freeMargin' | 'marginLevelPercent'
> & { raw?: unknown };

/** An open position (`webapi_position_data_structure`), in the canonical vocabulary. */
export interface OpenPosition {
	platform: 'mt5';
	login: string;
	positionId: string;
	symbol: string;
	side: 'buy' | 'sell';
	volumeLots: DecimalString;
	priceOpen: DecimalString;
	priceCurrent: DecimalString;
	/** Floating profit in the account currency. */
	profit: DecimalString;
	swap: DecimalString;
	/** When the position was opened. */
	timeUtc: UtcTimestamp;
	comment?: string;
	raw?: unknown;
}

/** A group's configuration as a CRM reads it (`webapi_group_get`). */
export interface TradingGroup {
	platform: 'mt5';
	/** The group path, e.g. "real\\standard". */
	name: string;
	currency?: string;
	currencyDigits?: number;
	/** Margin call level, in `levelUnit`. */
	marginCall?: DecimalString;
	/** Stop-out level, in `levelUnit`. */
	stopOut?: DecimalString;
	/** MarginSOMode: 0 = percent of margin level, 1 = money (account currency). */
	levelUnit?: 'percent' | 'money';
	/** Only when the server's group record has a Leverage field. */
	leverage?: number;
	company?: string;
	raw?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Reading fields

/** The field as text, trimmed; undefined when absent or empty. */
function text(record: Mt5Record, field: string): string | undefined {
	const value = record[field];
	if (value === undefined || value === null) return undefined;
	const result = String(value).trim();
	return result === '' ? undefined : result;
}

function decimal(record: Mt5Record, field: string): DecimalString | undefined {
	const value = text(record, field);
	return value === undefined ? undefined : parseDecimal(value, field);
}

function wholeNumber(record: Mt5Record, field: string): number | undefined {
	const value = text(record, field);
	return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** Server time in seconds (`Time`) or, when given and non-zero, milliseconds (`TimeMsc`) → UTC ISO. */
function utcOf(record: Mt5Record, secondsField: string, millisecondsField: string | undefined, zone: ServerZone): UtcTimestamp | undefined {
	const msc = millisecondsField === undefined ? undefined : text(record, millisecondsField);
	if (msc !== undefined && msc !== '0') return serverTimeMscToUtcIso(msc, zone, millisecondsField);
	const seconds = text(record, secondsField);
	if (seconds === undefined || seconds === '0') return undefined;
	return serverTimeToUtcIso(seconds, zone, secondsField);
}

/** MT5 volume (1/10000 lot) → lots, exact: "1500" → "0.15". */
export function volumeToLots(volume: string | number, field = 'Volume'): DecimalString {
	// A whole number of units (what MT5 sends) needs only its point moved four places.
	if (typeof volume === 'string' && /^(?:0|[1-9]\d*)$/.test(volume)) {
		const digits = volume.padStart(5, '0');
		const fraction = digits.slice(-4).replace(/0+$/, '');
		return fraction ? `${digits.slice(0, -4)}.${fraction}` : digits.slice(0, -4);
	}
	const units = parseDecimal(volume, field);
	return trimDecimal(divideDecimal(units, 10_000, 4));
}

/** Drops keys whose value is undefined, so items carry only what is known. */
function compact<T extends object>(value: T): T {
	// A plain copy loop: entries() arrays for every record were most of a long history's garbage.
	const known: Record<string, unknown> = {};
	for (const key in value) {
		const field = value[key];
		if (field !== undefined) known[key] = field;
	}
	return known as T;
}

// ---------------------------------------------------------------------------------------------
// Accounts

/** `/api/user/account/get` → balance, credit, equity, margin, free margin and margin level. */
export function toAccountFigures(account: Mt5Record, options: MapOptions = {}): AccountFigures {
	const margin = decimal(account, 'Margin');
	// MT5 writes MarginLevel 0 when no margin is in use; the canonical model leaves it out then.
	const marginInUse = margin !== undefined && !isZero(margin);
	return compact({
		platform: 'mt5' as const,
		login: text(account, 'Login') ?? '',
		balance: decimal(account, 'Balance'),
		credit: decimal(account, 'Credit'),
		equity: decimal(account, 'Equity'),
		margin,
		freeMargin: decimal(account, 'MarginFree'),
		marginLevelPercent: marginInUse ? decimal(account, 'MarginLevel') : undefined,
		raw: options.includeRaw ? account : undefined,
	});
}

/**
 * `/api/user/get` (plus `/api/user/account/get` when read) → TradingAccount. The currency is the
 * group's (the user record has none); `createdAtUtc` is `Registration` converted from server time.
 */
export function toTradingAccount(
	user: Mt5Record,
	account: Mt5Record | undefined,
	zone: ServerZone,
	options: MapOptions & { currency?: string } = {},
): TradingAccount {
	const figures = account ? toAccountFigures(account) : undefined;
	const fullName = [text(user, 'FirstName'), text(user, 'LastName')].filter(Boolean).join(' ');
	return compact({
		platform: 'mt5' as const,
		login: text(user, 'Login') ?? figures?.login ?? '',
		group: text(user, 'Group'),
		currency: options.currency?.toUpperCase(),
		leverage: wholeNumber(user, 'Leverage'),
		balance: figures?.balance ?? decimal(user, 'Balance'),
		credit: figures?.credit ?? decimal(user, 'Credit'),
		equity: figures?.equity,
		margin: figures?.margin,
		freeMargin: figures?.freeMargin,
		marginLevelPercent: figures?.marginLevelPercent,
		name: text(user, 'Name') ?? (fullName || undefined),
		email: text(user, 'Email'),
		// USER_RIGHT_TRADE_DISABLED = 0x4 (MQ docs `imtuser_enum`).
		tradingEnabled: wholeNumber(user, 'Rights') === undefined ? undefined : (Number(wholeNumber(user, 'Rights')) & 0x4) === 0,
		createdAtUtc: utcOf(user, 'Registration', undefined, zone),
		raw: options.includeRaw ? compact({ user, account }) : undefined,
	});
}

// ---------------------------------------------------------------------------------------------
// Deals

/** EnDealAction (`webapi_deal_data_structure`) → canonical kind. */
export function dealKind(action: number | undefined): Deal['kind'] {
	switch (action) {
		case 0:
		case 1:
			return 'trade';
		case 2:
			return 'balance';
		case 3:
			return 'credit';
		case 4:
			return 'charge';
		case 5:
			return 'correction';
		case 6:
			return 'bonus';
		case 7:
		case 8:
		case 9:
			return 'commission';
		default:
			return 'other';
	}
}

/** The kinds that are balance operations (`/api/trade/balance` types 2..6). */
export const BALANCE_OPERATION_KINDS: ReadonlySet<Deal['kind']> = new Set(['balance', 'credit', 'charge', 'correction', 'bonus']);

/** EnDealEntry: 0 IN, 1 OUT, 2 INOUT (reverse), 3 OUT_BY; 255 STATE and others have no canonical entry. */
const ENTRIES: Readonly<Record<number, Deal['entry']>> = { 0: 'in', 1: 'out', 2: 'inout', 3: 'out_by' };

/**
 * A deal → canonical Deal. A trade carries side, entry, symbol, lots, price, profit, commission
 * and swap; a balance operation (or commission, ...) carries its amount in `profit`, signed, as MT5
 * keeps it (`webapi_trade_balance`: "Each balance operation is a deal ... the amount in Profit").
 */
export function toDeal(deal: Mt5Record, zone: ServerZone, options: MapOptions & { currency?: string } = {}): Deal {
	const action = wholeNumber(deal, 'Action');
	const kind = dealKind(action);
	const trade = kind === 'trade';
	const positionId = text(deal, 'PositionID');
	const timeUtc = utcOf(deal, 'Time', 'TimeMsc', zone);
	return compact({
		platform: 'mt5' as const,
		dealId: text(deal, 'Deal') ?? '',
		login: text(deal, 'Login') ?? '',
		kind,
		side: trade ? (action === 0 ? ('buy' as const) : ('sell' as const)) : undefined,
		entry: trade ? ENTRIES[wholeNumber(deal, 'Entry') ?? -1] : undefined,
		symbol: text(deal, 'Symbol'),
		volumeLots: trade ? volumeToLots(text(deal, 'Volume') ?? '0') : undefined,
		price: trade ? decimal(deal, 'Price') : undefined,
		profit: decimal(deal, 'Profit') ?? '0',
		commission: trade ? decimal(deal, 'Commission') : undefined,
		swap: trade ? decimal(deal, 'Storage') : undefined,
		currency: options.currency?.toUpperCase(),
		positionId: positionId === '0' ? undefined : positionId,
		comment: text(deal, 'Comment'),
		// A deal always has a time; "1970" would be a lie, so a missing one reads as empty.
		timeUtc: timeUtc ?? '',
		raw: options.includeRaw ? deal : undefined,
	});
}

// ---------------------------------------------------------------------------------------------
// Positions and groups

export function toOpenPosition(position: Mt5Record, zone: ServerZone, options: MapOptions = {}): OpenPosition {
	return compact({
		platform: 'mt5' as const,
		login: text(position, 'Login') ?? '',
		positionId: text(position, 'Position') ?? '',
		symbol: text(position, 'Symbol') ?? '',
		side: wholeNumber(position, 'Action') === 1 ? ('sell' as const) : ('buy' as const),
		volumeLots: volumeToLots(text(position, 'Volume') ?? '0'),
		priceOpen: decimal(position, 'PriceOpen') ?? '0',
		priceCurrent: decimal(position, 'PriceCurrent') ?? '0',
		profit: decimal(position, 'Profit') ?? '0',
		swap: decimal(position, 'Storage') ?? '0',
		timeUtc: utcOf(position, 'TimeCreate', 'TimeCreateMsc', zone) ?? '',
		comment: text(position, 'Comment'),
		raw: options.includeRaw ? position : undefined,
	});
}

/** EnMarginSOMode: the unit of MarginCall and MarginStopOut. */
const LEVEL_UNITS: Readonly<Record<number, TradingGroup['levelUnit']>> = { 0: 'percent', 1: 'money' };

export function toTradingGroup(group: Mt5Record, options: MapOptions = {}): TradingGroup {
	return compact({
		platform: 'mt5' as const,
		name: text(group, 'Group') ?? '',
		currency: text(group, 'Currency')?.toUpperCase(),
		currencyDigits: wholeNumber(group, 'CurrencyDigits'),
		marginCall: decimal(group, 'MarginCall'),
		stopOut: decimal(group, 'MarginStopOut'),
		levelUnit: LEVEL_UNITS[wholeNumber(group, 'MarginSOMode') ?? -1],
		leverage: wholeNumber(group, 'Leverage'),
		company: text(group, 'Company'),
		raw: options.includeRaw ? group : undefined,
	});
}
