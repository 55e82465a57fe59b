/**
 * Praxis Cashier API v1.3 `GT-Authentication`: SHA-384 hex of the values of the message's signed
 * fields, concatenated in the documented order, then the merchant secret. A plain hash, not HMAC
 * (https://doc.praxiscashier.com/integration_docs/latest/overview/authentication). Fields whose
 * value is null are skipped (…/webhooks/notification).
 *
 * Numbers are hashed as the text that travelled: `"conversion_rate":1.085000` is hashed as
 * "1.085000", never as JSON.parse's 1.085. Public clients that re-serialise parsed floats break on
 * exactly that (reference/psp_kyc.md §1 "Pitfalls"), so incoming messages are read with
 * `rawJsonScalars`, which keeps every scalar's raw token.
 */
import { computePlainHash } from '../../../lib/signatures';

export const GT_AUTHENTICATION = 'GT-Authentication';
export const PRAXIS_VERSION = '1.3';

/** Signed fields per message, in order (reference/psp_kyc.md §1 "Per-method signature field order"). */
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
	/**
	 * [inference] Praxis's published sources do not list the fields of its own answers' signature.
	 * The cashier answer is read like the notification (status, time, then what identifies the
	 * session); every other answer, errors included, like the notification reply. This is what the
	 * sandbox signs; the node lets the user switch answer verification off if live Praxis differs.
	 */
	cashierAnswer: ['status', 'timestamp', 'redirect_url', 'customer.customer_token', 'session.order_id'],
	agentAnswer: ['status', 'timestamp'],
} as const satisfies Record<string, readonly string[]>;

export type PraxisMessage = keyof typeof PRAXIS_SIGNED_FIELDS;

export class RawJsonError extends Error {}

/**
 * Every scalar of a JSON text by dotted path ("transaction.amount", "transactions.0.tid"): strings
 * decoded, numbers and true/false as their raw text, null as null. Throws RawJsonError on text that
 * is not JSON.
 */
export function rawJsonScalars(text: string): Map<string, string | null> {
	const out = new Map<string, string | null>();
	let i = 0;
	const fail = (what: string): never => {
		throw new RawJsonError(`invalid JSON at offset ${i}: ${what}`);
	};
	const skipSpace = () => {
		while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
	};
	const expect = (c: string) => {
		if (text[i] !== c) fail(`expected "${c}"`);
		i++;
	};
	const readString = (): string => {
		const start = i;
		expect('"');
		while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
		expect('"');
		try {
			return JSON.parse(text.slice(start, i)) as string;
		} catch {
			return fail('bad string escape');
		}
	};
	const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
	const readValue = (path: string, depth: number): void => {
		if (depth > 64) fail('nested too deeply');
		skipSpace();
		const c = text[i];
		if (c === '{' || c === '[') {
			const close = c === '{' ? '}' : ']';
			i++;
			skipSpace();
			if (text[i] === close) {
				i++;
				return;
			}
			for (let n = 0; ; n++) {
				skipSpace();
				let key = String(n);
				if (c === '{') {
					key = readString();
					skipSpace();
					expect(':');
				}
				readValue(path ? `${path}.${key}` : key, depth + 1);
				skipSpace();
				if (text[i] === ',') {
					i++;
					continue;
				}
				expect(close);
				return;
			}
		}
		if (c === '"') {
			out.set(path, readString());
			return;
		}
		literal.lastIndex = i;
		const match = literal.exec(text) ?? fail('expected a value');
		i += match[0].length;
		out.set(path, match[0] === 'null' ? null : match[0]);
	};
	readValue('', 0);
	skipSpace();
	if (i !== text.length) fail('trailing characters');
	return out;
}

/** The values to hash, in order, with null and absent fields skipped. */
export function signedValues(scalars: ReadonlyMap<string, string | null>, message: PraxisMessage): string[] {
	return PRAXIS_SIGNED_FIELDS[message]
		.map((field) => scalars.get(field))
		.filter((value): value is string => value !== null && value !== undefined);
}

/** `GT-Authentication` for values already in order (nulls skipped by the caller or here). */
export function praxisSignature(values: ReadonlyArray<string | null | undefined>, secret: string): string {
	const parts = values.filter((value): value is string => value !== null && value !== undefined);
	return computePlainHash('sha384', [...parts, secret], 'hex');
}

/** `GT-Authentication` of a request body we send: its signed fields' values as we wrote them. */
export function signRequestBody(body: Record<string, string | number | null | undefined>, message: PraxisMessage, secret: string): string {
	return praxisSignature(
		PRAXIS_SIGNED_FIELDS[message].map((field) => {
			const value = body[field];
			return value === null || value === undefined ? undefined : String(value);
		}),
		secret,
	);
}
