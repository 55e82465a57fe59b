/**
 * Onfido (Entrust IDV) API v3.6, the KYC vendor a broker sends new clients through: applicants,
 * identity documents, Studio workflow runs, classic checks with their reports, SDK tokens and
 * signed webhooks (facts and sources: /work/shared/reference/psp_kyc.md §7).
 *
 * Documented (onfido/onfido-node docs/DefaultApi.md and model docs, onfido/onfido-python):
 * - Base path `/v3.6`; every call carries `Authorization: Token token=<API_TOKEN>`.
 * - `POST /applicants` (first_name, last_name required; email, dob, phone_number, address,
 *   location{ip_address, country_of_residence alpha-3}) → 201; `GET|PUT|DELETE /applicants/:id`;
 *   `POST /applicants/:id/restore`; `GET /applicants?page&per_page&include_deleted` (page 1,
 *   20 per page by default, newest first) → `{applicants: [...]}`.
 * - `POST /documents` multipart (file, type, applicant_id, side front|back, issuing_country
 *   alpha-3) → 201 Document {id, applicant_id, type, side, issuing_country, file_name, file_type,
 *   file_size, href, download_href, created_at}; `GET /documents/:id`, `GET /documents?applicant_id`.
 * - `POST /workflow_runs {workflow_id, applicant_id, customer_user_id?, tags?, link?}` → 201;
 *   statuses processing, awaiting_input, awaiting_client_input, approved, declined, review,
 *   abandoned, error; `output` holds what the workflow version is configured to output — in
 *   Onfido's own tests the document report under "doc" (test/resources/workflow-runs-outputs.test.ts).
 * - `POST /checks {applicant_id, report_names, tags?}` → 201 in_progress, result null; complete
 *   with result clear | consider; `GET /reports?check_id` → `{reports: [...]}`; document reports
 *   carry sub_result clear | rejected | suspected | caution, `breakdown.data_validation.breakdown
 *   .document_expiration` and `properties.date_of_expiry`; watchlist reports break down into
 *   sanction, politically_exposed_person, legal_and_regulatory_warnings (standard) and
 *   adverse_media (enhanced).
 * - `POST /sdk_token {applicant_id, referrer?}` → `{token}`.
 * - Errors are `{"error": {"type", "message", "fields"}}` (docs/Error.md, ErrorProperties.md).
 * - Webhooks: `{"payload": {resource_type, action, object: {id, status, completed_at_iso8601,
 *   href}, resource?}}` signed with `X-SHA2-Signature` = hex HMAC-SHA256(webhook token, raw body)
 *   (onfido-node test/classic-webhook-event-verifier.test.ts gives a vector).
 *
 * [inference] (not in the sources we have, chosen to be plausible and testable):
 * - the error types and messages: 401 authorization_error, 404 resource_not_found, 422
 *   validation_error with `fields: {field: [messages]}`;
 * - a new workflow run is `processing`, and only the helpers move it on; workflow ids must be one
 *   of the simulator's workflows (else 422);
 * - the output keys "doc" and "watchlist" of the sandbox workflow; an applicant scheduled for
 *   deletion answers 404 until restored; deletion 20 days later (`delete_at`);
 * - list pagination headers `Link` (rel next/last) and `X-Total-Count`, per_page at most 500;
 * - document files: 10 MB at most, JPEG, PNG or PDF by their first bytes;
 * - report status `awaiting_data` until the check completes; report names accepted.
 *
 * Webhooks go through a WebhookSender registered as `webhookSenders.onfido`, so the control API's
 * delivery faults apply: duplicate and out-of-order deliveries, a forged signature, and a "stale"
 * one — Onfido signs no timestamp, so a stale delivery is byte-identical to the first (a replay).
 */
import { createHash, randomUUID } from 'node:crypto';

import { computeHmac } from '../../lib/signatures';
import {
	SandboxHttpError,
	Simulator,
	WebhookSender,
	type Delivery,
	type Router,
	type SandboxRequest,
	type SandboxResponse,
	type WebhookEvent,
} from '../framework';
import { boundaryOf, MultipartError, parseMultipart } from './multipart';

export const API_VERSION_PATH = '/v3.6';
export const SIGNATURE_HEADER = 'X-SHA2-Signature';

