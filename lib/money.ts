/**
 * Exact money arithmetic on decimal strings. Floating point never touches an amount: 0.1 + 0.2 is
 * 0.3 here. Internally a value is an integer (bigint) and a scale (digits after the point).
 *
 * Amounts arrive as strings ("1250.50", MT5 sends every number as a string) or as JSON numbers
 * (a JSON number's shortest text form is exactly what the sender wrote, so String(n) is safe).
 */

import type { DecimalString, Money } from './model';

export type Rounding = 'half-up' | 'half-even' | 'down' | 'up';

/** Thrown for a value that is not an exact decimal amount. `field` names what was being read. */
export class MoneyError extends Error {
	constructor(
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'MoneyError';
	}
}

interface Exact {
	units: bigint;
	scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const LOOSE_DECIMAL = /^([+-])?\.(\d+)$/;

function describe(field: string | undefined): string {
	return field ? `"${field}"` : 'the amount';
}

function parse(value: unknown, field?: string): Exact {
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			throw new MoneyError(`${describe(field)} must be a finite number, got ${String(value)}`, field);
		}
		text = String(value);
	} else if (typeof value === 'string') {
		text = value.trim();
	} else if (typeof value === 'bigint') {
		return { units: value, scale: 0 };
	} else {
		throw new MoneyError(
			`${describe(field)} must be a decimal number such as "100.50", got ${value === undefined ? 'nothing' : typeof value}`,
			field,
		);
	}
	const loose = LOOSE_DECIMAL.exec(text);
	if (loose) text = `${loose[1] ?? ''}0.${loose[2]}`;
	const match = DECIMAL.exec(text);
	if (!match) {
		throw new MoneyError(
			`${describe(field)} must be a decimal number such as "100.50" (digits, optional sign and point, no thousands separators), got "${text}"`,
			field,
		);
	}
	const [, sign, whole, fraction = '', exponentText] = match;
	let units = BigInt(whole + fraction);
	let scale = fraction.length;
	const exponent = exponentText ? Number(exponentText) : 0;
	if (exponent > 0) {
		const shift = Math.min(exponent, scale);
		scale -= shift;
		units *= 10n ** BigInt(exponent - shift);
	} else if (exponent < 0) {
		scale -= exponent;
	}
	return { units: sign === '-' ? -units : units, scale };
}

function rescale(value: Exact, scale: number): bigint {
	return value.units * 10n ** BigInt(scale - value.scale);
}

function align(a: Exact, b: Exact): [bigint, bigint, number] {
	const scale = Math.max(a.scale, b.scale);
	return [rescale(a, scale), rescale(b, scale), scale];
}

function format(units: bigint, scale: number): DecimalString {
	const negative = units < 0n;
	const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
	const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
	return negative ? `-${text}` : text;
}

/** Divides with the chosen rounding (bigint division truncates toward zero). */
function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
	if (denominator < 0n) {
		numerator = -numerator;
		denominator = -denominator;
	}
	const quotient = numerator / denominator;
	const remainder = numerator % denominator;
	if (remainder === 0n) return quotient;
	const sign = numerator < 0n ? -1n : 1n;
	const twice = (remainder < 0n ? -remainder : remainder) * 2n;
	switch (rounding) {
		case 'down':
			return quotient;
		case 'up':
			return quotient + sign;
		case 'half-up':
			return twice >= denominator ? quotient + sign : quotient;
		case 'half-even':
			if (twice > denominator) return quotient + sign;
			if (twice < denominator) return quotient;
			return quotient % 2n === 0n ? quotient : quotient + sign;
	}
}

/** Text parseDecimal would give back unchanged: no sign but a minus on a non-zero value, no leading zeros. */
const CANONICAL = /^(?:-(?=0*\.?0*[1-9]))?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Checks and normalises an amount: "+100.5" → "100.5", "1e2" → "100". Throws MoneyError. */
export function parseDecimal(value: unknown, field?: string): DecimalString {
	// Platforms send amounts already in this form ("26000.00"): one test instead of a bigint round trip.
	if (typeof value === 'string' && CANONICAL.test(value)) return value;
	const exact = parse(value, field);
	return format(exact.units, exact.scale);
}

