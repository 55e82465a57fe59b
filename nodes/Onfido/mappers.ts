/**
 * Onfido workflow runs and checks → the canonical `KycCase` (lib/model.ts). Onfido field names stop
 * here. Sources (reference/psp_kyc.md §7; onfido/onfido-node docs):
 *
 * Workflow run status (docs/WorkflowRunStatus.md):
 * - approved → approved.
 * - declined → rejected_final: the workflow's own decision, taken on everything it checked; a
 *   new attempt means a new workflow run that compliance starts on purpose.
 * - review → on_hold: the workflow sent the case to manual review.
 * - awaiting_client_input → on_hold: the run waits for a decision or data from the brokerage
 *   ("client" in Onfido's words is Onfido's customer, i.e. us).
 * - processing, awaiting_input → pending (Onfido or the applicant still has to act).
 * - abandoned → not_started [inference]: the applicant left before finishing; nothing was decided.
 * - error → on_hold [inference]: Onfido could not finish; someone has to look at it.
 *
 * Check (docs/Check.md, CheckStatus.md; report sub-results from developers.onfido.com
 * "Document report: suggested client actions"):
 * - not complete (in_progress, awaiting_applicant, paused, reopened) → pending; withdrawn →
 *   not_started [inference].
 * - complete + clear → approved.
 * - complete + consider:
 *   - a document report with sub_result `suspected` ("document shows signs of suspect fraud") →
 *     rejected_final;
 *   - else a watchlist hit (sanction, politically_exposed_person, adverse_media) → on_hold
 *     [inference], even when a document also needs a new upload: a screening match is for
 *     compliance to clear or confirm (enhanced due diligence), not something the client can fix;
 *   - else → rejected_retry: `rejected` ("we can't process the document image, or the document
 *     isn't supported") and `caution` (e.g. an expired document) are fixed by a new upload.
 *     [inference] Onfido's `rejected` reads as "cannot process", not fraud, so it is a RETRY here.
 *
 * Countries are alpha-3 in Onfido and alpha-2 in the model (lib/kyc.ts). Document expiry comes from
 * the document report's `properties.date_of_expiry`.
 */
import type { IDataObject } from 'n8n-workflow';

import { countryAlpha2 } from '../../lib/kyc';
import type { KycCase, KycStatus } from '../../lib/model';

type Json = Record<string, unknown>;

export type OnfidoKycCase = KycCase & {
	/** What the case was read from. */
	resourceType: 'workflow_run' | 'check';
	workflowRunId?: string;
	checkId?: string;
	/** Onfido's own status word (approved, review, complete…). */
	vendorStatus: string;
	dashboardUrl?: string;
};

const WORKFLOW_RUN_STATUS: Readonly<Record<string, KycStatus>> = {
	approved: 'approved',
	declined: 'rejected_final',
	review: 'on_hold',
	awaiting_client_input: 'on_hold',
	error: 'on_hold',
	processing: 'pending',
	awaiting_input: 'pending',
	abandoned: 'not_started',
};

/** The canonical status of a workflow run status; an unknown word is pending (it never approves). */
export function workflowRunStatus(status: string): KycStatus {
	return WORKFLOW_RUN_STATUS[status] ?? 'pending';
}

