/**
 * A Praxis notification, checked and mapped without n8n: the Praxis Trigger hands in the raw body,
 * the `GT-Authentication` header, the secrets and the clock, and gets back either the canonical
 * transaction or the reason for refusing it. Checks, in the order a forged call should fail them:
 *
 * 1. the body is JSON (read as raw tokens: numbers are hashed as sent, "1.085000" stays so);
 * 2. `GT-Authentication` = sha384 of the notification's fields in Praxis's order, nulls skipped,
 *    + the current or the previous secret (psp_kyc.md §1, docs.praxis.tech/reference/paymentnotification);
 * 3. merchant_id and application_key are the credential's;
 * 4. `timestamp` within the tolerance (a stale copy is a replay);
 * 5. the same signature was not accepted before (a replay inside the window).
 *
 * The reply Praxis expects is built here too: `{status:0, description:"OK", version:"1.3",
 * timestamp}` signed over `status, timestamp`; anything else makes Praxis resend in ~5 minutes.
 */
import { attempt } from '../../../lib/errors';
import type { ReplayGuard } from '../../../lib/replayGuard';
import { assertTimestampWithinTolerance, computePlainHash, verifyPlainHash, WebhookSignatureError } from '../../../lib/signatures';
import { fieldsAt, toTransaction, type PraxisTransactionFields } from '../mappers';
import { GT_AUTHENTICATION, PRAXIS_VERSION, praxisSignature, rawJsonScalars, signedValues } from '../transport/signing';

export interface NotificationCheck {
	rawBody: Buffer | string;
	/** The `GT-Authentication` header as received. */
	signature: string | undefined;
	/** Current secret, then the previous one (may be empty). */
	secrets: [string, string?];
	merchantId?: string;
	applicationKey?: string;
	toleranceSeconds: number;
	nowMs: number;
	/** Remembers accepted signatures; omit to skip the replay check. */
	replayGuard?: ReplayGuard;
	/** Keeps one trigger's replays apart from another's ("<workflow>:<node>"). */
	replayScope?: string;
}

export type NotificationVerdict =
	| {
			accepted: true;
			transaction: PraxisTransactionFields;
			secretUsed: 'current' | 'previous';
			/** The parsed body, for "Include Raw Vendor Data". */
			body: Record<string, unknown>;
	  }
	| {
			accepted: false;
			/** `replay` is a genuine notification seen before: acknowledge it, run nothing. */
			reason: 'notJson' | 'signature' | 'wrongMerchant' | 'timestamp' | 'replay' | 'unreadable';
			message: string;
	  };

export function checkNotification(check: NotificationCheck): NotificationVerdict {
	const text = Buffer.isBuffer(check.rawBody) ? check.rawBody.toString('utf8') : check.rawBody;
	const parsed = attempt(() => ({ scalars: rawJsonScalars(text), body: JSON.parse(text) as unknown }));
	if (!parsed.ok) return { accepted: false, reason: 'notJson', message: `the body is not JSON (${parsed.error.message})` };
	const { scalars, body } = parsed.value;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { accepted: false, reason: 'notJson', message: 'the body is not a JSON object' };
	}

	const values = signedValues(scalars, 'notification');
	const match = attempt(() =>
		verifyPlainHash({
			signature: check.signature?.trim().toLowerCase(),
			secrets: check.secrets,
			algorithm: 'sha384',
			encoding: 'hex',
			partsFor: (secret) => [...values, secret],
			signatureHeader: GT_AUTHENTICATION,
		}),
	);
	if (!match.ok) return { accepted: false, reason: 'signature', message: failureMessage(match.error) };
	const { secretIndex } = match.value;

	for (const [field, expected] of [
		['merchant_id', check.merchantId],
		['application_key', check.applicationKey],
	] as const) {
		if (expected && scalars.get(field) !== expected) {
			return { accepted: false, reason: 'wrongMerchant', message: `${field} is not the one in the Praxis credential` };
		}
	}

	const fresh = attempt(() =>
		assertTimestampWithinTolerance({ value: scalars.get('timestamp') ?? undefined, toleranceSeconds: check.toleranceSeconds, nowMs: check.nowMs, label: 'timestamp field' }),
	);
	if (!fresh.ok) return { accepted: false, reason: 'timestamp', message: failureMessage(fresh.error) };

	const mapped = attempt(() => toTransaction(fieldsAt(scalars, 'transaction'), fieldsAt(scalars, 'session'), scalars.get('timestamp')));
	if (!mapped.ok) return { accepted: false, reason: 'unreadable', message: mapped.error.message };
	const transaction = mapped.value;

	// Last, so that only a notification that passed every check is remembered. A genuine resend
	// from Praxis carries a new timestamp and so a new signature: it is not a replay, and the
	// workflow dedupes it on `idempotencyKey`.
	// Praxis's signature does not cover the transaction status: an approval and its chargeback sent
	// in the same second share a signature. So a replay is the same signature AND the same body.
	if (check.replayGuard) {
		const bodyDigest = computePlainHash('sha256', [text], 'hex');
		const key = `praxis:${check.replayScope ?? ''}:${String(check.signature).trim().toLowerCase()}:${bodyDigest}`;
		const ttlMs = (2 * check.toleranceSeconds + 60) * 1000;
		if (!check.replayGuard.firstSeen(key, ttlMs)) {
			return { accepted: false, reason: 'replay', message: 'this signed notification was already accepted' };
		}
	}

	return { accepted: true, transaction, secretUsed: secretIndex === 0 ? 'current' : 'previous', body: body as Record<string, unknown> };
}

/** A signature or timestamp failure says what failed; anything else is a bug and says so too. */
function failureMessage(error: Error): string {
	return error instanceof WebhookSignatureError ? error.message : `unexpected ${error.name}: ${error.message}`;
}

export interface NotificationReply {
	headers: Record<string, string>;
	body: string;
}

/**
 * The answer Praxis takes as an acknowledgement (status 0) or as "send it again later" (-1):
 * JSON `{status, description, version, timestamp}` with `GT-Authentication` = sha384(status +
 * timestamp + secret) (`asaka1234/go-praxis` `GetCallbackResponseSignatureList`, `PraxisBackResp`).
 */
export function notificationReply(secret: string, nowSeconds: number, status: 0 | -1 = 0): NotificationReply {
	const description = status === 0 ? 'OK' : 'Not processed, please resend';
	return {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			[GT_AUTHENTICATION]: praxisSignature([String(status), String(nowSeconds)], secret),
		},
		body: JSON.stringify({ status, description, version: PRAXIS_VERSION, timestamp: nowSeconds }),
	};
}
