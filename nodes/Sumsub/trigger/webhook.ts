/**
 * A Sumsub webhook, checked and mapped without n8n: the Sumsub Trigger hands in the raw body, the
 * two digest headers, the secrets, the clock and its memory of the newest event per applicant, and
 * gets back what to answer and whether to run. In the order a forged call should fail them:
 *
 * 1. `X-Payload-Digest-Alg` names one of HMAC_SHA1_HEX, HMAC_SHA256_HEX, HMAC_SHA512_HEX — the one
 *    chosen in the credential (a webhook claiming another algorithm is refused);
 * 2. `X-Payload-Digest` = hex HMAC of the raw body with the current or the previous webhook secret
 *    (constant-time; reference/psp_kyc.md §6, SUMSUB/agent-skills webhook-schema.md);
 * 3. the body is an applicant event with `applicantId` and `createdAtMs`;
 * 4. the event is newer than every event already accepted for that applicant (Sumsub: "check
 *    createdAtMs for ordering"; it retries after 5 min, 1 h, 5 h and 18 h, so old events do arrive
 *    late) — an older one, a duplicate, or one older than the maximum age is acknowledged and
 *    nothing runs;
 * 5. its type is one the trigger listens to.
 * Forged → 401, nothing runs. Everything genuine is answered 200, so Sumsub stops retrying.
 */
import { attempt } from '../../../lib/errors';
import { recordIfNewest, type EventOrderMemory, type EventOrderVerdict } from '../../../lib/kyc';
import { verifyHmac, WebhookSignatureError, type HmacAlgorithm, type RawBody } from '../../../lib/signatures';
import { sumsubTimeMs, webhookToKycCase, type SumsubKycCase, type SumsubWebhookPayload } from '../mappers';

export const DIGEST_HEADER = 'X-Payload-Digest';
export const DIGEST_ALG_HEADER = 'X-Payload-Digest-Alg';

/** Sumsub's names → HMAC hash (code mapping seen in public integrations, psp_kyc.md §6). */
export const DIGEST_ALGORITHMS: Readonly<Record<string, HmacAlgorithm>> = {
	HMAC_SHA1_HEX: 'sha1',
	HMAC_SHA256_HEX: 'sha256',
	HMAC_SHA512_HEX: 'sha512',
};

export interface SumsubWebhookRequest {
	rawBody: RawBody | undefined;
	digest: string | undefined;
	digestAlgorithm: string | undefined;
}

export interface SumsubWebhookSettings {
	/** Current secret, then the previous one during a rotation (may be empty). */
	secrets: ReadonlyArray<string | undefined>;
	/** The algorithm chosen in the credential, e.g. HMAC_SHA256_HEX. */
	algorithm: string;
	/** Event types that run the workflow; empty = all. */
	eventTypes: string[];
	nowMs: number;
	maxEventAgeMs: number;
	/** Newest event per applicant, changed in place when an event is accepted. */
	memories: EventOrderMemory[];
	includeRaw?: boolean;
}

export type SumsubWebhookVerdict =
	| { outcome: 'refuse'; reason: string; message: string }
	| { outcome: 'acknowledge'; reason: 'older' | 'duplicate' | 'stale' | 'filtered' | 'unreadable'; message: string }
	| { outcome: 'run'; kycCase: SumsubKycCase & { eventType: string }; secretUsed: 'current' | 'previous'; correlationId?: string };

export function handleSumsubWebhook(request: SumsubWebhookRequest, settings: SumsubWebhookSettings): SumsubWebhookVerdict {
	const expected = DIGEST_ALGORITHMS[settings.algorithm];
	if (!expected) return { outcome: 'refuse', reason: 'algorithm_not_configured', message: `the credential's digest algorithm "${settings.algorithm}" is not one Sumsub uses` };
	const claimed = request.digestAlgorithm?.trim();
	if (claimed && claimed !== settings.algorithm) {
		const known = DIGEST_ALGORITHMS[claimed] !== undefined;
		return {
			outcome: 'refuse',
			reason: known ? 'algorithm_mismatch' : 'algorithm_unknown',
			message: known
				? `${DIGEST_ALG_HEADER} is ${claimed} but the credential expects ${settings.algorithm}; choose the same algorithm in the credential as for the webhook in the Sumsub dashboard`
				: `${DIGEST_ALG_HEADER} "${claimed}" is not HMAC_SHA1_HEX, HMAC_SHA256_HEX or HMAC_SHA512_HEX`,
		};
	}
	const verified = attempt(() =>
		verifyHmac({ rawBody: request.rawBody as RawBody, signature: request.digest, secrets: settings.secrets, algorithm: expected, encoding: 'hex', signatureHeader: DIGEST_HEADER }),
	);
	if (!verified.ok) {
		// Every failure refuses: an unexpected one must not let an unverified webhook through.
		const reason = verified.error instanceof WebhookSignatureError ? verified.error.reason : 'verification_failed';
		return { outcome: 'refuse', reason, message: verified.error.message };
	}

	const text = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : String(request.rawBody);
	const parsed = attempt(() => JSON.parse(text) as unknown);
	if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
		return { outcome: 'acknowledge', reason: 'unreadable', message: 'the signed body is not a JSON object' };
	}
	const payload = parsed.value as SumsubWebhookPayload;
	const applicantId = typeof payload.applicantId === 'string' ? payload.applicantId : '';
	const eventTimeMs = sumsubTimeMs(payload.createdAtMs ?? payload.createdAt);
	if (!applicantId || eventTimeMs === undefined) {
		return { outcome: 'acknowledge', reason: 'unreadable', message: `the ${String(payload.type ?? 'untyped')} event has no applicantId or createdAtMs` };
	}

	// Recorded before the type filter: a newer event the workflow ignores still outdates older ones.
	const digest = String(request.digest).trim().toLowerCase();
	for (const memory of settings.memories) {
		const order: EventOrderVerdict = recordIfNewest(memory, { subjectId: applicantId, eventTimeMs, digest, nowMs: settings.nowMs, maxAgeMs: settings.maxEventAgeMs });
		if (order.verdict === 'older') {
			return { outcome: 'acknowledge', reason: 'older', message: `${String(payload.type)} of ${String(payload.createdAtMs)} is older than an event already received for applicant ${applicantId} (${new Date(order.newestMs).toISOString()}); the newer status stands` };
		}
		if (order.verdict === 'duplicate') return { outcome: 'acknowledge', reason: 'duplicate', message: `${String(payload.type)} of applicant ${applicantId} was already received` };
		if (order.verdict === 'tooOld') {
			return { outcome: 'acknowledge', reason: 'stale', message: `${String(payload.type)} of applicant ${applicantId} is ${Math.round(order.ageMs / 3_600_000)} h old, beyond Max Event Age` };
		}
	}

	const type = String(payload.type ?? '');
	if (settings.eventTypes.length > 0 && !settings.eventTypes.includes(type)) {
		return { outcome: 'acknowledge', reason: 'filtered', message: `event type ${type} is not selected` };
	}
	return {
		outcome: 'run',
		kycCase: webhookToKycCase(payload, settings.includeRaw === true),
		secretUsed: verified.value.secretIndex === 0 ? 'current' : 'previous',
		...(typeof payload.correlationId === 'string' ? { correlationId: payload.correlationId } : {}),
	};
}