function asObject(value: unknown): Json | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** "2026-01-01T10:00:00Z" or with milliseconds → ISO with milliseconds, Z. */
function utc(value: unknown): string | undefined {
	const text = str(value);
	if (!text) return undefined;
	const ms = Date.parse(text);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function isDocumentReport(report: Json): boolean {
	const name = str(report.name);
	if (name) return name.startsWith('document');
	// Workflow outputs carry reports without a name: recognise them by their shape.
	const breakdown = asObject(report.breakdown);
	return breakdown !== undefined && ('data_validation' in breakdown || 'visual_authenticity' in breakdown || 'image_integrity' in breakdown);
}

function isWatchlistReport(report: Json): boolean {
	const name = str(report.name);
	if (name) return name.startsWith('watchlist');
	const breakdown = asObject(report.breakdown);
	return breakdown !== undefined && ('sanction' in breakdown || 'politically_exposed_person' in breakdown);
}

function considered(breakdown: Json | undefined, key: string): boolean {
	return asObject(breakdown?.[key])?.result === 'consider';
}

/** Breakdown paths that are "consider", e.g. document.data_validation.document_expiration. */
function considerLabels(report: Json, prefix: string): string[] {
	const labels: string[] = [];
	const breakdown = asObject(report.breakdown) ?? {};
	for (const [name, value] of Object.entries(breakdown)) {
		const entry = asObject(value);
		if (entry?.result !== 'consider') continue;
		const inner = asObject(entry.breakdown) ?? {};
		const sub = Object.entries(inner).filter(([, v]) => asObject(v)?.result === 'consider');
		if (sub.length === 0) labels.push(`${prefix}.${name}`);
		for (const [subName] of sub) labels.push(`${prefix}.${name}.${subName}`);
	}
	return labels;
}

interface ReportFindings {
	documents: NonNullable<KycCase['documents']>;
	amlFlags: NonNullable<KycCase['amlFlags']>;
	screened: boolean;
	labels: string[];
	suspected: boolean;
}

function readReports(reports: Json[]): ReportFindings {
	const findings: ReportFindings = { documents: [], amlFlags: {}, screened: false, labels: [], suspected: false };
	for (const report of reports) {
		const prefix = str(report.name) ?? (isDocumentReport(report) ? 'document' : 'watchlist');
		if (isDocumentReport(report)) {
			const properties = asObject(report.properties) ?? {};
			const expiresOn = str(properties.date_of_expiry);
			const country = countryAlpha2(properties.issuing_country);
			findings.documents.push({
				type: str(properties.document_type) ?? 'unknown',
				...(country ? { country } : {}),
				...(expiresOn && /^\d{4}-\d{2}-\d{2}$/.test(expiresOn) ? { expiresOn } : {}),
			});
			if (report.sub_result === 'suspected') findings.suspected = true;
			if (report.sub_result && report.sub_result !== 'clear') findings.labels.push(`${prefix}.sub_result.${String(report.sub_result)}`);
			findings.labels.push(...considerLabels(report, prefix));
		} else if (isWatchlistReport(report)) {
			const breakdown = asObject(report.breakdown);
			findings.screened = true;
			findings.amlFlags.pep = (findings.amlFlags.pep ?? false) || considered(breakdown, 'politically_exposed_person');
			findings.amlFlags.sanctions = (findings.amlFlags.sanctions ?? false) || considered(breakdown, 'sanction');
			findings.amlFlags.adverseMedia = (findings.amlFlags.adverseMedia ?? false) || considered(breakdown, 'adverse_media');
			findings.labels.push(...considerLabels(report, prefix));
		} else if (report.result === 'consider') {
			findings.labels.push(`${prefix}.consider`);
		}
	}
	return findings;
}

function withoutUndefined<T extends object>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** A workflow run (GET /workflow_runs/:id) as a kycCase; reports are read from its `output`. */
export function workflowRunToKycCase(run: Json, options: { includeRaw?: boolean; eventTimeUtc?: string } = {}): OnfidoKycCase {
	const id = str(run.id);
	if (!id) throw new Error('Onfido sent a workflow run without an id');
	const vendorStatus = str(run.status) ?? 'processing';
	const output = asObject(run.output) ?? {};
	const reports = Object.values(output).map(asObject).filter((r): r is Json => r !== undefined && (isDocumentReport(r) || isWatchlistReport(r)));
	const findings = readReports(reports);
	const status = workflowRunStatus(vendorStatus);
	const reasons = Array.isArray(run.reasons) ? run.reasons.map(String) : [];
	const error = asObject(run.error);
	return withoutUndefined({
		provider: 'onfido',
		applicantId: str(run.applicant_id) ?? '',
		clientId: str(run.customer_user_id),
		status,
		reviewAnswer: vendorStatus,
		rejectType: status === 'rejected_final' ? 'FINAL' : status === 'rejected_retry' ? 'RETRY' : undefined,
		rejectLabels: status === 'approved' ? undefined : reasons.length ? reasons : findings.labels.length ? findings.labels : undefined,
		internalNote: error ? `${str(error.type) ?? 'error'}: ${str(error.message) ?? ''}`.trim() : undefined,
		amlFlags: findings.screened ? findings.amlFlags : undefined,
		level: str(run.workflow_id),
		documents: findings.documents.length ? findings.documents : undefined,
		eventTimeUtc: options.eventTimeUtc ?? utc(run.updated_at) ?? utc(run.created_at),
		resourceType: 'workflow_run',
		workflowRunId: id,
		vendorStatus,
		dashboardUrl: str(run.dashboard_url),
		...(options.includeRaw ? { raw: run } : {}),
	} as OnfidoKycCase);
}

/** The tag that carries our client id on a check (checks have tags, applicants have no external id). */
export const CLIENT_TAG_PREFIX = 'client:';

/** A check (GET /checks/:id) with its reports (GET /reports?check_id) as a kycCase. */
export function checkToKycCase(check: Json, reports: Json[], options: { includeRaw?: boolean; eventTimeUtc?: string } = {}): OnfidoKycCase {
	const id = str(check.id);
	if (!id) throw new Error('Onfido sent a check without an id');
	const vendorStatus = str(check.status) ?? 'in_progress';
	const result = str(check.result);
	const findings = readReports(reports);
	let status: KycStatus;
	if (vendorStatus === 'withdrawn') status = 'not_started';
	else if (vendorStatus !== 'complete') status = 'pending';
	else if (result === 'clear') status = 'approved';
	else if (findings.suspected) status = 'rejected_final';
	else if (findings.amlFlags.pep || findings.amlFlags.sanctions || findings.amlFlags.adverseMedia) status = 'on_hold';
	else status = result === 'consider' ? 'rejected_retry' : 'pending';
	const tags = Array.isArray(check.tags) ? check.tags.map(String) : [];
	const clientTag = tags.find((t) => t.startsWith(CLIENT_TAG_PREFIX));
	return withoutUndefined({
		provider: 'onfido',
		applicantId: str(check.applicant_id) ?? '',
		clientId: clientTag ? clientTag.slice(CLIENT_TAG_PREFIX.length) : undefined,
		status,
		reviewAnswer: result,
		rejectType: status === 'rejected_final' ? 'FINAL' : status === 'rejected_retry' ? 'RETRY' : undefined,
		rejectLabels: status === 'approved' || findings.labels.length === 0 ? undefined : findings.labels,
		amlFlags: findings.screened ? findings.amlFlags : undefined,
		level: reports.length ? reports.map((r) => str(r.name) ?? 'report').join(',') : undefined,
		documents: findings.documents.length ? findings.documents : undefined,
		eventTimeUtc: options.eventTimeUtc ?? utc(check.created_at),
		resourceType: 'check',
		checkId: id,
		vendorStatus,
		dashboardUrl: str(check.results_uri),
		...(options.includeRaw ? { raw: { check, reports } } : {}),
	} as OnfidoKycCase);
}

/** JSON for n8n. */
export function kycCaseJson(kycCase: OnfidoKycCase): IDataObject {
	return kycCase as unknown as IDataObject;
}
