/**
 * Sumsub's answers and webhooks as the canonical `kycCase` (lib/model.ts KycCase). Vendor field
 * names stop here. Facts: reference/psp_kyc.md §6; docs.sumsub.com "Receive and interpret results
 * via API" (reviewAnswer GREEN/RED, reviewRejectType FINAL/RETRY, moderationComment for the client,
 * clientComment internal) and "Final rejection" (AML labels PEP, SANCTIONS, ADVERSE_MEDIA, CRIMINAL,
 * COMPROMISED_PERSONS).
 */
import type { IDataObject } from 'n8n-workflow';

import { calendarDate, countryAlpha2 } from '../../lib/kyc';
import type { KycCase, KycStatus } from '../../lib/model';

export interface SumsubReviewResult {
	reviewAnswer?: string;
	rejectLabels?: string[];
	reviewRejectType?: string;
	moderationComment?: string;
	clientComment?: string;
	buttonIds?: string[];
}

/** The fields of a Sumsub applicant (GET …/one) this module reads. */
export interface SumsubApplicant {
	id?: string;
	createdAt?: string;
	externalUserId?: string;
	levelName?: string;
	info?: { idDocs?: Array<{ idDocType?: string; country?: string; validUntil?: string }> };
	review?: { levelName?: string; reviewStatus?: string; createDate?: string; reviewDate?: string; reviewResult?: SumsubReviewResult };
}

/** The AML case (GET /resources/api/applicants/{id}/amlCase): review.answer and riskLabels. */
export interface SumsubAmlCase {
	review?: { answer?: string };
	riskLabels?: string[];
}

export type SumsubKycCase = KycCase & {
	/** Sumsub's own reviewStatus (init, pending, queued, completed, onHold, …). */
	vendorStatus?: string;
};

/** AML rejection labels (docs.sumsub.com/reference/final-rejection, group compromisedPersons) → canonical flags. */
const AML_LABELS: Record<string, keyof NonNullable<KycCase['amlFlags']>> = {
	PEP: 'pep',
	SANCTIONS: 'sanctions',
	ADVERSE_MEDIA: 'adverseMedia',
};

const PENDING = new Set(['pending', 'queued', 'prechecked', 'awaitingService']);
const ON_HOLD = new Set(['onHold', 'awaitingUser']);

/**
 * The canonical status: GREEN → approved; RED + RETRY → rejected_retry (the client may resubmit);
 * RED + FINAL → rejected_final. [inference] A RED without a reject type is taken as FINAL: telling
 * a client to resubmit when Sumsub closed the case is the worse mistake.
 */
export function kycStatusOf(reviewStatus: string | undefined, result: SumsubReviewResult | undefined): KycStatus {
	const answer = result?.reviewAnswer;
	if (reviewStatus === 'completed' || (reviewStatus === undefined && answer)) {
		if (answer === 'GREEN') return 'approved';
		if (answer === 'RED') return result?.reviewRejectType === 'RETRY' ? 'rejected_retry' : 'rejected_final';
		return 'pending';
	}
	if (reviewStatus && PENDING.has(reviewStatus)) return 'pending';
	if (reviewStatus && ON_HOLD.has(reviewStatus)) return 'on_hold';
	// `init` with a RED RETRY: Sumsub asked for resubmission and waits for the new documents.
	if (answer === 'RED') return result?.reviewRejectType === 'RETRY' ? 'rejected_retry' : 'rejected_final';
	return 'not_started';
}

/**
 * Screening flags. From the reject labels only what a label asserts is set (a PEP rejection says
 * nothing about sanctions); the AML case, when read, settles all three. [inference] riskLabels of
 * an AML case use the same names as the reject labels.
 */
export function amlFlagsOf(rejectLabels: readonly string[] | undefined, amlCase?: SumsubAmlCase): KycCase['amlFlags'] {
	const flags: NonNullable<KycCase['amlFlags']> = {};
	if (amlCase) {
		const labels = new Set(amlCase.riskLabels ?? []);
		for (const [label, flag] of Object.entries(AML_LABELS)) flags[flag] = labels.has(label);
	}
	for (const label of rejectLabels ?? []) {
		const flag = AML_LABELS[label];
		if (flag) flags[flag] = true;
	}
	return Object.keys(flags).length ? flags : undefined;
}

/** "2020-06-24 05:11:02+0000", "2023-03-14 12:50:27.238" (UTC), ISO strings → ISO UTC; else undefined. */
export function sumsubTimeToUtc(value: unknown): string | undefined {
	const ms = sumsubTimeMs(value);
	return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Milliseconds of a Sumsub time; times without a zone are UTC (Sumsub's createdAtMs). */
export function sumsubTimeMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value !== 'string') return undefined;
	const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
	if (!match) return undefined;
	const [, date, time, fraction = '', zone] = match;
	const offset = !zone || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
	const ms = Date.parse(`${date}T${time}${fraction}${offset}`);
	return Number.isNaN(ms) ? undefined : ms;
}

function documentsOf(applicant: SumsubApplicant): KycCase['documents'] {
	const docs = applicant.info?.idDocs;
	if (!Array.isArray(docs) || docs.length === 0) return undefined;
	return docs.map((doc) => {
		const country = countryAlpha2(doc.country);
		const expiresOn = calendarDate(doc.validUntil);
		return { type: String(doc.idDocType ?? 'OTHER'), ...(country ? { country } : {}), ...(expiresOn ? { expiresOn } : {}) };
	});
}

