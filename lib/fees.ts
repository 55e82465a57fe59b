/**
 * Deposit and withdrawal fees: gross -> fee -> net, in exact decimals (lib/money.ts, never floats).
 *
 * A fee table has one rule per provider, method, currency and direction. A table fee is
 *   percent% × gross + fixed, clamped to [minimum, maximum], rounded half-up to the currency's
 *   decimals (ISO 4217 minor units; 1.005 USD -> 1.01), and never more than the gross.
 * Half-up is what card schemes and PSP fee statements use and what a client checks by hand; the
 * clamp comes before the rounding so a minimum or maximum is applied exactly as written.
 *
 * A fee the PSP reported (Praxis `fee`, CoinsPaid `fees[]`, the canonical transaction's `fee`) wins
 * over the table: it is what was actually charged. It is taken exactly as reported (not rounded),
 * and also never more than the gross.
 *
 * Who bears the fee (broker cashier practice: the broker covers industry-standard charges, otherwise
 * the client pays them, reference psp_kyc.md §5):
 * - `client`: net = gross − fee; the fee is the client's (clientFee).
 * - `broker`: net = gross; the fee is the broker's cost (brokerFee), reported separately.
 *
 * Fixed, minimum and maximum amounts are in the transaction's currency: a rule with currency `*`
 * and a fixed part applies the same number to every currency, so give fixed amounts per currency.
 */

import { attempt, FieldError } from './errors';
import {
	addDecimal,
	compareDecimal,
	currencyDigits,
	CURRENCY_DIGITS,
	multiplyDecimal,
	parseDecimal,
	roundDecimal,
	subtractDecimal,
	trimDecimal,
	sumMoney,
} from './money';
import type { DecimalString, Money } from './model';

export type FeeDirection = 'deposit' | 'withdrawal';
export type FeeBearer = 'client' | 'broker';
export type FeeSource = 'psp' | 'table' | 'none';

export const ANY = '*';

export interface FeeRule {
	/** Provider as the transaction's `source` names it ("praxis", "coinspaid") or `*`. Lower case. */
	provider: string;
	/** Payment method ("card", "skrill", "btc") or `*`. Lower case. */
	method: string;
	/** Currency of the gross ("USD") or `*`. Upper case. */
	currency: string;
	direction: FeeDirection | typeof ANY;
	/** In percent: "2.5" is 2.5 % of the gross. */
	percent: DecimalString;
	fixed: DecimalString;
	minimum?: DecimalString;
	maximum?: DecimalString;
	borneBy: FeeBearer;
}

/** The rule that matched and its place in the table (1-based, as the user counts rows). */
export interface MatchedFeeRule extends FeeRule {
	row: number;
}

export interface FeeQuery {
	provider: string;
	method?: string;
	currency: string;
	direction: FeeDirection;
}

export interface FeeResult {
	fee: Money;
	net: Money;
	clientFee: Money;
	brokerFee: Money;
	feeSource: FeeSource;
	feeRule: MatchedFeeRule | null;
	/** True when the computed or reported fee was more than the gross and was cut to the gross. */
	feeCappedAtGross: boolean;
	/** What rounding the net down to the currency's decimals left out (only when it left something). */
	netRemainder?: Money;
}

export interface FeeOptions {
	/** Currency decimals beyond lib/money's list, e.g. { TRX: 6 }; these win over the list. */
	currencyDigits?: Record<string, number>;
	/** Who bears a PSP-reported fee when no rule matches the transaction. */
	pspFeeBorneBy?: FeeBearer;
	/** Whether a transaction with no PSP fee and no matching rule is an error (else its fee is 0). */
	requireRule?: boolean;
}

const DIRECTIONS: readonly string[] = ['deposit', 'withdrawal'];
const BEARERS: readonly string[] = ['client', 'broker'];

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

function selector(value: unknown, normalize: (s: string) => string): string {
	const raw = text(value);
	return raw === '' || raw === ANY ? ANY : normalize(raw);
}

function ruleField(row: number, field: string): string {
	return `Fee rule ${row} ${field}`;
}

function nonNegativeDecimal(value: unknown, field: string): DecimalString {
	const parsed = attempt(() => parseDecimal(value, field));
	if (!parsed.ok) throw new FieldError(field, `must be a decimal number such as "2.5", got ${JSON.stringify(value)}`);
	if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(field, `must not be negative, got "${parsed.value}"`);
	return parsed.value;
}

function optionalDecimal(value: unknown, field: string): DecimalString | undefined {
	return text(value) === '' ? undefined : nonNegativeDecimal(value, field);
}

/**
 * Checks a fee table (table rows or pasted JSON): a list of
 * { provider, method, currency, direction, percent, fixed, minimum, maximum, borneBy }.
 * Empty selectors mean `*`; empty percent and fixed mean 0; empty minimum or maximum mean none.
 */
