/**
 * MT5 account passwords. `webapi_user_add`: 8 to 16 characters with lower case, upper case, digits
 * and special characters; the server refuses anything else with retcode 3006. Generated passwords
 * leave out look-alike characters (0/O, 1/l/I) because clients type them from an email, and the
 * characters MT5 escapes in parameters (= | \, `webapi_screening`) or that break in a URL or a
 * terminal (space, quotes, %, +).
 */
import { randomInt } from 'crypto';

const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$&*?@_-';
const CLASSES = [LOWER, UPPER, DIGITS, SYMBOLS];

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 16;
export const GENERATED_PASSWORD_LENGTH = 12;

function pick(alphabet: string): string {
	return alphabet[randomInt(alphabet.length)];
}

/** A fresh password that meets MT5's rules: one character of each class, the rest from all, shuffled. */
export function generateMt5Password(length = GENERATED_PASSWORD_LENGTH): string {
	if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
		throw new RangeError(`an MT5 password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not ${length}`);
	}
	const all = CLASSES.join('');
	const chars = CLASSES.map(pick);
	while (chars.length < length) chars.push(pick(all));
	// Fisher–Yates with a cryptographic source, so the class positions are not predictable.
	for (let i = chars.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[chars[i], chars[j]] = [chars[j], chars[i]];
	}
	return chars.join('');
}

/** What is wrong with a given password under MT5's rules, or undefined. Never repeats the password. */
export function mt5PasswordProblem(password: string): string | undefined {
	if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
		return `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long (it has ${password.length})`;
	}
	if (!/[a-z]/.test(password)) return 'needs a lower-case letter';
	if (!/[A-Z]/.test(password)) return 'needs an upper-case letter';
	if (!/\d/.test(password)) return 'needs a digit';
	if (!/[^A-Za-z0-9]/.test(password)) return 'needs a special character such as # or @';
	return undefined;
}