export const WORKFLOW_RUN_STATUSES = ['processing', 'awaiting_input', 'awaiting_client_input', 'approved', 'declined', 'review', 'abandoned', 'error'] as const;
export type WorkflowRunStatus = (typeof WORKFLOW_RUN_STATUSES)[number];
export const CHECK_STATUSES = ['in_progress', 'awaiting_applicant', 'complete', 'withdrawn', 'paused', 'reopened'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** docs/DocumentTypes.md (the common ones). */
export const DOCUMENT_TYPES = ['passport', 'driving_licence', 'national_identity_card', 'residence_permit', 'visa', 'work_permit', 'tax_id', 'voter_id', 'unknown'] as const;

/** docs/ReportName.md. */
export const REPORT_NAMES = [
	'document',
	'document_with_address_information',
	'document_with_driving_licence_information',
	'facial_similarity_photo',
	'facial_similarity_photo_fully_auto',
	'facial_similarity_video',
	'facial_similarity_motion',
	'known_faces',
	'identity_enhanced',
	'watchlist_aml',
	'watchlist_enhanced',
	'watchlist_standard',
	'watchlist_peps_only',
	'watchlist_sanctions_only',
	'proof_of_address',
	'device_intelligence',
] as const;

/** Events a webhook subscribes to by default (what the Onfido Trigger handles). */
export const DEFAULT_WEBHOOK_EVENTS = ['workflow_run.completed', 'check.completed'];

/** [inference] */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface OnfidoSimulatorOptions {
	/** Accepted API token (default "api_sandbox.onfido_7Hq2xLw9"). */
	apiToken?: string;
	/** Token that signs webhooks (default "onfido_webhook_token_3Jd8sPq1"). */
	webhookToken?: string;
	/** Workflows that exist (default one, SANDBOX_WORKFLOW_ID). */
	workflowIds?: string[];
	/** Clock in UTC milliseconds. */
	now?: () => number;
}

export const SANDBOX_WORKFLOW_ID = '5025d9fd-7842-4805-bce1-a7bfd7131b4e';

type Json = Record<string, unknown>;

export interface OnfidoApplicant {
	id: string;
	created_at: string;
	delete_at: string | null;
	href: string;
	first_name: string;
	last_name: string;
	email: string | null;
	dob: string | null;
	phone_number: string | null;
	id_numbers: unknown[];
	address: Json | null;
	location: { ip_address?: string | null; country_of_residence?: string | null } | null;
	sandbox: boolean;
}

export interface OnfidoDocument {
	id: string;
	applicant_id: string;
	created_at: string;
	href: string;
	download_href: string;
	file_name: string;
	file_type: string;
	file_size: number;
	type: string;
	side: string | null;
	issuing_country: string | null;
	/** sha256 of the file, for assertions (not part of Onfido's object). */
	sha256: string;
}

export interface OnfidoWorkflowRun {
	id: string;
	applicant_id: string;
	workflow_id: string;
	workflow_version_id: number;
	status: WorkflowRunStatus;
	customer_user_id: string | null;
	tags: string[];
	link: { url: string; completed_redirect_url: string | null; expired_redirect_url: string | null; expires_at: string | null; language: string | null };
	dashboard_url: string;
	output: Json | null;
	reasons: string[] | null;
	error: { type: string; message: string } | null;
	sdk_token: string;
	created_at: string;
	updated_at: string;
}

export interface OnfidoReport {
	id: string;
	name: string;
	check_id: string;
	created_at: string;
	href: string;
	status: string;
	result: string | null;
	sub_result: string | null;
	documents: Array<{ id: string }>;
	breakdown: Json;
	properties: Json;
}

export interface OnfidoCheck {
	id: string;
	applicant_id: string;
	created_at: string;
	href: string;
	status: CheckStatus;
	result: 'clear' | 'consider' | null;
	tags: string[];
	report_ids: string[];
	results_uri: string;
	form_uri: null;
	redirect_uri: null;
	applicant_provides_data: boolean;
	sandbox: boolean;
	paused: boolean;
	version: string;
	webhook_ids: string[];
	/** When the check completed (not an Onfido field; the webhook carries it). */
	completedAt?: string;
}

export interface OnfidoWebhook {
	id: string;
	url: string;
	token: string;
	events: string[];
	enabled: boolean;
	href: string;
	environments: string[];
	payload_version: number;
}

/** What a completed verification found; every field has a "nothing to worry about" default. */
export interface VerificationOutcome {
	/** The document's expiry date, YYYY-MM-DD (default 2031-05-28). */
	documentExpiry?: string;
	/** The document type as Onfido names it (default passport). */
	documentType?: string;
	/** Alpha-3 issuing country (default GBR). */
	issuingCountry?: string;
	/** The document report's sub_result (default clear, or caution when the document has expired). */
	subResult?: 'clear' | 'rejected' | 'suspected' | 'caution';
	pep?: boolean;
	sanctions?: boolean;
	adverseMedia?: boolean;
	/** Workflow run outcome reasons (declined/review). */
	reasons?: string[];
}

export interface WebhookRecord {
	eventId: string;
	action: string;
	resourceId: string;
	body: string;
	deliveries: Delivery[];
}

function onfidoError(status: number, type: string, message: string, fields: Json = {}): SandboxHttpError {
	return new SandboxHttpError(status, { error: { type, message, fields } });
}

function validationError(fields: Record<string, string[]>): never {
	throw onfidoError(422, 'validation_error', 'There was a validation error on this request', fields);
}

function notFound(): never {
	throw onfidoError(404, 'resource_not_found', 'The resource could not be found.');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALPHA3 = /^[A-Z]{3}$/;

function text(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	return value.trim();
}

function fileTypeOf(data: Buffer): string | undefined {
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
	if (data.length >= 8 && data.slice(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
	if (data.length >= 5 && data.slice(0, 5).toString('latin1') === '%PDF-') return 'pdf';
	return undefined;
}

export class OnfidoSimulator extends Simulator {
	readonly name = 'onfido';
	readonly title = 'Onfido (Entrust IDV) API v3.6 (Authorization: Token token=…) with X-SHA2-Signature webhooks';

	private readonly apiToken: string;
	private readonly webhookToken: string;
	private readonly workflowIds: string[];
	private readonly now: () => number;
	private readonly sender: WebhookSender;
	private queue: Promise<unknown> = Promise.resolve();

	private applicants = new Map<string, OnfidoApplicant>();
	private documents = new Map<string, OnfidoDocument>();
	private workflowRuns = new Map<string, OnfidoWorkflowRun>();
	private checks = new Map<string, OnfidoCheck>();
	private reports = new Map<string, OnfidoReport>();
	private webhooks: OnfidoWebhook[] = [];
	private sent: WebhookRecord[] = [];
	private sdkTokens: Array<{ applicant_id: string; referrer: string | null; token: string }> = [];

	constructor(options: OnfidoSimulatorOptions = {}) {
		super();
		this.apiToken = options.apiToken ?? 'api_sandbox.onfido_7Hq2xLw9';
		this.webhookToken = options.webhookToken ?? 'onfido_webhook_token_3Jd8sPq1';
		this.workflowIds = options.workflowIds ?? [SANDBOX_WORKFLOW_ID];
		this.now = options.now ?? (() => Date.now());
		this.sender = new WebhookSender((event, { forge }) => this.sign(event, forge));
		this.webhookSenders.onfido = this.sender;
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.applicants = new Map();
		this.documents = new Map();
		this.workflowRuns = new Map();
		this.checks = new Map();
		this.reports = new Map();
		this.webhooks = [];
		this.sent = [];
		this.sdkTokens = [];
		this.sender.clear();
	}

	state() {
		return {
			applicants: [...this.applicants.values()],
			documents: [...this.documents.values()],
			workflowRuns: [...this.workflowRuns.values()],
			checks: [...this.checks.values()],
			reports: [...this.reports.values()],
			webhooks: this.webhooks,
			sdkTokens: this.sdkTokens,
			sentWebhooks: this.sent.map(({ eventId, action, resourceId, deliveries }) => ({ eventId, action, resourceId, deliveries })),
		};
	}

	credentials(): Record<string, string> {
		return { apiToken: this.apiToken, webhookToken: this.webhookToken, workflowId: this.workflowIds[0] ?? '', basePath: API_VERSION_PATH };
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	/** Registers a webhook (as `POST /webhooks` does) signed with the simulator's webhook token. */
	setWebhookUrl(url: string, events: string[] = DEFAULT_WEBHOOK_EVENTS): OnfidoWebhook {
		const webhook: OnfidoWebhook = {
			id: randomUUID(),
			url,
			token: this.webhookToken,
			events: [...events],
			enabled: true,
			href: `${API_VERSION_PATH}/webhooks/`,
			environments: ['sandbox'],
			payload_version: 3,
		};
		webhook.href += webhook.id;
		this.webhooks.push(webhook);
		return webhook;
	}

	applicant(id: string): OnfidoApplicant | undefined {
		return this.applicants.get(id);
	}

	workflowRun(id: string): OnfidoWorkflowRun | undefined {
		return this.workflowRuns.get(id);
	}

	check(id: string): OnfidoCheck | undefined {
		return this.checks.get(id);
	}

	/** Every webhook event sent, with its deliveries. */
	get webhookLog(): WebhookRecord[] {
		return this.sent;
	}

	get deliveries(): Delivery[] {
		return this.sender.deliveries;
	}

	/** Creates an applicant directly (as if through the API). */
	seedApplicant(fields: { first_name?: string; last_name?: string; email?: string } = {}): OnfidoApplicant {
		return this.storeApplicant({ first_name: fields.first_name ?? 'Jane', last_name: fields.last_name ?? 'Doe', email: fields.email ?? null });
	}

	/** Moves a run to a non-final status (awaiting_input, awaiting_client_input, processing) without a webhook. */
	setWorkflowRunStatus(id: string, status: WorkflowRunStatus): OnfidoWorkflowRun {
		const run = this.requireRun(id);
		run.status = status;
		run.updated_at = this.isoNow();
		return run;
	}

	/**
	 * The applicant finished the flow and Onfido decided: the run gets its status, its output (the
	 * document report under "doc", the watchlist report under "watchlist") and reasons, and
	 * `workflow_run.completed` is sent. Resolves once every delivery was answered.
	 */
	async completeWorkflowRun(id: string, status: 'approved' | 'declined' | 'review' | 'abandoned' | 'error', outcome: VerificationOutcome = {}): Promise<OnfidoWorkflowRun> {
		const run = this.requireRun(id);
		if (!['processing', 'awaiting_input', 'awaiting_client_input'].includes(run.status)) throw new Error(`workflow run ${id} is already ${run.status}`);
		const completedAt = this.isoNow();
		run.status = status;
		run.updated_at = completedAt;
		if (status === 'approved' || status === 'declined' || status === 'review') {
			const doc = this.documentReport(outcome, `wr:${id}`, '', this.documentsOf(run.applicant_id));
			const watchlist = this.watchlistReport('watchlist_standard', outcome, `wr:${id}`, '');
			run.output = { doc: { ...doc, uuid: doc.id }, watchlist: { ...watchlist, uuid: watchlist.id } };
			run.reasons = outcome.reasons ?? (status === 'approved' ? [] : [status === 'declined' ? 'document_rejected' : 'manual_review_required']);
		}
		if (status === 'error') run.error = { type: 'task_error', message: 'A task of the workflow failed.' };
		await this.notify('workflow_run', 'workflow_run.completed', run.id, run.status, completedAt, this.workflowRunResource(run));
		return run;
	}

	/**
	 * Onfido finished every report of the check: reports complete with results matching the check's
	 * (`consider` marks the document report `caution` unless `subResult` says otherwise, and any
	 * pep/sanctions/adverseMedia flag marks the watchlist report), then `check.completed` is sent.
	 */
	async completeCheck(id: string, result: 'clear' | 'consider', outcome: VerificationOutcome = {}): Promise<OnfidoCheck> {
		const check = this.checks.get(id);
		if (!check) throw new Error(`no check ${id}`);
		if (check.status === 'complete') throw new Error(`check ${id} is already complete`);
		const completedAt = this.isoNow();
		const flagged = outcome.pep === true || outcome.sanctions === true || outcome.adverseMedia === true;
		const documentOutcome: VerificationOutcome =
			result === 'consider' && !flagged && outcome.subResult === undefined && outcome.documentExpiry === undefined ? { ...outcome, subResult: 'caution' } : outcome;
		for (const reportId of check.report_ids) {
			const report = this.reports.get(reportId)!;
			let completed: OnfidoReport;
			if (report.name.startsWith('document')) completed = this.documentReport(documentOutcome, check.id, report.id, this.documentsOf(check.applicant_id), report.name);
			else if (report.name.startsWith('watchlist')) completed = this.watchlistReport(report.name, outcome, check.id, report.id);
			else completed = { ...report, status: 'complete', result: result === 'consider' && !flagged && !check.report_ids.some((r) => this.reports.get(r)!.name.startsWith('document')) ? 'consider' : 'clear', sub_result: null };
			this.reports.set(reportId, { ...completed, id: report.id, created_at: report.created_at, href: report.href, check_id: check.id });
		}
		const results = check.report_ids.map((r) => this.reports.get(r)!.result);
		check.status = 'complete';
		check.result = results.includes('consider') ? 'consider' : 'clear';
		check.completedAt = completedAt;
		for (const reportId of check.report_ids) {
			const report = this.reports.get(reportId)!;
			await this.notify('report', 'report.completed', report.id, 'complete', completedAt);
		}
		await this.notify('check', 'check.completed', check.id, 'complete', completedAt);
		return check;
	}

	/** Sends an event again as it was first sent (Onfido's `POST /webhooks/resend`, or a retry). */
	async resend(eventId: string): Promise<Delivery[]> {
		const record = this.sent.find((r) => r.eventId === eventId);
		if (!record) throw new Error(`no webhook event ${eventId}`);
		return await this.deliver(record);
	}

	/** Resolves once every queued webhook has been answered. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		const api = (method: string, path: string, handler: (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>) =>
			router.add(method, `${API_VERSION_PATH}${path}`, async (req) => {
				this.authenticate(req);
				return await handler(req);
			});
		api('GET', '/ping', () => ({ headers: { 'content-type': 'text/plain' }, body: 'OK' }));
		api('POST', '/applicants', (req) => ({ status: 201, body: this.createApplicant(this.objectBody(req)) }));
		api('GET', '/applicants', (req) => this.listApplicants(req));
		api('GET', '/applicants/:id', (req) => ({ body: this.liveApplicant(req.params.id) }));
		api('PUT', '/applicants/:id', (req) => ({ body: this.updateApplicant(req.params.id, this.objectBody(req)) }));
		api('DELETE', '/applicants/:id', (req) => {
			const applicant = this.liveApplicant(req.params.id);
			applicant.delete_at = new Date(this.now() + 20 * 86_400_000).toISOString();
			return { status: 204 };
		});
		api('POST', '/applicants/:id/restore', (req) => {
			const applicant = this.applicants.get(req.params.id);
			if (!applicant) notFound();
			if (applicant.delete_at === null) throw onfidoError(422, 'validation_error', 'The applicant is not scheduled for deletion.');
			applicant.delete_at = null;
			return { status: 204 };
		});
		api('POST', '/documents', (req) => ({ status: 201, body: this.uploadDocument(req) }));
		api('GET', '/documents', (req) => {
			const applicantId = this.requiredQuery(req, 'applicant_id');
			this.liveApplicant(applicantId);
			return { body: { documents: this.documentsOf(applicantId).map((d) => this.documentJson(d)) } };
		});
		api('GET', '/documents/:id', (req) => {
			const document = this.documents.get(req.params.id);
			if (!document) notFound();
			return { body: this.documentJson(document) };
		});
		api('POST', '/workflow_runs', (req) => ({ status: 201, body: this.createWorkflowRun(this.objectBody(req)) }));
		api('GET', '/workflow_runs', (req) => {
			const runs = [...this.workflowRuns.values()].filter((r) => !req.query.get('applicant_id') || r.applicant_id === req.query.get('applicant_id'));
			return this.page(req, runs.reverse(), (list) => list);
		});
		api('GET', '/workflow_runs/:id', (req) => {
			const run = this.workflowRuns.get(req.params.id);
			if (!run) notFound();
			return { body: run };
		});
		api('POST', '/checks', (req) => ({ status: 201, body: this.createCheck(this.objectBody(req)) }));
		api('GET', '/checks', (req) => {
			const applicantId = this.requiredQuery(req, 'applicant_id');
			return { body: { checks: [...this.checks.values()].filter((c) => c.applicant_id === applicantId).reverse().map((c) => this.checkJson(c)) } };
		});
		api('GET', '/checks/:id', (req) => {
			const check = this.checks.get(req.params.id);
			if (!check) notFound();
			return { body: this.checkJson(check) };
		});
		api('GET', '/reports', (req) => {
			const checkId = this.requiredQuery(req, 'check_id');
			const check = this.checks.get(checkId);
			if (!check) notFound();
			return { body: { reports: check.report_ids.map((r) => this.reports.get(r)) } };
		});
		api('GET', '/reports/:id', (req) => {
			const report = this.reports.get(req.params.id);
			if (!report) notFound();
			return { body: report };
		});
		api('POST', '/sdk_token', (req) => ({ body: this.sdkToken(this.objectBody(req)) }));
		api('POST', '/webhooks', (req) => {
			const body = this.objectBody(req);
			const url = text(body.url);
			if (!url || !/^https?:\/\//.test(url)) validationError({ url: ['must be a valid URL'] });
			const events = Array.isArray(body.events) ? body.events.map(String) : DEFAULT_WEBHOOK_EVENTS;
			return { status: 201, body: this.setWebhookUrl(url, events) };
		});
		api('GET', '/webhooks', () => ({ body: { webhooks: this.webhooks } }));
	}

	private authenticate(req: SandboxRequest): void {
		const header = req.headers.authorization;
		const match = typeof header === 'string' ? /^Token token=(.+)$/.exec(header.trim()) : null;
		if (!match || match[1] !== this.apiToken) {
			throw onfidoError(401, 'authorization_error', 'Authorization error: please re-check your credentials');
		}
	}

	private objectBody(req: SandboxRequest): Json {
		let body: unknown;
		try {
			body = JSON.parse(req.rawBody.toString('utf8') || 'null');
		} catch {
			throw onfidoError(400, 'bad_request', 'The request body could not be parsed as JSON.');
		}
		if (body === null || typeof body !== 'object' || Array.isArray(body)) throw onfidoError(400, 'bad_request', 'The request body must be a JSON object.');
		return body as Json;
	}

	private requiredQuery(req: SandboxRequest, name: string): string {
		const value = req.query.get(name);
		if (!value) validationError({ [name]: ["can't be blank"] });
		return value;
	}

	// ----- applicants ----------------------------------------------------------------------------

	private applicantFields(body: Json, errors: Record<string, string[]>, creating: boolean): Partial<OnfidoApplicant> {
		const fields: Partial<OnfidoApplicant> = {};
		for (const name of ['first_name', 'last_name'] as const) {
			if (body[name] === undefined && !creating) continue;
			const value = text(body[name]);
			if (!value) errors[name] = ["can't be blank"];
			else if (value.length > 35) errors[name] = ['is too long (maximum is 35 characters)'];
			else fields[name] = value;
		}
		if (body.email !== undefined && body.email !== null) {
			const email = text(body.email);
			if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.email = ['invalid email address'];
			else fields.email = email;
		}
		if (body.dob !== undefined && body.dob !== null) {
			const dob = text(body.dob);
			if (!dob || !ISO_DATE.test(dob) || Number.isNaN(Date.parse(`${dob}T00:00:00Z`))) errors.dob = ['must be a date in the format YYYY-MM-DD'];
			else fields.dob = dob;
		}
		if (body.phone_number !== undefined && body.phone_number !== null) fields.phone_number = String(body.phone_number);
		if (body.address !== undefined) fields.address = body.address as Json;
		if (body.location !== undefined && body.location !== null) {
			const location = body.location as Json;
			const country = location.country_of_residence;
			if (country !== undefined && country !== null && (typeof country !== 'string' || !ALPHA3.test(country))) {
				errors['location.country_of_residence'] = ['must be a 3-letter ISO code'];
			} else {
				fields.location = { ip_address: (location.ip_address as string | undefined) ?? null, country_of_residence: (country as string | undefined) ?? null };
			}
		}
		return fields;
	}

	private createApplicant(body: Json): OnfidoApplicant {
		const errors: Record<string, string[]> = {};
		const fields = this.applicantFields(body, errors, true);
		if (Object.keys(errors).length) validationError(errors);
		return this.storeApplicant(fields);
	}

	private storeApplicant(fields: Partial<OnfidoApplicant>): OnfidoApplicant {
		const id = randomUUID();
		const applicant: OnfidoApplicant = {
			id,
			created_at: this.isoNow(),
			delete_at: null,
			href: `${API_VERSION_PATH}/applicants/${id}`,
			first_name: fields.first_name ?? '',
			last_name: fields.last_name ?? '',
			email: fields.email ?? null,
			dob: fields.dob ?? null,
			phone_number: fields.phone_number ?? null,
			id_numbers: [],
			address: fields.address ?? null,
			location: fields.location ?? null,
			sandbox: true,
		};
		this.applicants.set(id, applicant);
		return applicant;
	}

	private updateApplicant(id: string, body: Json): OnfidoApplicant {
		const applicant = this.liveApplicant(id);
		const errors: Record<string, string[]> = {};
		const fields = this.applicantFields(body, errors, false);
		if (Object.keys(errors).length) validationError(errors);
		Object.assign(applicant, fields);
		return applicant;
	}

	private liveApplicant(id: string): OnfidoApplicant {
		const applicant = this.applicants.get(id);
		if (!applicant || applicant.delete_at !== null) notFound();
		return applicant;
	}

	private listApplicants(req: SandboxRequest): SandboxResponse {
		const includeDeleted = req.query.get('include_deleted') === 'true';
		const all = [...this.applicants.values()].filter((a) => includeDeleted || a.delete_at === null).reverse();
		return this.page(req, all, (applicants) => ({ applicants }));
	}

	private page<T>(req: SandboxRequest, all: T[], wrap: (list: T[]) => unknown): SandboxResponse {
		const page = Number(req.query.get('page') ?? '1');
		const perPage = Number(req.query.get('per_page') ?? '20');
		if (!Number.isInteger(page) || page < 1) validationError({ page: ['must be a whole number of at least 1'] });
		if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) validationError({ per_page: ['must be a whole number from 1 to 500'] });
		const last = Math.max(1, Math.ceil(all.length / perPage));
		const links = [`<${this.baseUrl}${req.path}?page=${last}&per_page=${perPage}>; rel="last"`];
		if (page < last) links.unshift(`<${this.baseUrl}${req.path}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
		return {
			headers: { link: links.join(', '), 'x-total-count': String(all.length) },
			body: wrap(all.slice((page - 1) * perPage, page * perPage)),
		};
	}

	// ----- documents -----------------------------------------------------------------------------

	private uploadDocument(req: SandboxRequest): OnfidoDocument {
		const contentType = req.headers['content-type'];
		const boundary = boundaryOf(typeof contentType === 'string' ? contentType : undefined);
		if (!boundary) throw onfidoError(422, 'validation_error', 'Documents must be uploaded as multipart/form-data', { file: ['must be sent as multipart/form-data'] });
		let parts;
		try {
			parts = parseMultipart(req.rawBody, boundary);
		} catch (error) {
			if (error instanceof MultipartError) throw onfidoError(400, 'bad_request', `The multipart body could not be read: ${error.message}`);
			throw error;
		}
		const field = (name: string) => {
			const part = parts.find((p) => p.name === name && p.fileName === undefined);
			return part ? part.data.toString('utf8').trim() : undefined;
		};
		const errors: Record<string, string[]> = {};
		const applicantId = field('applicant_id');
		if (!applicantId) errors.applicant_id = ["can't be blank"];
		const type = field('type');
		if (!type) errors.type = ["can't be blank"];
		else if (!(DOCUMENT_TYPES as readonly string[]).includes(type)) errors.type = [`is not included in the list (${DOCUMENT_TYPES.join(', ')})`];
		const side = field('side') || undefined;
		if (side !== undefined && side !== 'front' && side !== 'back') errors.side = ['must be front or back'];
		const country = field('issuing_country') || undefined;
		if (country !== undefined && !ALPHA3.test(country)) errors.issuing_country = ['must be a 3-letter ISO code'];
		const file = parts.find((p) => p.name === 'file' && p.fileName !== undefined);
		let fileType: string | undefined;
		if (!file) errors.file = ["can't be blank"];
		else if (file.data.length === 0) errors.file = ['is empty'];
		else if (file.data.length > MAX_FILE_BYTES) errors.file = ['is too large (maximum is 10 MB)'];
		else {
			fileType = fileTypeOf(file.data);
			if (!fileType) errors.file = ['is not a supported file type (JPG, PNG or PDF)'];
		}
		if (Object.keys(errors).length) validationError(errors);
		this.liveApplicant(applicantId!);
		const id = randomUUID();
		const document: OnfidoDocument = {
			id,
			applicant_id: applicantId!,
			created_at: this.isoNow(),
			href: `${API_VERSION_PATH}/documents/${id}`,
			download_href: `${API_VERSION_PATH}/documents/${id}/download`,
			file_name: file!.fileName || `document.${fileType}`,
			file_type: fileType!,
			file_size: file!.data.length,
			type: type!,
			side: side ?? null,
			issuing_country: country ?? null,
			sha256: createHash('sha256').update(file!.data).digest('hex'),
		};
		this.documents.set(id, document);
		return this.documentJson(document);
	}

	private documentJson(document: OnfidoDocument): OnfidoDocument {
		return { ...document };
	}

	private documentsOf(applicantId: string): OnfidoDocument[] {
		return [...this.documents.values()].filter((d) => d.applicant_id === applicantId);
	}

	// ----- workflow runs -------------------------------------------------------------------------

	private createWorkflowRun(body: Json): OnfidoWorkflowRun {
		const errors: Record<string, string[]> = {};
		const workflowId = text(body.workflow_id);
		if (!workflowId) errors.workflow_id = ["can't be blank"];
		else if (!this.workflowIds.includes(workflowId)) errors.workflow_id = ['does not match an active workflow'];
		const applicantId = text(body.applicant_id);
		if (!applicantId) errors.applicant_id = ["can't be blank"];
		if (body.tags !== undefined && (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))) errors.tags = ['must be a list of strings'];
		if (body.customer_user_id !== undefined && body.customer_user_id !== null && typeof body.customer_user_id !== 'string') errors.customer_user_id = ['must be a string'];
		if (Object.keys(errors).length) validationError(errors);
		this.liveApplicant(applicantId!);
		const id = randomUUID();
		const now = this.isoNow();
		const run: OnfidoWorkflowRun = {
			id,
			applicant_id: applicantId!,
			workflow_id: workflowId!,
			workflow_version_id: 1,
			status: 'processing',
			customer_user_id: (body.customer_user_id as string | undefined) ?? null,
			tags: (body.tags as string[] | undefined) ?? [],
			link: { url: `https://eu.onfido.app/l/${id.slice(0, 8)}`, completed_redirect_url: null, expired_redirect_url: null, expires_at: null, language: null },
			dashboard_url: `https://dashboard.onfido.com/results/${id}`,
			output: null,
			reasons: null,
			error: null,
			sdk_token: this.issueToken(applicantId!, null),
			created_at: now,
			updated_at: now,
		};
		this.workflowRuns.set(id, run);
		return run;
	}

	private workflowRunResource(run: OnfidoWorkflowRun): Json {
		return {
			id: run.id,
			applicant_id: run.applicant_id,
			workflow_id: run.workflow_id,
			workflow_version_id: run.workflow_version_id,
			customer_user_id: run.customer_user_id,
			dashboard_url: run.dashboard_url,
			created_at: run.created_at,
			updated_at: run.updated_at,
			reasons: run.reasons,
			tags: run.tags,
		};
	}

	private requireRun(id: string): OnfidoWorkflowRun {
		const run = this.workflowRuns.get(id);
		if (!run) throw new Error(`no workflow run ${id}`);
		return run;
	}

	// ----- checks and reports ----------------------------------------------------------------------

	private createCheck(body: Json): Json {
		const errors: Record<string, string[]> = {};
		const applicantId = text(body.applicant_id);
		if (!applicantId) errors.applicant_id = ["can't be blank"];
		const names = body.report_names;
		if (!Array.isArray(names) || names.length === 0) errors.report_names = ["can't be blank"];
		else {
			const unknown = names.filter((n) => !(REPORT_NAMES as readonly unknown[]).includes(n));
			if (unknown.length) errors.report_names = [`contains unknown report names: ${unknown.join(', ')}`];
		}
		if (body.tags !== undefined && (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))) errors.tags = ['must be a list of strings'];
		if (Object.keys(errors).length) validationError(errors);
		this.liveApplicant(applicantId!);
		const reportNames = names as string[];
		if (reportNames.some((n) => n.startsWith('document')) && this.documentsOf(applicantId!).length === 0) {
			validationError({ document_ids: ['the applicant has no document to check: upload one first'] });
		}
		const id = randomUUID();
		const now = this.isoNow();
		const check: OnfidoCheck = {
			id,
			applicant_id: applicantId!,
			created_at: now,
			href: `${API_VERSION_PATH}/checks/${id}`,
			status: 'in_progress',
			result: null,
			tags: (body.tags as string[] | undefined) ?? [],
			report_ids: [],
			results_uri: `https://dashboard.onfido.com/checks/${id}`,
			form_uri: null,
			redirect_uri: null,
			applicant_provides_data: false,
			sandbox: true,
			paused: false,
			version: '3.6',
			webhook_ids: this.webhooks.map((w) => w.id),
		};
		for (const name of reportNames) {
			const reportId = randomUUID();
			this.reports.set(reportId, {
				id: reportId,
				name,
				check_id: id,
				created_at: now,
				href: `${API_VERSION_PATH}/reports/${reportId}`,
				status: 'awaiting_data',
				result: null,
				sub_result: null,
				documents: name.startsWith('document') ? this.documentsOf(applicantId!).map((d) => ({ id: d.id })) : [],
				breakdown: {},
				properties: {},
			});
			check.report_ids.push(reportId);
		}
		this.checks.set(id, check);
		return this.checkJson(check);
	}

	private checkJson(check: OnfidoCheck): Json {
		const { completedAt: _completedAt, ...json } = check;
		return json;
	}

	private documentReport(outcome: VerificationOutcome, checkId: string, reportId: string, documents: OnfidoDocument[], name = 'document'): OnfidoReport {
		const latest = documents[documents.length - 1];
		const expiry = outcome.documentExpiry ?? '2031-05-28';
		const expired = expiry < this.isoNow().slice(0, 10);
		const subResult = outcome.subResult ?? (expired ? 'caution' : 'clear');
		const item = (result: string) => ({ result, properties: {} });
		const breakdown: Json = {
			data_validation: {
				result: expired ? 'consider' : 'clear',
				breakdown: { document_expiration: item(expired ? 'consider' : 'clear'), expiry_date: item('clear'), date_of_birth: item('clear'), document_numbers: item('clear'), mrz: item('clear'), gender: item('clear') },
			},
			visual_authenticity: {
				result: subResult === 'suspected' ? 'consider' : 'clear',
				breakdown: { digital_tampering: item(subResult === 'suspected' ? 'consider' : 'clear'), fonts: item('clear'), template: item('clear'), security_features: item('clear'), original_document_present: item('clear'), face_detection: item('clear'), picture_face_integrity: item('clear'), other: item('clear') },
			},
			image_integrity: {
				result: subResult === 'rejected' ? 'consider' : 'clear',
				breakdown: { image_quality: item(subResult === 'rejected' ? 'consider' : 'clear'), supported_document: item('clear'), colour_picture: item('clear'), conclusive_document_quality: item('clear') },
			},
			data_consistency: { result: 'clear', breakdown: {} },
			data_comparison: { result: 'clear', breakdown: {} },
			compromised_document: { result: 'clear', breakdown: { document_database: item('clear'), repeat_attempts: item('clear') } },
			police_record: { result: 'clear' },
			age_validation: { result: 'clear', breakdown: { minimum_accepted_age: item('clear') } },
		};
		return {
			id: reportId || randomUUID(),
			name,
			check_id: checkId,
			created_at: this.isoNow(),
			href: reportId ? `${API_VERSION_PATH}/reports/${reportId}` : '',
			status: 'complete',
			result: subResult === 'clear' ? 'clear' : 'consider',
			sub_result: subResult,
			documents: documents.map((d) => ({ id: d.id })),
			breakdown,
			properties: {
				document_type: outcome.documentType ?? latest?.type ?? 'passport',
				issuing_country: outcome.issuingCountry ?? latest?.issuing_country ?? 'GBR',
				date_of_expiry: expiry,
				date_of_birth: '1990-01-01',
				document_numbers: [{ type: 'document_number', value: '999999999' }],
			},
		};
	}

	private watchlistReport(name: string, outcome: VerificationOutcome, checkId: string, reportId: string): OnfidoReport {
		const flag = (on: boolean | undefined) => ({ result: on ? 'consider' : 'clear' });
		const breakdown: Json = {
			sanction: flag(outcome.sanctions),
			politically_exposed_person: flag(outcome.pep),
			legal_and_regulatory_warnings: flag(false),
		};
		if (name === 'watchlist_enhanced' || outcome.adverseMedia !== undefined) breakdown.adverse_media = flag(outcome.adverseMedia);
		const hit = outcome.pep === true || outcome.sanctions === true || outcome.adverseMedia === true;
		return {
			id: reportId || randomUUID(),
			name,
			check_id: checkId,
			created_at: this.isoNow(),
			href: reportId ? `${API_VERSION_PATH}/reports/${reportId}` : '',
			status: 'complete',
			result: hit ? 'consider' : 'clear',
			sub_result: null,
			documents: [],
			breakdown,
			properties: { records: hit ? [{ full_name: 'Sandbox Match', sources: ['sandbox list'] }] : [] },
		};
	}

	// ----- SDK tokens ------------------------------------------------------------------------------

	private sdkToken(body: Json): { token: string } {
		const applicantId = text(body.applicant_id);
		if (!applicantId) validationError({ applicant_id: ["can't be blank"] });
		this.liveApplicant(applicantId);
		const referrer = text(body.referrer) ?? null;
		return { token: this.issueToken(applicantId, referrer) };
	}

	/** [inference] Onfido's SDK tokens are JWTs; this one has the shape (header.payload.signature). */
	private issueToken(applicantId: string, referrer: string | null): string {
		const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const payload = { app: applicantId, exp: Math.floor(this.now() / 1000) + 90 * 60, ...(referrer ? { ref: referrer } : {}) };
		const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
		const token = `${unsigned}.${computeHmac('sha256', this.apiToken, unsigned, 'base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
		this.sdkTokens.push({ applicant_id: applicantId, referrer, token });
		return token;
	}

	// ----- webhooks --------------------------------------------------------------------------------

	private async notify(resourceType: string, action: string, resourceId: string, status: string, completedAt: string, resource?: Json): Promise<void> {
		const plural = resourceType === 'workflow_run' ? 'workflow_runs' : `${resourceType}s`;
		const payload: Json = {
			resource_type: resourceType,
			action,
			object: { id: resourceId, status, completed_at_iso8601: completedAt.replace(/\.\d{3}Z$/, 'Z'), href: `${this.baseUrl}${API_VERSION_PATH}/${plural}/${resourceId}` },
			...(resource ? { resource } : {}),
		};
		const record: WebhookRecord = { eventId: `${action}:${resourceId}:${this.sent.length + 1}`, action, resourceId, body: JSON.stringify({ payload }), deliveries: [] };
		this.sent.push(record);
		await this.deliver(record);
	}

	/** Sends a record to every enabled webhook subscribed to its action, in order behind the others. */
	private deliver(record: WebhookRecord): Promise<Delivery[]> {
		const run = async () => {
			const delivered: Delivery[] = [];
			for (const webhook of this.webhooks.filter((w) => w.enabled && w.events.includes(record.action))) {
				const event: WebhookEvent = { id: record.eventId, type: record.action, payload: { body: record.body, token: webhook.token } };
				const deliveries = await this.sender.send(webhook.url, event);
				// An out-of-order fault holds events and sends them later as a batch: file each by its id.
				for (const delivery of deliveries) (this.sent.find((r) => r.eventId === delivery.eventId) ?? record).deliveries.push(delivery);
				delivered.push(...deliveries);
			}
			return delivered;
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private sign(event: WebhookEvent, forge: boolean) {
		const body = String(event.payload.body);
		const token = forge ? `${String(event.payload.token)}-forged` : String(event.payload.token);
		return {
			headers: { [SIGNATURE_HEADER]: computeHmac('sha256', token, body, 'hex'), 'User-Agent': 'SandboxOnfido-Webhooks/3.6' },
			body,
		};
	}

	private isoNow(): string {
		return new Date(this.now()).toISOString();
	}
}