export function validateFeeRules(input: unknown): FeeRule[] {
	if (!Array.isArray(input)) throw new FieldError('Fee rules', 'must be a list of rules');
	return input.map((entry, index) => {
		const row = index + 1;
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new FieldError(`Fee rule ${row}`, 'must be an object such as {"provider": "praxis", "percent": "2.5"}');
		}
		const raw = entry as Record<string, unknown>;
		const direction = selector(raw.direction, (s) => s.toLowerCase());
		if (direction !== ANY && !DIRECTIONS.includes(direction)) {
			throw new FieldError(ruleField(row, 'direction'), `must be deposit, withdrawal or *, got "${text(raw.direction)}"`);
		}
		const borneBy = text(raw.borneBy).toLowerCase() || 'client';
		if (!BEARERS.includes(borneBy)) {
			throw new FieldError(ruleField(row, 'borneBy'), `must be client or broker, got "${text(raw.borneBy)}"`);
		}
		const percent = text(raw.percent) === '' ? '0' : nonNegativeDecimal(raw.percent, ruleField(row, 'percent'));
		const fixed = text(raw.fixed) === '' ? '0' : nonNegativeDecimal(raw.fixed, ruleField(row, 'fixed'));
		const minimum = optionalDecimal(raw.minimum, ruleField(row, 'minimum'));
		const maximum = optionalDecimal(raw.maximum, ruleField(row, 'maximum'));
		if (minimum !== undefined && maximum !== undefined && compareDecimal(minimum, maximum) > 0) {
			throw new FieldError(ruleField(row, 'minimum'), `(${minimum}) is more than the maximum (${maximum})`);
		}
		const rule: FeeRule = {
			provider: selector(raw.provider, (s) => s.toLowerCase()),
			method: selector(raw.method, (s) => s.toLowerCase()),
			currency: selector(raw.currency, (s) => s.toUpperCase()),
			direction: direction as FeeRule['direction'],
			percent,
			fixed,
			borneBy: borneBy as FeeBearer,
		};
		if (minimum !== undefined) rule.minimum = minimum;
		if (maximum !== undefined) rule.maximum = maximum;
		return rule;
	});
}

/**
 * How specific a rule is. More named (non-`*`) fields always win; among rules naming as many
 * fields, the one naming the provider wins, then the method, then the currency, then the direction
 * (a provider's own price list beats a method-wide default). A full tie goes to the earlier row.
 */
function specificity(rule: FeeRule): number {
	const named: number[] = [rule.provider, rule.method, rule.currency, rule.direction].map((s) => (s === ANY ? 0 : 1));
	const count = named.reduce((a, b) => a + b, 0);
	return count * 16 + named[0] * 8 + named[1] * 4 + named[2] * 2 + named[3];
}

function selects(pattern: string, value: string): boolean {
	return pattern === ANY || pattern === value;
}

/** The most specific rule matching the transaction (see `specificity`), or undefined. */
export function findFeeRule(rules: readonly FeeRule[], query: FeeQuery): MatchedFeeRule | undefined {
	const provider = query.provider.trim().toLowerCase();
	const method = (query.method ?? '').trim().toLowerCase();
	const currency = query.currency.trim().toUpperCase();
	let best: MatchedFeeRule | undefined;
	let bestScore = -1;
	rules.forEach((rule, index) => {
		// A transaction without a method is matched only by rules for any method.
		const methodMatches = rule.method === ANY || (method !== '' && rule.method === method);
		if (!selects(rule.provider, provider) || !methodMatches || !selects(rule.currency, currency)) return;
		if (!selects(rule.direction, query.direction)) return;
		const score = specificity(rule);
		if (score > bestScore) {
			best = { ...rule, row: index + 1 };
			bestScore = score;
		}
	});
	return best;
}

/** Decimals of `currency`: the caller's own list first, then lib/money's. */
export function digitsOf(currency: string, extra: Record<string, number> = {}, field = 'currency'): number {
	const own = extra[currency.toUpperCase()];
	if (own !== undefined) return own;
	if (CURRENCY_DIGITS[currency.toUpperCase()] !== undefined) return currencyDigits(currency);
	throw new FieldError(field, `currency "${currency}" has no known number of decimals; add it under Options → Currency Decimals (e.g. ${currency.toUpperCase()}=8)`);
}

/** Reads "TRX=6, SOL=9" (Currency Decimals option) into { TRX: 6, SOL: 9 }. */
export function parseCurrencyDigits(list: string, field = 'Currency Decimals'): Record<string, number> {
	const result: Record<string, number> = {};
	for (const part of list.split(/[,;\n]/)) {
		const entry = part.trim();
		if (!entry) continue;
		const match = /^([A-Za-z0-9]+)\s*[=:]\s*(\d{1,2})$/.exec(entry);
		if (!match) throw new FieldError(field, `"${entry}" is not CURRENCY=DECIMALS, e.g. TRX=6`);
		result[match[1].toUpperCase()] = Number(match[2]);
	}
	return result;
}

