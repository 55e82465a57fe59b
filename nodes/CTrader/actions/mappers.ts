/**
 * cTrader WebServices records → the canonical model (lib/model.ts). cTrader field names stop here.
 *
 * Units, decided once (reference/trading.md §3.1):
 * - money fields of a trader (balance, bonus, nonWithdrawableBonus, equity, usedMargin,
 *   freeMargin) are whole numbers in 10^moneyDigits units: 234512 with moneyDigits 2 is "2345.12".
 *   A record without moneyDigits is refused rather than guessed: a wrong guess is off by 100×.
 * - `leverageInCents`: 1:100 is 10000, so leverage = leverageInCents / 100.
 * - the closed-positions CSV writes money as plain decimals: commission and swap in USD, netPnl in
 *   the deposit currency (net of commission and swap), with `depositToUsdConversionRate`;
 *   volume is in units of the base asset, so lots = volume / contract size (100000 for FX).
 * - times are UTC (epoch milliseconds in JSON, yyyy-MM-ddTHH:mm:ss.SSS in CSV).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Deal, DecimalString, TradingAccount, UtcTimestamp } from '../../../lib/model';
import {
	compareDecimal,
	divideDecimal,
	fromMinorUnits,
	isZero,
	MoneyError,
	multiplyDecimal,
	parseDecimal,
	subtractDecimal,
	toMinorUnits,
	trimDecimal,
} from '../../../lib/money';
import { timestampMs, type CTraderRecord } from '../transport/reports';

export interface MapOptions {
	/** Keep the vendor's record under `raw` (the "Include Raw Vendor Data" option). */
	includeRaw?: boolean;
}

/** Balance, credit, equity and margin of one trader, exact, in the deposit currency. */
export type AccountFigures = Pick<
	TradingAccount,
	'platform' | 'login' | 'currency' | 'balance' | 'credit' | 'equity' | 'margin' | 'freeMargin' | 'marginLevelPercent'
> & { raw?: unknown };

/** A trader group as `/webserv/tradergroups` lists it. */
export interface TraderGroup {
	platform: 'ctrader';
	groupId: string;
	name: string;
	description?: string;
	raw?: unknown;
}

/** The contract size of a standard FX lot, in units of the base asset. */
export const DEFAULT_CONTRACT_SIZE = '100000';

/** A canonical record as item JSON (interfaces have no index signature, so TypeScript needs telling). */
export function itemJson(record: object): IDataObject {
	return record as IDataObject;
}

function text(record: CTraderRecord, field: string): string | undefined {
	const value = record[field];
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	const result = String(value).trim();
	return result === '' ? undefined : result;
}

function utcOf(value: unknown): UtcTimestamp | undefined {
	const ms = timestampMs(value);
	return ms === undefined ? undefined : new Date(ms).toISOString();
}

function compact<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `moneyDigits` of a trader record: required to read any of its money fields. */
export function moneyDigitsOf(trader: CTraderRecord): number {
	const value = trader.moneyDigits;
	const digits = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 18) {
		throw new MoneyError(
			`cTrader's record of trader ${String(trader.login ?? '?')} has no usable "moneyDigits" (${JSON.stringify(value) ?? 'missing'}), so its money fields cannot be read`,
			'moneyDigits',
		);
	}
	return digits;
}

/** A money field in 10^moneyDigits units → exact decimal: (234512, 2) → "2345.12". */
export function scaledMoney(trader: CTraderRecord, field: string, digits = moneyDigitsOf(trader)): DecimalString | undefined {
	const value = trader[field];
	if (value === undefined || value === null || value === '') return undefined;
	if (!(typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && /^-?\d+$/.test(value.trim()))) {
		throw new MoneyError(`cTrader's "${field}" must be a whole number of 10^moneyDigits units, got ${JSON.stringify(value)}`, field);
	}
	return fromMinorUnits(String(value).trim(), digits, field);
}

/** `leverageInCents` → the N of 1:N (10000 → 100, 3333 → 33.33). */
export function leverageOf(trader: CTraderRecord): number | undefined {
	const cents = text(trader, 'leverageInCents');
	if (cents === undefined || !/^\d+$/.test(cents)) return undefined;
	return Number(trimDecimal(fromMinorUnits(cents, 2)));
}

/** The leverage N of 1:N → `leverageInCents` (100 → 10000); at most two decimals. */
export function leverageInCents(leverage: unknown, field = 'Leverage'): number {
	const value = parseDecimal(leverage, field);
	if (compareDecimal(value, 0) <= 0) throw new MoneyError(`"${field}" must be positive, e.g. 100 for 1:100`, field);
	// toMinorUnits refuses a third decimal instead of rounding it away.
	return Number(toMinorUnits(value, 2, undefined, field));
}

