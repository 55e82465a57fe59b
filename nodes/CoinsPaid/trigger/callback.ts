/**
 * A CoinsPaid callback, verified and turned into a canonical transaction, without n8n: the trigger
 * only reads the request and answers. Callbacks are signed like requests: `X-Processing-Signature`
 * = hex HMAC-SHA512(secret, raw body) (coinspaid/docs api-documentation/callbacks.md). They carry
 * no timestamp, so there is no window; an identical re-delivery is recognised by its signature.
 */
import { attempt } from '../../../lib/errors';
import type { Money, Transaction, TransactionStatus } from '../../../lib/model';
import { addDecimal, compareDecimal, parseDecimal, subtractDecimal } from '../../../lib/money';
import { verifyHmac, WebhookSignatureError, type RawBody } from '../../../lib/signatures';

export const SIGNATURE_HEADER = 'X-Processing-Signature';

/** CoinsPaid status → the one vocabulary. `not_confirmed` (mempool only) must never credit. */
const STATUS: Readonly<Record<string, TransactionStatus>> = {
	not_confirmed: 'pending',
	processing: 'pending',
	confirmed: 'succeeded',
	failed: 'failed',
	cancelled: 'failed',
};

interface CallbackBody {
	id?: number | string;
	type?: string;
	foreign_id?: string;
	status?: string;
	crypto_address?: { foreign_id?: string; currency?: string; address?: string; tag?: string | null };
	currency_sent?: { currency?: string; amount?: string | number };
	currency_received?: { currency?: string; amount?: string | number; amount_minus_fee?: string | number };
	transactions?: Array<{ transaction_type?: string; txid?: string; confirmations?: number }>;
	fees?: Array<{ type?: string; currency?: string; amount?: string | number }>;
	error?: string;
}

export type CoinsPaidTransaction = Transaction & {
	vendorType: string;
	vendorStatus: string;
	foreignId?: string;
	address?: string;
	txid?: string;
	confirmations?: number;
	error?: string;
};

export class CallbackFormatError extends Error {
	constructor(message: string) {
		super(`The CoinsPaid callback cannot be read: ${message}`);
		this.name = 'CallbackFormatError';
	}
}

function money(amount: unknown, currency: unknown, field: string): Money {
	if (typeof currency !== 'string' || currency === '') throw new CallbackFormatError(`${field}.currency is missing`);
	return { amount: parseDecimal(amount, `${field}.amount`), currency: currency.toUpperCase() };
}

function feesIn(body: CallbackBody, currency: string): string | undefined {
	const matching = (body.fees ?? []).filter((fee) => String(fee.currency ?? '').toUpperCase() === currency);
	if (matching.length === 0) return undefined;
	return matching.reduce((sum, fee) => addDecimal(sum, parseDecimal(fee.amount, 'fees[].amount')), '0');
}

/**
 * The callback as a canonical transaction. Deposits: gross = currency_received.amount, net =
 * amount_minus_fee (what CoinsPaid credited), fee = the fees[] in the received currency, or
 * gross − net when none is listed. Withdrawals: gross = currency_sent (what left the balance),
 * fee = the fees[] in that currency, net = currency_received when it is the same currency.
 */