/** The table fee of one rule, before the cap at the gross: percent% × gross + fixed, clamped, rounded half-up. */
export function tableFee(rule: FeeRule, gross: DecimalString, digits: number): DecimalString {
	const percentPart = multiplyDecimal(multiplyDecimal(gross, rule.percent), '0.01');
	let fee = addDecimal(percentPart, rule.fixed);
	if (rule.minimum !== undefined && compareDecimal(fee, rule.minimum) < 0) fee = rule.minimum;
	if (rule.maximum !== undefined && compareDecimal(fee, rule.maximum) > 0) fee = rule.maximum;
	return roundDecimal(fee, digits, 'half-up');
}

function moneyAmount(value: Record<string, unknown>, currency: string, field: string): DecimalString {
	const reported = text(value.currency).toUpperCase();
	if (reported && reported !== currency) {
		throw new FieldError(field, `is in ${reported} but the gross is in ${currency}; convert it first`);
	}
	return nonNegativeDecimal(value.amount, `${field}.amount`);
}

/**
 * A PSP-reported fee in the gross currency, or undefined when the PSP reported none (missing, null
 * or ""). Accepts an amount ("1.50" or 1.5), a Money object ({amount, currency}) or a list of them
 * (CoinsPaid `fees[]`, summed). Amounts are in major units.
 */
export function readPspFee(value: unknown, currency: string, field: string): DecimalString | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
	const wanted = currency.toUpperCase();
	if (Array.isArray(value)) {
		if (value.length === 0) return undefined;
		const parts: Money[] = value.map((entry, index) => {
			if (entry === null || typeof entry !== 'object') {
				throw new FieldError(`${field}[${index}]`, 'must be an object with amount and currency');
			}
			const part = entry as Record<string, unknown>;
			return { amount: moneyAmount(part, wanted, `${field}[${index}]`), currency: text(part.currency) || wanted };
		});
		return sumMoney(parts, wanted).amount;
	}
	if (typeof value === 'object') return moneyAmount(value as Record<string, unknown>, wanted, field);
	return nonNegativeDecimal(value, field);
}

export interface FeeInput extends FeeQuery {
	gross: DecimalString;
	/** The PSP-reported fee as read by readPspFee, when there is one. */
	pspFee?: DecimalString;
}

/** gross -> fee -> net for one transaction. Throws FieldError when no rule matches and one is required. */
export function feeFor(input: FeeInput, rules: readonly FeeRule[], options: FeeOptions = {}): FeeResult {
	const currency = input.currency.trim().toUpperCase();
	const gross = parseDecimal(input.gross, 'gross');
	if (compareDecimal(gross, '0') < 0) {
		throw new FieldError('gross', `must not be negative, got "${gross}"; give withdrawals as positive amounts`);
	}
	const digits = digitsOf(currency, options.currencyDigits);
	const rule = findFeeRule(rules, { ...input, currency });

	let fee: DecimalString;
	let feeSource: FeeSource;
	if (input.pspFee !== undefined) {
		fee = input.pspFee;
		feeSource = 'psp';
	} else if (rule) {
		fee = tableFee(rule, gross, digits);
		feeSource = 'table';
	} else if (options.requireRule ?? true) {
		throw new FieldError(
			'Fee Rules',
			`no rule matches provider "${input.provider}", method "${input.method ?? ''}", currency ${currency}, direction ${input.direction}; add a rule (or one with *) or turn off Require a Rule`,
		);
	} else {
		fee = roundDecimal('0', digits);
		feeSource = 'none';
	}

	const feeCappedAtGross = compareDecimal(fee, gross) > 0;
	if (feeCappedAtGross) fee = gross;
	const borneBy: FeeBearer = rule?.borneBy ?? options.pspFeeBorneBy ?? 'client';
	const zero = roundDecimal('0', digits);
	const money = (amount: DecimalString): Money => ({ amount, currency });
	// A PSP may write more decimals than the currency has (CoinsPaid writes 8 for USD, 643.565 after
	// an exchange). An account holds whole minor units, so the credit is rounded down: never credit
	// money that did not arrive. What that leaves out is reported, not lost silently.
	const exactNet = borneBy === 'client' ? subtractDecimal(gross, fee) : gross;
	const net = (exactNet.split('.')[1] ?? '').length > digits ? roundDecimal(exactNet, digits, 'down') : exactNet;
	const remainder = subtractDecimal(exactNet, net);
	return {
		...(compareDecimal(remainder, '0') === 0 ? {} : { netRemainder: money(trimDecimal(remainder)) }),
		fee: money(fee),
		net: money(net),
		clientFee: money(borneBy === 'client' ? fee : zero),
		brokerFee: money(borneBy === 'broker' ? fee : zero),
		feeSource,
		feeRule: rule ?? null,
		feeCappedAtGross,
	};
}