/** Balance, credit (the non-withdrawable bonus), equity, used and free margin, margin level. */
export function toAccountFigures(trader: CTraderRecord, options: MapOptions = {}): AccountFigures {
	const digits = moneyDigitsOf(trader);
	const equity = scaledMoney(trader, 'equity', digits);
	const margin = scaledMoney(trader, 'usedMargin', digits);
	const marginInUse = margin !== undefined && !isZero(margin);
	return compact({
		platform: 'ctrader' as const,
		login: text(trader, 'login') ?? '',
		currency: text(trader, 'depositCurrency')?.toUpperCase(),
		balance: scaledMoney(trader, 'balance', digits),
		credit: scaledMoney(trader, 'nonWithdrawableBonus', digits),
		equity,
		margin,
		freeMargin: scaledMoney(trader, 'freeMargin', digits),
		// Equity / margin × 100, as MT5 reports it; none while no margin is used.
		marginLevelPercent: marginInUse && equity !== undefined ? divideDecimal(multiplyDecimal(equity, 100), margin, 2) : undefined,
		raw: options.includeRaw ? trader : undefined,
	});
}

/** A trader record → TradingAccount. */
export function toTradingAccount(trader: CTraderRecord, options: MapOptions = {}): TradingAccount {
	const figures = toAccountFigures(trader);
	const contact = (typeof trader.contactDetails === 'object' && trader.contactDetails !== null ? trader.contactDetails : {}) as CTraderRecord;
	const fullName = [text(trader, 'name'), text(trader, 'lastName')].filter(Boolean).join(' ');
	return compact({
		...figures,
		group: text(trader, 'groupName'),
		leverage: leverageOf(trader),
		name: fullName || undefined,
		email: text(contact, 'email')?.toLowerCase(),
		createdAtUtc: utcOf(trader.registrationTimestamp),
		raw: options.includeRaw ? trader : undefined,
	});
}

export function toTraderGroup(group: CTraderRecord, options: MapOptions = {}): TraderGroup {
	return compact({
		platform: 'ctrader' as const,
		groupId: text(group, 'id') ?? '',
		name: text(group, 'name') ?? '',
		description: text(group, 'description'),
		raw: options.includeRaw ? group : undefined,
	});
}

/** Base-asset units → lots, exact to 8 decimals: ("150000", "100000") → "1.5". */
export function unitsToLots(volume: string, contractSize: DecimalString = DEFAULT_CONTRACT_SIZE): DecimalString {
	return trimDecimal(divideDecimal(parseDecimal(volume, 'volume'), contractSize, 8));
}

/** A USD amount of the report in the deposit currency, with the row's deposit→USD rate. */
function usdToDeposit(usd: DecimalString, rate: string | undefined, digits: number): DecimalString {
	if (rate === undefined || compareDecimal(rate, 1) === 0 || isZero(usd)) return usd;
	if (compareDecimal(rate, 0) <= 0) throw new MoneyError(`"depositToUsdConversionRate" must be positive, got "${rate}"`, 'depositToUsdConversionRate');
	return divideDecimal(usd, rate, digits, 'half-even');
}

function decimalsOf(value: DecimalString): number {
	const point = value.indexOf('.');
	return point < 0 ? 0 : value.length - point - 1;
}

/**
 * A closed-positions row (one closing deal) → canonical Deal, as MT5 reports the same event: the
 * deal that closes a BUY position is a sell with entry "out", at the close price. `profit` is the
 * gross result, commission and swap apart (MT5's Profit/Commission/Storage), all in the deposit
 * currency: profit = netPnl − commission − swap.
 */
export function toClosedDeal(row: Record<string, string>, options: MapOptions & { contractSize?: DecimalString } = {}): Deal {
	const netPnl = parseDecimal(row.netPnl, 'netPnl');
	const digits = Math.max(2, decimalsOf(netPnl));
	const rate = row.depositToUsdConversionRate?.trim() ? parseDecimal(row.depositToUsdConversionRate, 'depositToUsdConversionRate') : undefined;
	const commission = usdToDeposit(parseDecimal(row.commission || '0', 'commission'), rate, digits);
	const swap = usdToDeposit(parseDecimal(row.swap || '0', 'swap'), rate, digits);
	const direction = (row.direction ?? '').trim().toUpperCase();
	if (direction !== 'BUY' && direction !== 'SELL') {
		throw new Error(`"direction" of closing deal ${row.closingDealId} must be BUY or SELL, got "${row.direction}"`);
	}
	return compact({
		platform: 'ctrader' as const,
		dealId: row.closingDealId.trim(),
		login: row.login.trim(),
		kind: 'trade' as const,
		side: direction === 'BUY' ? ('sell' as const) : ('buy' as const),
		entry: 'out' as const,
		symbol: row.symbol.trim(),
		volumeLots: unitsToLots(row.volume, options.contractSize),
		price: parseDecimal(row.closePrice, 'closePrice'),
		profit: subtractDecimal(subtractDecimal(netPnl, commission), swap),
		commission,
		swap,
		positionId: row.positionId?.trim() || undefined,
		timeUtc: utcOf(row.closeTimestamp) ?? '',
		raw: options.includeRaw ? row : undefined,
	});
}
