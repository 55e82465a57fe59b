/**
 * Money inside the simulator: integer minor units of the account currency (plain numbers: a
 * billion-unit operation is 1e11 cents, far inside 2^53). Parsing goes through lib/money.ts, so no
 * float ever rounds an amount; formatting writes the currency's digits the way MT5 does
 * ("26000.00", `webapi_user_account_get`).
 */
import { MoneyError, toMinorUnits } from '../../lib/money';
import { Mt5Error, RET } from './retcodes';

/** A decimal (string or number) to minor units, rounded half-up to the currency's digits. */
export function toMinor(value: string | number, digits: number): number {
	return Number(toMinorUnits(value, digits, 'half-up'));
}

/** Like toMinor, for request parameters: a malformed amount is retcode 3. */
export function parseAmount(text: string, digits: number, name: string): number {
	try {
		return toMinor(text, digits);
	} catch (error) {
		if (error instanceof MoneyError) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" is not a decimal amount: "${text}"`);
		throw error;
	}
}

/** 123456 with 2 digits → "1234.56"; exact, integer arithmetic only. */
export function formatMinor(minor: number, digits: number): string {
	const negative = minor < 0;
	const abs = Math.abs(minor);
	if (digits === 0) return `${negative ? '-' : ''}${abs}`;
	const scale = 10 ** digits;
	const whole = Math.floor(abs / scale);
	const fraction = String(abs % scale).padStart(digits, '0');
	return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A ratio (e.g. margin level in %) with two decimals. */
export function formatRatio(value: number): string {
	return (Math.round(value * 100) / 100).toFixed(2);
}