export function mapCallback(body: unknown, options: { includeRaw?: boolean; nowMs?: number } = {}): CoinsPaidTransaction {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CallbackFormatError('the body is not a JSON object');
	const cb = body as CallbackBody;
	if (cb.id === undefined || cb.id === null || String(cb.id) === '') throw new CallbackFormatError('the root id is missing');
	const vendorType = String(cb.type ?? '');
	const vendorStatus = String(cb.status ?? '');
	const withdrawal = vendorType.startsWith('withdrawal');
	if (!withdrawal && !vendorType.startsWith('deposit')) throw new CallbackFormatError(`the type "${vendorType}" is not a deposit or a withdrawal`);
	// An unknown status stays pending: only `confirmed` may ever credit.
	const status = STATUS[vendorStatus] ?? 'pending';

	let gross: Money;
	let fee: Money | undefined;
	let net: Money | undefined;
	if (withdrawal) {
		gross = money(cb.currency_sent?.amount, cb.currency_sent?.currency, 'currency_sent');
		const fees = feesIn(cb, gross.currency);
		fee = { amount: fees ?? '0', currency: gross.currency };
		const received = cb.currency_received;
		if (received && String(received.currency ?? '').toUpperCase() === gross.currency && received.amount !== undefined) {
			net = money(received.amount, received.currency, 'currency_received');
		}
	} else {
		const received = cb.currency_received;
		gross = money(received?.amount, received?.currency, 'currency_received');
		const fees = feesIn(cb, gross.currency);
		const minusFee = received?.amount_minus_fee;
		if (minusFee !== undefined && minusFee !== null && minusFee !== '') {
			net = { amount: parseDecimal(minusFee, 'currency_received.amount_minus_fee'), currency: gross.currency };
			fee = { amount: fees ?? subtractDecimal(gross.amount, net.amount), currency: gross.currency };
		} else {
			fee = { amount: fees ?? '0', currency: gross.currency };
			net = { amount: subtractDecimal(gross.amount, fee.amount), currency: gross.currency };
		}
		if (compareDecimal(net.amount, 0) < 0) throw new CallbackFormatError('the fee is larger than the received amount');
	}

	const chain = (cb.transactions ?? []).find((t) => t.transaction_type === 'blockchain') ?? cb.transactions?.[0];
	const clientId = cb.crypto_address?.foreign_id ?? cb.foreign_id;
	const id = String(cb.id);
	return {
		transactionId: id,
		source: 'coinspaid',
		type: withdrawal ? 'withdrawal' : 'deposit',
		status,
		gross,
		fee,
		...(net ? { net } : {}),
		...(clientId ? { clientId: String(clientId) } : {}),
		method: String(cb.currency_sent?.currency ?? gross.currency).toLowerCase(),
		// not_confirmed and confirmed share the root id, so they share the key: one credit at most.
		idempotencyKey: `coinspaid:${id}`,
		updatedAtUtc: new Date(options.nowMs ?? Date.now()).toISOString(),
		vendorType,
		vendorStatus,
		...(cb.foreign_id ? { foreignId: String(cb.foreign_id) } : {}),
		...(cb.crypto_address?.address ? { address: cb.crypto_address.address } : {}),
		...(chain?.txid ? { txid: chain.txid } : {}),
		...(typeof chain?.confirmations === 'number' ? { confirmations: chain.confirmations } : {}),
		...(cb.error ? { error: cb.error } : {}),
		...(options.includeRaw ? { raw: body } : {}),
	};
}

export interface CallbackFilter {
	types?: Array<'deposit' | 'withdrawal'>;
	statuses?: TransactionStatus[];
}

export interface CallbackRequest {
	rawBody: RawBody | undefined;
	signature: string | undefined;
}

export type CallbackVerdict =
	| { outcome: 'refuse'; httpStatus: 401; reason: string; message: string }
	| { outcome: 'acknowledge'; httpStatus: 200; reason: 'duplicate' | 'filtered' | 'unreadable'; message: string }
	| { outcome: 'run'; httpStatus: 200; transaction: CoinsPaidTransaction; secretIndex: number };

/**
 * Verify, de-duplicate, map and filter one callback.
 * - Forged or unsigned → 401 and nothing runs.
 * - Identical to one already accepted (same signature, so the same body) → 200 without running:
 *   CoinsPaid re-sends the same body only when it did not get our 200, so this is a re-delivery,
 *   not an attack, and answering anything but 200 would make it retry for four hours. The money
 *   path is protected downstream by the idempotency key either way.
 * - Signed but unreadable (a type we do not model) → 200 without running, so CoinsPaid stops.
 * `firstSeen(signature)` is asked only once the signature is proven.
 */
export function handleCallback(
	request: CallbackRequest,
	secrets: ReadonlyArray<string | undefined>,
	options: { filter?: CallbackFilter; includeRaw?: boolean; nowMs?: number; firstSeen?: (signature: string) => boolean } = {},
): CallbackVerdict {
	const verified = attempt(() =>
		verifyHmac({
			rawBody: request.rawBody as RawBody,
			signature: request.signature,
			secrets,
			algorithm: 'sha512',
			encoding: 'hex',
			signatureHeader: SIGNATURE_HEADER,
		}),
	);
	if (!verified.ok) {
		// Every failure refuses: an unexpected one must not let an unverified callback through.
		const reason = verified.error instanceof WebhookSignatureError ? verified.error.reason : 'verification_failed';
		return { outcome: 'refuse', httpStatus: 401, reason, message: verified.error.message };
	}
	const { secretIndex } = verified.value;
	const raw = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : String(request.rawBody);
	let transaction: CoinsPaidTransaction;
	try {
		transaction = mapCallback(JSON.parse(raw) as unknown, options);
	} catch (error) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'unreadable', message: (error as Error).message };
	}
	const filter = options.filter ?? {};
	if (filter.types?.length && !filter.types.includes(transaction.type as 'deposit' | 'withdrawal')) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'filtered', message: `type ${transaction.type} is not selected` };
	}
	if (filter.statuses?.length && !filter.statuses.includes(transaction.status)) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'filtered', message: `status ${transaction.status} is not selected` };
	}
	if (options.firstSeen && !options.firstSeen(String(request.signature).trim().toLowerCase())) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'duplicate', message: `callback ${transaction.transactionId} (${transaction.vendorStatus}) was already accepted` };
	}
	return { outcome: 'run', httpStatus: 200, transaction, secretIndex };
}
