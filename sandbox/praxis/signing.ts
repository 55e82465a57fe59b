/**
 * Praxis Cashier API v1.3 signing: `GT-Authentication` = SHA-384 hex of the values of the call's
 * signed fields, concatenated in the documented order, followed by the merchant secret. Plain hash,
 * not HMAC (https://doc.praxiscashier.com/integration_docs/latest/overview/authentication). Null
 * fields are skipped (…/webhooks/notification).
 *
 * Numbers are signed as the text that travels in the body ("1.000000" stays "1.000000", not "1"):
 * `asaka1234/go-praxis` re-serialises parsed floats and breaks on exactly that, so this module reads
 * scalar values from the raw JSON bytes, never from JSON.parse output, on both sides.
 */
import { computePlainHash } from '../../lib/signatures';

export const GT_AUTHENTICATION = 'GT-Authentication';

/** Signed fields per message, in order (psp_kyc.md §1 "Per-method signature field order"). */
export const PRAXIS_SIGNED_FIELDS = {
	cashier: ['merchant_id', 'application_key', 'timestamp', 'intent', 'cid', 'order_id'],
	notification: [
		'merchant_id',
		'application_key',
		'timestamp',
		'customer.customer_token',
		'session.order_id',
		'transaction.tid',
		'transaction.currency',
		'transaction.amount',
		'transaction.conversion_rate',
		'transaction.processed_currency',
		'transaction.processed_amount',
	],
	notificationReply: ['status', 'timestamp'],
	manageWithdrawal: ['merchant_id', 'application_key', 'timestamp', 'intent', 'withdrawal_request_id'],
	splitWithdrawal: ['merchant_id', 'application_key', 'timestamp', 'withdrawal_request_id'],
	findOrder: ['merchant_id', 'application_key', 'timestamp', 'order_id'],
	/** [inference] The cashier answer's signed fields are not in our sources; chosen by analogy with the notification. */
	cashierResponse: ['status', 'timestamp', 'redirect_url', 'customer.customer_token', 'session.order_id'],
	/** [inference] Agent API answers and error envelopes: signed like the notification reply. */
	envelope: ['status', 'timestamp'],
} as const satisfies Record<string, readonly string[]>;

export type PraxisMessage = keyof typeof PRAXIS_SIGNED_FIELDS;

/** A number written into a body exactly as given ("1.000000"), so what is signed is what is sent. */
export class RawNumber {
	constructor(readonly text: string) {
		if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`"${text}" is not a plain decimal number`);
	}
}

export class PraxisJsonError extends Error {}

/**
 * Every scalar of a JSON text by dotted path ("transaction.amount", "transactions.0.tid"): strings
 * decoded, numbers and literals as their raw text, null as null.
 */
export function scalarTokens(text: string): Map<string, string | null> {
	const out = new Map<string, string | null>();
	let i = 0;
	const fail = (what: string): never => {
		throw new PraxisJsonError(`invalid JSON at offset ${i}: ${what}`);
	};
	const ws = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
	};
	const expect = (c: string) => {
		if (text[i] !== c) fail(`expected "${c}"`);
		i++;
	};
	const string = (): string => {
		const start = i;
		expect('"');
		while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
		expect('"');
		return JSON.parse(text.slice(start, i)) as string;
	};
	const literal = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
	const value = (path: string): void => {
		ws();
		const c = text[i];
		const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
		if (c === '{' || c === '[') {
			const close = c === '{' ? '}' : ']';
			i++;
			ws();
			if (text[i] === close) return void i++;
			for (let n = 0; ; n++) {
				ws();
				let key: string | number = n;
				if (c === '{') {
					key = string();
					ws();
					expect(':');
				}
				value(join(key));
				ws();
				if (text[i] === ',') {
					i++;
					continue;
				}
				expect(close);
				return;
			}
		}
		if (c === '"') return void out.set(path, string());
		literal.lastIndex = i;
		const match = literal.exec(text) ?? fail('expected a value');
		i += match[0].length;
		out.set(path, match[0] === 'null' ? null : match[0]);
	};
	value('');
	ws();
	if (i !== text.length) fail('trailing characters');
	return out;
}

/** The GT-Authentication value for these field values (nulls and absent fields skipped). */
export function praxisSignature(values: ReadonlyArray<string | null | undefined>, secret: string): string {
	const parts = values.filter((v): v is string => v !== null && v !== undefined);
	return computePlainHash('sha384', [...parts, secret], 'hex');
}

/** Signs a JSON text by the raw values of the message's fields. */
export function signJsonText(text: string, message: PraxisMessage, secret: string): string {
	const tokens = scalarTokens(text);
	return praxisSignature(
		PRAXIS_SIGNED_FIELDS[message].map((field) => tokens.get(field)),
		secret,
	);
}

/** JSON.stringify that writes RawNumber values as their text. */
export function praxisJson(value: unknown): string {
	const marker = '\u0001raw:';
	const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawNumber ? `${marker}${v.text}` : v));
	return text.replace(/"\\u0001raw:(-?\d+(?:\.\d+)?)"/g, '$1');
}
