/**
 * Praxis transactions → the canonical `Transaction` (lib/model.ts). Praxis field names stop here.
 * Read from raw JSON tokens (transport/signing `rawJsonScalars`), so amounts are the exact integers
 * Praxis wrote.
 *
 * Decisions, with their sources (reference/psp_kyc.md §1):
 * - Amounts are integer minor units of their currency (JPY and the other 0-decimal currencies as
 *   is): major = minor / 10^currencyDigits, exactly.
 * - gross = `processed_amount` in `processed_currency`: "transaction and session amounts may change
 *   during processing", so the processed amount is what actually moved.
 * - fee = `fee`, minor units. [inference] Of the processed currency, the only currency the fee can
 *   be compared with.
 * - net. [inference] `fee_included` = 1 reads as "the fee is included in the amount", i.e. taken
 *   out of what the client paid (charged to the client): net = gross − fee. `fee_included` = 0
 *   means the fee is charged to the merchant on top, so the client is credited the whole gross:
 *   net = gross.
 * - status: approved → succeeded; pending, pending_async, authorized, requested, in progress
 *   (and the split states) → pending; rejected, declined, cancelled, error → failed; reversed and
 *   chargeback as they are. A status Praxis adds later is `pending` (it never credits) and keeps
 *   its own word in `vendorStatus`.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Transaction, TransactionStatus } from '../../lib/model';
import { currencyDigits, fromMinorUnits, subtractDecimal } from '../../lib/money';

const STATUS: Readonly<Record<string, TransactionStatus>> = {
	approved: 'succeeded',
	pending: 'pending',
	pending_async: 'pending',
	authorized: 'pending',
	requested: 'pending',
	'in progress': 'pending',
	initialized: 'pending',
	split: 'pending',
	split_partial: 'pending',
	rejected: 'failed',
	declined: 'failed',
	cancelled: 'failed',
	error: 'failed',
	reversed: 'reversed',
	chargeback: 'chargeback',
};

export function canonicalStatus(praxisStatus: string): TransactionStatus {
	return STATUS[praxisStatus.trim().toLowerCase()] ?? 'pending';
}

export class PraxisMappingError extends Error {}

/** Reads one field of a record by its raw token, e.g. at("transaction.tid"). */
export type RawField = (field: string) => string | null | undefined;

function required(at: RawField, field: string): string {
	const value = at(field);
	if (value === null || value === undefined || value === '') throw new PraxisMappingError(`Praxis sent no ${field}`);
	return value;
}

export interface PraxisTransactionFields extends Transaction {
	orderId: string | null;
	vendorStatus: string;
	withdrawalRequestId: string | null;
	statusCode: string | null;
	statusDetails: string | null;
}

/**
 * One transaction. `transaction` reads its fields ("tid", "processed_amount"…), `session` the
 * session's ("intent", "cid", "order_id"); `timestampSeconds` is the message's time, if any.
 */
export function toTransaction(transaction: RawField, session: RawField, timestampSeconds?: string | null): PraxisTransactionFields {
	const tid = required(transaction, 'tid');
	const vendorStatus = required(transaction, 'transaction_status');
	const currency = required(transaction, 'processed_currency').toUpperCase();
	const digits = currencyDigits(currency, 'processed_currency');
	const gross = fromMinorUnits(required(transaction, 'processed_amount'), digits, 'processed_amount');
	const feeMinor = transaction('fee');
	const fee = feeMinor === null || feeMinor === undefined || feeMinor === '' ? fromMinorUnits('0', digits) : fromMinorUnits(feeMinor, digits, 'fee');
	const feeIncluded = transaction('fee_included') === '1' || transaction('fee_included') === 'true';
	const intent = session('intent') ?? null;
	const payout = intent === 'withdrawal' || (intent === null && transaction('transaction_type') === 'payout');
	const updated = timestampSeconds && /^\d+$/.test(timestampSeconds) ? new Date(Number(timestampSeconds) * 1000).toISOString() : undefined;
	return {
		transactionId: tid,
		source: 'praxis',
		type: payout ? 'withdrawal' : 'deposit',
		status: canonicalStatus(vendorStatus),
		gross: { amount: gross, currency },
		fee: { amount: fee, currency },
		net: { amount: feeIncluded ? subtractDecimal(gross, fee) : gross, currency },
		clientId: session('cid') ?? undefined,
		method: transaction('payment_method') ?? undefined,
		idempotencyKey: `praxis:${tid}`,
		...(updated ? { updatedAtUtc: updated } : {}),
		orderId: session('order_id') ?? null,
		vendorStatus,
		withdrawalRequestId: transaction('withdrawal_request_id') ?? null,
		statusCode: transaction('status_code') ?? null,
		statusDetails: transaction('status_details') ?? null,
	};
}

/** Under a dotted prefix of a raw scalar map: at("tid") reads "<prefix>.tid". */
export function fieldsAt(scalars: ReadonlyMap<string, string | null>, prefix: string): RawField {
	return (field) => scalars.get(prefix ? `${prefix}.${field}` : field);
}

/** JSON for n8n: canonical fields without undefined values. */
export function transactionJson(transaction: PraxisTransactionFields): IDataObject {
	return JSON.parse(JSON.stringify(transaction)) as IDataObject;
}