function reviewFields(result: SumsubReviewResult | undefined): Partial<KycCase> {
	if (!result) return {};
	const rejectType = result.reviewRejectType === 'RETRY' || result.reviewRejectType === 'FINAL' ? result.reviewRejectType : undefined;
	return {
		...(result.reviewAnswer ? { reviewAnswer: result.reviewAnswer } : {}),
		...(result.reviewAnswer === 'RED' && rejectType ? { rejectType } : {}),
		...(Array.isArray(result.rejectLabels) && result.rejectLabels.length ? { rejectLabels: [...result.rejectLabels] } : {}),
		...(result.moderationComment ? { clientMessage: result.moderationComment } : {}),
		...(result.clientComment ? { internalNote: result.clientComment } : {}),
	};
}

/** An applicant (GET /resources/applicants/{id}/one) as a kycCase. */
export function applicantToKycCase(applicant: SumsubApplicant, options: { amlCase?: SumsubAmlCase; includeRaw?: boolean } = {}): SumsubKycCase {
	const review = applicant.review ?? {};
	const result = review.reviewResult;
	const amlFlags = amlFlagsOf(result?.rejectLabels, options.amlCase);
	const documents = documentsOf(applicant);
	const eventTimeUtc = sumsubTimeToUtc(review.reviewDate ?? review.createDate ?? applicant.createdAt);
	const level = review.levelName ?? applicant.levelName;
	return {
		provider: 'sumsub',
		applicantId: String(applicant.id ?? ''),
		...(applicant.externalUserId ? { clientId: applicant.externalUserId } : {}),
		status: kycStatusOf(review.reviewStatus, result),
		...(review.reviewStatus ? { vendorStatus: review.reviewStatus } : {}),
		...reviewFields(result),
		...(amlFlags ? { amlFlags } : {}),
		...(level ? { level } : {}),
		...(documents ? { documents } : {}),
		...(eventTimeUtc ? { eventTimeUtc } : {}),
		...(options.includeRaw ? { raw: { applicant, ...(options.amlCase ? { amlCase: options.amlCase } : {}) } } : {}),
	};
}

/** GET /resources/applicants/{id}/status as a kycCase (no documents: that call has none). */
export function reviewStatusToKycCase(applicantId: string, status: IDataObject, includeRaw = false): SumsubKycCase {
	const reviewStatus = typeof status.reviewStatus === 'string' ? status.reviewStatus : undefined;
	const result = (status.reviewResult ?? undefined) as SumsubReviewResult | undefined;
	const amlFlags = amlFlagsOf(result?.rejectLabels);
	const eventTimeUtc = sumsubTimeToUtc(status.reviewDate ?? status.createDate);
	return {
		provider: 'sumsub',
		applicantId,
		status: kycStatusOf(reviewStatus, result),
		...(reviewStatus ? { vendorStatus: reviewStatus } : {}),
		...reviewFields(result),
		...(amlFlags ? { amlFlags } : {}),
		...(typeof status.levelName === 'string' ? { level: status.levelName } : {}),
		...(eventTimeUtc ? { eventTimeUtc } : {}),
		...(includeRaw ? { raw: status } : {}),
	};
}

/** The fields of a Sumsub applicant webhook (top level, no wrapper). */
export interface SumsubWebhookPayload {
	type?: string;
	applicantId?: string;
	externalUserId?: string;
	levelName?: string;
	reviewStatus?: string;
	reviewResult?: SumsubReviewResult;
	createdAt?: string;
	createdAtMs?: string;
	correlationId?: string;
	sandboxMode?: boolean | string;
}

/** Event types whose payload carries no status of its own: the status is left as Sumsub states it. */
const TYPE_STATUS: Record<string, string> = {
	applicantCreated: 'init',
	applicantPending: 'pending',
	applicantOnHold: 'onHold',
	applicantReset: 'init',
	applicantPrechecked: 'prechecked',
};

/** A webhook payload as a kycCase; its event time is `createdAtMs` (Sumsub: order events by it). */
export function webhookToKycCase(payload: SumsubWebhookPayload, includeRaw = false): SumsubKycCase & { eventType: string } {
	const type = String(payload.type ?? '');
	const reviewStatus = payload.reviewStatus ?? TYPE_STATUS[type];
	// After a reset the old result no longer applies, whatever the payload still carries.
	const result = type === 'applicantReset' ? undefined : payload.reviewResult;
	const amlFlags = amlFlagsOf(result?.rejectLabels);
	const eventTimeUtc = sumsubTimeToUtc(payload.createdAtMs ?? payload.createdAt);
	return {
		provider: 'sumsub',
		applicantId: String(payload.applicantId ?? ''),
		...(payload.externalUserId ? { clientId: payload.externalUserId } : {}),
		status: kycStatusOf(reviewStatus, result),
		...(reviewStatus ? { vendorStatus: reviewStatus } : {}),
		...reviewFields(result),
		...(amlFlags ? { amlFlags } : {}),
		...(payload.levelName ? { level: payload.levelName } : {}),
		...(eventTimeUtc ? { eventTimeUtc } : {}),
		eventType: type,
		...(includeRaw ? { raw: payload } : {}),
	};
}