/** Drops trailing zeros after the point: "1.2500" → "1.25", "3.000" → "3". */
export function trimDecimal(value: unknown, field?: string): DecimalString {
	const text = parseDecimal(value, field);
	return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Rounds to `digits` decimals and always writes them: round("2.345", 2) → "2.35". */
export function roundDecimal(
	value: unknown,
	digits: number,
	rounding: Rounding = 'half-up',
	field?: string,
): DecimalString {
	const exact = parse(value, field);
	if (exact.scale <= digits) return format(rescale(exact, digits), digits);
	return format(divideRounded(exact.units, 10n ** BigInt(exact.scale - digits), rounding), digits);
}

/**
 * Major units to integer minor units: ("12.34", 2) → 1234. An amount with more decimals than the
 * currency has is an error unless a rounding is given: silently dropping cents moves money.
 */
export function toMinorUnits(
	value: unknown,
	digits: number,
	rounding?: Rounding,
	field?: string,
): bigint {
	const exact = parse(value, field);
	if (exact.scale > digits) {
		if (!rounding) {
			throw new MoneyError(
				`${describe(field)} has more than ${digits} decimals ("${format(exact.units, exact.scale)}"); round it first or choose a rounding`,
				field,
			);
		}
		return divideRounded(exact.units, 10n ** BigInt(exact.scale - digits), rounding);
	}
	return rescale(exact, digits);
}

/** Integer minor units to a major-unit decimal string: (1234, 2) → "12.34". */
export function fromMinorUnits(minor: unknown, digits: number, field?: string): DecimalString {
	const exact = parse(minor, field);
	if (exact.scale !== 0) {
		throw new MoneyError(`${describe(field)} must be a whole number of minor units, got "${format(exact.units, exact.scale)}"`, field);
	}
	return format(exact.units, digits);
}

/** Converts a bigint minor amount to a JSON-safe number, refusing values a double cannot hold. */
export function minorUnitsToNumber(minor: bigint, field?: string): number {
	if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) {
		throw new MoneyError(`${describe(field)} is too large to send as a JSON number (${minor.toString()})`, field);
	}
	return Number(minor);
}

export function addDecimal(a: unknown, b: unknown): DecimalString {
	const [x, y, scale] = align(parse(a, 'a'), parse(b, 'b'));
	return format(x + y, scale);
}

export function subtractDecimal(a: unknown, b: unknown): DecimalString {
	const [x, y, scale] = align(parse(a, 'a'), parse(b, 'b'));
	return format(x - y, scale);
}

export function negateDecimal(value: unknown): DecimalString {
	const exact = parse(value);
	return format(-exact.units, exact.scale);
}

/** a × b, exact (the scale grows); round afterwards with roundDecimal. */
export function multiplyDecimal(a: unknown, b: unknown): DecimalString {
	const x = parse(a, 'a');
	const y = parse(b, 'b');
	return format(x.units * y.units, x.scale + y.scale);
}

/** a ÷ b rounded to `digits` decimals. */
export function divideDecimal(a: unknown, b: unknown, digits: number, rounding: Rounding = 'half-up'): DecimalString {
	const x = parse(a, 'a');
	const y = parse(b, 'b');
	if (y.units === 0n) throw new MoneyError('cannot divide by zero');
	// x/y = (xu/10^xs) / (yu/10^ys); scaled to `digits` decimals.
	const numerator = x.units * 10n ** BigInt(digits + y.scale);
	const denominator = y.units * 10n ** BigInt(x.scale);
	return format(divideRounded(numerator, denominator, rounding), digits);
}

/** -1, 0 or 1. */
export function compareDecimal(a: unknown, b: unknown): -1 | 0 | 1 {
	const [x, y] = align(parse(a, 'a'), parse(b, 'b'));
	return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(value: unknown): boolean {
	return parse(value).units === 0n;
}

/** Sums amounts of one currency; a different currency is an error, never a silent mix. */
export function sumMoney(amounts: Money[], currency: string): Money {
	let total: DecimalString = '0';
	for (const money of amounts) {
		if (money.currency.toUpperCase() !== currency.toUpperCase()) {
			throw new MoneyError(`cannot add ${money.currency} to ${currency}: convert first`);
		}
		total = addDecimal(total, money.amount);
	}
	return { amount: total, currency: currency.toUpperCase() };
}

/** Decimals of common currencies (ISO 4217 minor units); crypto uses what the provider reports. */
export const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
	USD: 2,
	EUR: 2,
	GBP: 2,
	CHF: 2,
	AUD: 2,
	CAD: 2,
	NZD: 2,
	ZAR: 2,
	AED: 2,
	SGD: 2,
	HKD: 2,
	PLN: 2,
	CZK: 2,
	JPY: 0,
	KRW: 0,
	VND: 0,
	KWD: 3,
	BHD: 3,
	JOD: 3,
	OMR: 3,
	TND: 3,
	BTC: 8,
	ETH: 18,
	USDT: 6,
	USDC: 6,
};

export function currencyDigits(currency: string, field?: string): number {
	const digits = CURRENCY_DIGITS[currency.toUpperCase()];
	if (digits === undefined) {
		throw new MoneyError(
			`${describe(field)}: the number of decimals of currency "${currency}" is not known; give the decimals explicitly`,
			field,
		);
	}
	return digits;
}
