/**
 * Sumsub (KYC/AML) API simulator (facts and sources: /work/shared/reference/psp_kyc.md §6 and §9).
 *
 * - Every API call is signed: `X-App-Token`, `X-App-Access-Ts` (unix seconds) and
 *   `X-App-Access-Sig` = lowercase hex HMAC-SHA256(secret, ts + METHOD + path?query + raw body),
 *   multipart bodies byte for byte. A timestamp more than 60 s from this clock, in either
 *   direction, is refused. Refusals use Sumsub's error body `{description, code, correlationId,
 *   errorCode?, errorName?}` (docs.sumsub.com/reference/error-codes-description; the 4003 example
 *   `{"description":"Request signature mismatch","code":401,…,"errorCode":4003,"errorName":
 *   "app-token-signature mismatch"}` is from docs.sumsub.com/reference/run-aml-check).
 *   [inference] The descriptions of the other auth errors are ours; their errorCodes are Sumsub's
 *   (thrownew/go-sumsub errors.go). The signed query is rebuilt from the parsed query
 *   (URLSearchParams), since the framework hands over no raw request line: clients that encode the
 *   query the WHATWG way (as ours do) sign the same text.
 * - Applicants: create (`externalUserId` unique in the client's account: a second create with it
 *   answers 409 "Applicant with external user id '…' already exists: <id>", as Sumsub does),
 *   read by id or `-;externalUserId=`, documents (multipart `metadata` + `content`, `X-Image-Id`,
 *   `X-Return-Doc-Warnings`), review status, required-documents status, request check, reset,
 *   sandbox `status/testCompleted`, SDK access tokens and WebSDK links, the AML case.
 * - Webhooks go to the configured URL through `webhookSenders.sumsub` (so duplicate, out-of-order,
 *   forged and stale delivery faults apply), top level, with `X-Payload-Digest` (hex HMAC of the
 *   raw body with the webhook secret) and `X-Payload-Digest-Alg`. A stale fault moves the event's
 *   `createdAt`/`createdAtMs` back: Sumsub webhooks carry no other time.
 * - Test helpers (`completeReview`, `putOnHold`, `addVerifiedDocument`, `sendEvent`, `idle`) and
 *   the same through HTTP under /_sandbox/sumsub/ for the demo and e2e tests.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

import { calendarDate, countryAlpha2 } from '../../lib/kyc';
import { secureCompare } from '../../lib/signatures';
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
import { boundaryOf, parseMultipart, MultipartError } from './multipart';

export const SUMSUB_DIGEST_ALGORITHMS = { HMAC_SHA1_HEX: 'sha1', HMAC_SHA256_HEX: 'sha256', HMAC_SHA512_HEX: 'sha512' } as const;
export type SumsubDigestAlgorithm = keyof typeof SUMSUB_DIGEST_ALGORITHMS;

export interface SumsubDocSet {
	idDocSetType: string;
	types: string[];
}

/** The verification levels of the sandbox account; a level decides the documents asked for. */
export const DEFAULT_SUMSUB_LEVELS: Record<string, SumsubDocSet[]> = {
	'basic-kyc-level': [
		{ idDocSetType: 'IDENTITY', types: ['PASSPORT', 'ID_CARD', 'DRIVERS', 'RESIDENCE_PERMIT'] },
		{ idDocSetType: 'SELFIE', types: ['SELFIE'] },
	],
	'id-only-level': [{ idDocSetType: 'IDENTITY', types: ['PASSPORT', 'ID_CARD', 'DRIVERS', 'RESIDENCE_PERMIT'] }],
	'cfd-poa-level': [
		{ idDocSetType: 'IDENTITY', types: ['PASSPORT', 'ID_CARD', 'DRIVERS', 'RESIDENCE_PERMIT'] },
		{ idDocSetType: 'SELFIE', types: ['SELFIE'] },
		{ idDocSetType: 'PROOF_OF_RESIDENCE', types: ['UTILITY_BILL', 'BANK_STATEMENT'] },
	],
};

export interface SumsubSimulatorOptions {
	appToken?: string;
	secretKey?: string;
	/** Where webhooks go; none are sent while it is empty (they are still recorded). */
	webhookUrl?: string;
	webhookSecret?: string;
	digestAlgorithm?: SumsubDigestAlgorithm;
	/** Sumsub's clientId in webhooks and applicants. */
	clientId?: string;
	levels?: Record<string, SumsubDocSet[]>;
	/** Clock in UTC milliseconds. */
	now?: () => number;
	/** Accepted distance of X-App-Access-Ts from the clock (Sumsub: 60 s). */
	clockToleranceSeconds?: number;
}

export interface SumsubReviewResult {
	reviewAnswer: 'GREEN' | 'RED';
	rejectLabels?: string[];
	reviewRejectType?: 'RETRY' | 'FINAL';
	moderationComment?: string;
	clientComment?: string;
	buttonIds?: string[];
}

export interface SumsubDocumentRecord {
	imageId: string;
	idDocType: string;
	idDocSubType: string | null;
	/** Alpha-3, as Sumsub keeps it. */
	country: string;
	validUntil: string | null;
	number: string | null;
	fileName: string | null;
	mimeType: string | null;
	sizeBytes: number;
	imageHash: string | null;
	addedAt: number;
	active: boolean;
	errors: string[];
	warnings: string[];
}

export interface AmlScreening {
	pep?: boolean;
	sanctions?: boolean;
	adverseMedia?: boolean;
}

export interface SumsubApplicantRecord {
	id: string;
	createdAt: number;
	inspectionId: string;
	externalUserId: string;
	levelName: string;
	email: string | null;
	phone: string | null;
	lang: string | null;
	fixedInfo: Record<string, unknown>;
	review: {
		reviewId: string;
		attemptId: string;
		attemptCnt: number;
		createDate: number;
		reviewDate: number | null;
		reviewStatus: string;
		reviewResult: SumsubReviewResult | null;
	};
	documents: SumsubDocumentRecord[];
	/** The latest AML screening (GET /resources/api/applicants/{id}/amlCase); null before any. */
	aml: (AmlScreening & { caseId: string; createdAt: number }) | null;
	lastEventMs: number;
}

export interface SumsubEventRecord {
	id: string;
	type: string;
	applicantId: string;
	createdAtMs: number;
	payload: Record<string, unknown>;
}

export interface CompleteReviewOptions {
	reviewAnswer: 'GREEN' | 'RED';
	/** RED only: RETRY (the client may resubmit) or FINAL. */
	rejectType?: 'RETRY' | 'FINAL';
	labels?: string[];
	moderationComment?: string;
	clientComment?: string;
	/**
	 * The AML screening behind the review: recorded as the applicant's AML case. A RED review for a
	 * PEP, sanctions or adverse-media hit carries the matching label (PEP, SANCTIONS, ADVERSE_MEDIA,
	 * docs.sumsub.com/reference/final-rejection) unless `labels` is given.
	 */
	aml?: AmlScreening;
}

/** Sumsub's error answer. */
class SumsubError extends Error {
	constructor(
		readonly code: number,
		readonly description: string,
		readonly errorCode?: number,
		readonly errorName?: string,
		readonly headers: Record<string, string> = {},
	) {
		super(description);
	}
}

const PENDING_STATES = new Set(['pending', 'queued', 'prechecked']);
const ALLOWED_MIME = new Set(['image/jpeg', 'image/jpg', 'image/png', 'application/pdf', 'image/heic', 'image/webp']);
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class SumsubSimulator extends Simulator {
	readonly name = 'sumsub';
	readonly title = 'Sumsub API (X-App-Access-Sig HMAC-SHA256, ±60 s) with X-Payload-Digest webhooks';

	readonly appToken: string;
	private readonly secretKey: string;
	webhookUrl: string;
	webhookSecret: string;
	digestAlgorithm: SumsubDigestAlgorithm;
	readonly clientId: string;
	readonly levels: Record<string, SumsubDocSet[]>;
	private readonly now: () => number;
	private readonly toleranceSeconds: number;
	private readonly sender: WebhookSender;
	private queue: Promise<unknown> = Promise.resolve();

	private applicants = new Map<string, SumsubApplicantRecord>();
	private events: SumsubEventRecord[] = [];
	private eventTimes = new Map<string, number>();
	private accessTokens: Array<{ token: string; userId: string; levelName: string; expiresAt: number }> = [];
	private nextImageId = 0;
	private nextEvent = 0;

	constructor(options: SumsubSimulatorOptions = {}) {
		super();
		this.appToken = options.appToken ?? 'sbx:n8nBrokerageSandboxApp01.Zk2dP9wQ4rT7yU1vB3nM';
		this.secretKey = options.secretKey ?? 'sumsub_sandbox_secret_5d2e8a71c4';
		this.webhookUrl = options.webhookUrl ?? '';
		this.webhookSecret = options.webhookSecret ?? 'sumsub_sandbox_webhook_9b3f6c20';
		this.digestAlgorithm = options.digestAlgorithm ?? 'HMAC_SHA256_HEX';
		this.clientId = options.clientId ?? 'n8n-brokerage-sandbox';
		this.levels = options.levels ?? DEFAULT_SUMSUB_LEVELS;
		this.now = options.now ?? (() => Date.now());
		this.toleranceSeconds = options.clockToleranceSeconds ?? 60;
		this.sender = new WebhookSender(
			(event, { forge, timestampSeconds }) => this.signWebhook(event, forge, timestampSeconds),
			() => this.nowSeconds(),
		);
		this.webhookSenders.sumsub = this.sender;
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.applicants = new Map();
		this.events = [];
		this.eventTimes = new Map();
		this.accessTokens = [];
		this.nextImageId = 1581291543;
		this.nextEvent = 1;
	}

	state() {
		return {
			webhook: { url: this.webhookUrl, algorithm: this.digestAlgorithm },
			applicants: [...this.applicants.values()],
			events: this.events,
			accessTokens: this.accessTokens,
		};
	}

	credentials(): Record<string, string> {
		return { app_token: this.appToken, secret_key: this.secretKey, webhook_secret: this.webhookSecret, digest_algorithm: this.digestAlgorithm };
	}

	routes(router: Router): void {
		const api = (method: string, path: string, handler: (req: SandboxRequest, sandbox: boolean) => SandboxResponse | Record<string, unknown>) =>
			router.add(method, path, (req) => {
				try {
					const sandbox = this.authenticate(req);
					const result = handler(req, sandbox);
					return 'body' in result && ('status' in result || 'headers' in result) ? (result as SandboxResponse) : { body: result };
				} catch (error) {
					if (error instanceof SumsubError) return this.errorAnswer(error);
					throw error;
				}
			});
		api('GET', '/resources/applicants/-/levels', () => this.listLevels());
		api('POST', '/resources/applicants', (req) => this.createApplicant(req));
		api('GET', '/resources/applicants/:id/one', (req) => this.applicantJson(this.findApplicant(req.params.id)));
		api('POST', '/resources/applicants/:id/info/idDoc', (req) => this.addDocument(req));
		api('GET', '/resources/applicants/:id/status', (req) => this.statusJson(this.findApplicant(req.params.id)));
		api('GET', '/resources/applicants/:id/requiredIdDocsStatus', (req) => this.requiredDocsStatus(this.findApplicant(req.params.id)));
		api('POST', '/resources/applicants/:id/status/pending', (req) => this.requestCheck(req));
		api('POST', '/resources/applicants/:id/reset', (req) => this.resetApplicant(req));
		api('POST', '/resources/applicants/:id/status/testCompleted', (req, sandbox) => this.testCompleted(req, sandbox));
		api('POST', '/resources/accessTokens/sdk', (req) => this.sdkAccessToken(req));
		api('POST', '/resources/sdkIntegrations/levels/:levelName/websdkLink', (req) => this.webSdkLink(req));
		api('GET', '/resources/api/applicants/:id/amlCase', (req) => this.amlCaseJson(this.findApplicant(req.params.id)));

		// Sandbox controls for other processes (the demo, e2e tests): no signature.
		router.add('POST', '/_sandbox/sumsub/webhook', (req) => {
			const body = req.json<{ url?: string; secret?: string; algorithm?: SumsubDigestAlgorithm }>() ?? {};
			this.configureWebhook(body);
			return { body: { url: this.webhookUrl, algorithm: this.digestAlgorithm } };
		});
		router.add('POST', '/_sandbox/sumsub/applicants/:id/review', async (req) => ({
			body: { deliveries: await this.completeReview(req.params.id, req.json<CompleteReviewOptions>()) },
		}));
		router.add('POST', '/_sandbox/sumsub/applicants/:id/onHold', async (req) => ({ body: { deliveries: await this.putOnHold(req.params.id) } }));
		router.add('POST', '/_sandbox/sumsub/applicants/:id/documents', (req) => {
			const body = req.json<{ idDocType: string; country: string; validUntil?: string; number?: string }>();
			return { body: this.addVerifiedDocument(req.params.id, body) as unknown as Record<string, unknown> };
		});
	}

	/** Resolves when every queued webhook has been delivered. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers: what Sumsub's reviewers and the client do
	// -------------------------------------------------------------------------------------------

	/** Where webhooks go, with which secret and algorithm (the dashboard's webhook settings). */
	configureWebhook(settings: { url?: string; secret?: string; algorithm?: SumsubDigestAlgorithm }): void {
		if (settings.algorithm !== undefined && !(settings.algorithm in SUMSUB_DIGEST_ALGORITHMS)) {
			throw new SandboxHttpError(400, { error: `algorithm must be one of ${Object.keys(SUMSUB_DIGEST_ALGORITHMS).join(', ')}` });
		}
		if (settings.url !== undefined) this.webhookUrl = settings.url;
		if (settings.secret !== undefined) this.webhookSecret = settings.secret;
		if (settings.algorithm !== undefined) this.digestAlgorithm = settings.algorithm;
	}

	applicant(id: string): SumsubApplicantRecord {
		const applicant = this.applicants.get(id);
		if (!applicant) throw new Error(`no applicant "${id}"`);
		return applicant;
	}

	applicantByExternalId(externalUserId: string): SumsubApplicantRecord | undefined {
		return [...this.applicants.values()].find((a) => a.externalUserId === externalUserId);
	}

	/**
	 * A reviewer finished the check: the review is completed with this answer and the
	 * applicantReviewed webhook is sent. Resolves with its deliveries (none while an out-of-order
	 * fault holds it back; see `idle`).
	 */
	async completeReview(applicantId: string, options: CompleteReviewOptions): Promise<Delivery[]> {
		const applicant = this.applicant(applicantId);
		if (options.reviewAnswer !== 'GREEN' && options.reviewAnswer !== 'RED') throw new Error('reviewAnswer must be GREEN or RED');
		if (options.aml) {
			applicant.aml = { ...options.aml, caseId: randomHexId(), createdAt: this.now() };
		}
		const amlLabels = options.aml
			? [options.aml.pep ? 'PEP' : '', options.aml.sanctions ? 'SANCTIONS' : '', options.aml.adverseMedia ? 'ADVERSE_MEDIA' : ''].filter(Boolean)
			: [];
		const labels = options.reviewAnswer === 'RED' ? (options.labels ?? amlLabels) : [];
		this.setReview(applicant, {
			reviewAnswer: options.reviewAnswer,
			...(options.reviewAnswer === 'RED'
				? { rejectLabels: labels, reviewRejectType: options.rejectType ?? 'RETRY', buttonIds: [] }
				: {}),
			...(options.moderationComment ? { moderationComment: options.moderationComment } : {}),
			...(options.clientComment ? { clientComment: options.clientComment } : {}),
		});
		return await this.emit(applicant, 'applicantReviewed');
	}

	/** A reviewer paused the check (more information needed): applicantOnHold. */
	async putOnHold(applicantId: string): Promise<Delivery[]> {
		const applicant = this.applicant(applicantId);
		applicant.review.reviewStatus = 'onHold';
		return await this.emit(applicant, 'applicantOnHold');
	}

	/**
	 * A document whose data Sumsub read from the image (as after OCR): type, alpha-3 country and
	 * expiry date appear in the applicant's info.idDocs. For documents about to expire.
	 */
	addVerifiedDocument(applicantId: string, document: { idDocType: string; country: string; validUntil?: string; number?: string }): SumsubDocumentRecord {
		const applicant = this.applicant(applicantId);
		const record: SumsubDocumentRecord = {
			imageId: String(this.nextImageId++),
			idDocType: document.idDocType,
			idDocSubType: null,
			country: document.country.toUpperCase(),
			validUntil: document.validUntil ?? null,
			number: document.number ?? null,
			fileName: null,
			mimeType: null,
			sizeBytes: 0,
			imageHash: null,
			addedAt: this.now(),
			active: true,
			errors: [],
			warnings: [],
		};
		applicant.documents.push(record);
		return record;
	}

	/** Sends one event of any type for the applicant now (e.g. applicantPersonalInfoChanged). */
	async sendEvent(applicantId: string, type: string): Promise<Delivery[]> {
		return await this.emit(this.applicant(applicantId), type);
	}

	// -------------------------------------------------------------------------------------------
	// Authentication and answers
	// -------------------------------------------------------------------------------------------

	/** Checks the three headers exactly as documented; returns whether the token is a sandbox one. */
	private authenticate(req: SandboxRequest): boolean {
		const header = (name: string) => {
			const value = req.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const token = header('x-app-token');
		const ts = header('x-app-access-ts');
		const sig = header('x-app-access-sig');
		if (!token || !ts || !sig) {
			throw new SumsubError(401, 'Not all required authorization headers were provided: X-App-Token, X-App-Access-Ts, X-App-Access-Sig', 4006, 'app-token-not-all-auth-params-provided');
		}
		const format = /^(sbx|prd):([^.\s]+)\.([^.\s]+)$/.exec(token);
		if (!format) throw new SumsubError(401, 'Invalid format of the X-App-Token value', 4000, 'app-token-invalid-format');
		const [publicPart, privatePart] = this.appToken.split('.');
		if (token.split('.')[0] !== publicPart) throw new SumsubError(401, 'App token not found', 4001, 'app-token-not-found');
		if (format[3] !== privatePart) throw new SumsubError(401, 'App token private part does not match its public part', 4002, 'app-token-private-part-mismatch');
		if (!/^\d{1,12}$/.test(ts)) throw new SumsubError(401, 'X-App-Access-Ts must be the number of seconds since the Unix epoch', 4005, 'app-token-invalid-value');
		const skew = this.nowSeconds() - Number(ts);
		if (Math.abs(skew) > this.toleranceSeconds) {
			throw new SumsubError(
				401,
				`Request expired: X-App-Access-Ts is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the server time (at most ${this.toleranceSeconds} s)`,
				4004,
				'app-token-request-expired',
			);
		}
		const query = req.query.toString();
		const pathWithQuery = `${req.path}${query ? `?${query}` : ''}`;
		const expected = createHmac('sha256', this.secretKey)
			.update(Buffer.concat([Buffer.from(`${ts}${req.method.toUpperCase()}${pathWithQuery}`, 'utf8'), req.rawBody]))
			.digest('hex');
		// Sumsub asks for lowercase hex; [inference] another case is a mismatch like any other.
		if (!secureCompare(sig, expected)) throw new SumsubError(401, 'Request signature mismatch', 4003, 'app-token-signature mismatch');
		return token.startsWith('sbx:');
	}

	private errorAnswer(error: SumsubError): SandboxResponse {
		return {
			status: error.code,
			headers: { 'content-type': 'application/json;charset=UTF-8', ...error.headers },
			body: {
				description: error.description,
				code: error.code,
				correlationId: `req-${randomUUID()}`,
				...(error.errorCode === undefined ? {} : { errorCode: error.errorCode }),
				...(error.errorName === undefined ? {} : { errorName: error.errorName }),
			},
		};
	}

	// -------------------------------------------------------------------------------------------
	// Endpoints
	// -------------------------------------------------------------------------------------------

	/** [inference] GET /resources/applicants/-/levels: the account's levels, {items, totalItems}. */
	private listLevels(): Record<string, unknown> {
		const items = Object.entries(this.levels).map(([name, docSets]) => ({ id: createHash('md5').update(name).digest('hex').slice(0, 24), name, requiredIdDocs: { docSets } }));
		return { items, totalItems: items.length };
	}

	private createApplicant(req: SandboxRequest): Record<string, unknown> {
		const levelName = req.query.get('levelName');
		if (!levelName) throw new SumsubError(400, 'levelName query parameter is required');
		if (!this.levels[levelName]) throw new SumsubError(404, `Level '${levelName}' not found`);
		const body = this.jsonBody(req);
		const externalUserId = typeof body.externalUserId === 'string' ? body.externalUserId.trim() : '';
		if (!externalUserId) throw new SumsubError(400, 'externalUserId is required');
		const existing = this.applicantByExternalId(externalUserId);
		if (existing) throw new SumsubError(409, `Applicant with external user id '${externalUserId}' already exists: ${existing.id}`);
		const fixedInfo = isRecord(body.fixedInfo) ? { ...body.fixedInfo } : {};
		for (const key of ['country', 'nationality']) {
			if (fixedInfo[key] !== undefined && (typeof fixedInfo[key] !== 'string' || countryAlpha2(fixedInfo[key]) === undefined || String(fixedInfo[key]).length !== 3)) {
				throw new SumsubError(400, `fixedInfo.${key} must be an ISO 3166-1 alpha-3 country code`);
			}
		}
		if (fixedInfo.dob !== undefined && calendarDate(fixedInfo.dob) !== fixedInfo.dob) throw new SumsubError(400, 'fixedInfo.dob must be a date as YYYY-MM-DD');
		const now = this.now();
		const applicant: SumsubApplicantRecord = {
			id: randomHexId(),
			createdAt: now,
			inspectionId: randomHexId(),
			externalUserId,
			levelName,
			email: typeof body.email === 'string' ? body.email : null,
			phone: typeof body.phone === 'string' ? body.phone : null,
			lang: typeof body.lang === 'string' ? body.lang : null,
			fixedInfo,
			review: { reviewId: randomToken(5), attemptId: randomToken(5), attemptCnt: 0, createDate: now, reviewDate: null, reviewStatus: 'init', reviewResult: null },
			documents: [],
			aml: null,
			lastEventMs: 0,
		};
		this.applicants.set(applicant.id, applicant);
		void this.emit(applicant, 'applicantCreated').catch(() => undefined);
		return this.applicantJson(applicant);
	}

	private findApplicant(idOrExternal: string): SumsubApplicantRecord {
		const external = /^-;externalUserId=(.*)$/.exec(idOrExternal);
		const applicant = external ? this.applicantByExternalId(external[1]) : this.applicants.get(idOrExternal);
		if (!applicant) throw new SumsubError(404, 'Applicant not found');
		return applicant;
	}

	private addDocument(req: SandboxRequest): SandboxResponse {
		const applicant = this.findApplicant(req.params.id);
		if (PENDING_STATES.has(applicant.review.reviewStatus)) {
			throw new SumsubError(409, 'Applicant is being checked. Adding new data is not allowed.', 1006, 'no-upload-verification-in-progress');
		}
		if (applicant.review.reviewResult?.reviewRejectType === 'FINAL') {
			// [inference] errorName of 1009.
			throw new SumsubError(409, 'Applicant is rejected with the FINAL rejection type. Adding new data/files is not allowed.', 1009, 'applicant-with-final-reject');
		}
		const contentType = req.headers['content-type'];
		const boundary = boundaryOf(Array.isArray(contentType) ? contentType[0] : contentType);
		if (!boundary) throw new SumsubError(400, 'Content-Type must be multipart/form-data with a boundary');
		let parts;
		try {
			parts = parseMultipart(req.rawBody, boundary);
		} catch (error) {
			if (error instanceof MultipartError) throw new SumsubError(400, `Malformed multipart body: ${error.message}`);
			throw error;
		}
		const metadataPart = parts.find((p) => p.name === 'metadata');
		if (!metadataPart) throw new SumsubError(400, 'The metadata part is required');
		let metadata: Record<string, unknown>;
		try {
			const parsed = JSON.parse(metadataPart.data.toString('utf8')) as unknown;
			if (!isRecord(parsed)) throw new Error('not an object');
			metadata = parsed;
		} catch {
			throw new SumsubError(400, 'The metadata part must be a JSON object');
		}
		const idDocType = typeof metadata.idDocType === 'string' ? metadata.idDocType : '';
		const country = typeof metadata.country === 'string' ? metadata.country : '';
		if (!idDocType || !country) throw new SumsubError(400, 'idDocType and country are required in metadata');
		if (country.length !== 3 || countryAlpha2(country) === undefined) throw new SumsubError(400, `Invalid country '${country}': use an ISO 3166-1 alpha-3 code`);
		const docSets = this.levels[applicant.levelName] ?? [];
		if (!docSets.some((set) => set.types.includes(idDocType))) {
			throw new SumsubError(400, `Document type ${idDocType} is not required by level ${applicant.levelName}`, 1010, 'doc-type-not-in-req-docs');
		}
		const subType = metadata.idDocSubType;
		if (subType !== undefined && subType !== 'FRONT_SIDE' && subType !== 'BACK_SIDE') throw new SumsubError(400, 'idDocSubType must be FRONT_SIDE or BACK_SIDE');
		const validUntil = metadata.validUntil === undefined ? null : calendarDate(metadata.validUntil);
		if (validUntil === undefined) throw new SumsubError(400, 'validUntil must be a date as YYYY-MM-DD');

		const content = parts.find((p) => p.name === 'content');
		let imageHash: string | null = null;
		if (content) {
			if (content.data.length === 0) throw new SumsubError(400, 'Uploaded file is empty', 1003, 'empty-file');
			if (content.data.length > MAX_FILE_BYTES) throw new SumsubError(400, 'Uploaded file is too big (more than 64MB)', 1002, 'file-too-big');
			const mime = (content.contentType ?? '').toLowerCase();
			if (!ALLOWED_MIME.has(mime)) throw new SumsubError(400, `Unsupported file format ${mime || '(none)'}`, 1005, 'unsupported-file-format');
			if (!matchesMagic(mime, content.data)) throw new SumsubError(400, 'Error analyzing file, unsupported format or corrupted file', 1004, 'corrupted-file');
			imageHash = createHash('sha256').update(content.data).digest('hex');
			if (applicant.documents.some((d) => d.imageHash === imageHash)) {
				throw new SumsubError(409, 'Duplicate document (image, video) was uploaded', 1000, 'duplicate-document');
			}
		}
		// [inference] What the warnings look like: Sumsub documents only that `errors` and `warnings`
		// arrays come back; an expired document is the check we can make without reading the image.
		const errors: string[] = validUntil && validUntil < new Date(this.now()).toISOString().slice(0, 10) ? ['documentExpired'] : [];
		const record: SumsubDocumentRecord = {
			imageId: String(this.nextImageId++),
			idDocType,
			idDocSubType: (subType as string | undefined) ?? null,
			country,
			validUntil,
			number: typeof metadata.number === 'string' ? metadata.number : null,
			fileName: content?.fileName ?? null,
			mimeType: content?.contentType ?? null,
			sizeBytes: content?.data.length ?? 0,
			imageHash,
			addedAt: this.now(),
			active: errors.length === 0,
			errors,
			warnings: [],
		};
		if (errors.length && subType) {
			// Docs: for a two-sided document both sides become inactive when one has errors.
			for (const doc of applicant.documents) if (doc.idDocType === idDocType && doc.country === country) doc.active = false;
		}
		applicant.documents.push(record);
		const merged = this.mergedDocument(applicant, idDocType, country);
		const withWarnings = String(req.headers['x-return-doc-warnings'] ?? '').toLowerCase() === 'true';
		return {
			headers: { 'X-Image-Id': record.imageId },
			body: { ...merged, ...(withWarnings ? { errors, warnings: [] } : {}) },
		};
	}

	private requestCheck(req: SandboxRequest): Record<string, unknown> {
		const applicant = this.findApplicant(req.params.id);
		if (PENDING_STATES.has(applicant.review.reviewStatus)) {
			throw new SumsubError(409, `Applicant is already ${applicant.review.reviewStatus}`, 3000, 'applicant-already-in-the-state');
		}
		if (applicant.review.reviewResult?.reviewRejectType === 'FINAL') {
			throw new SumsubError(409, 'Applicant is rejected with the FINAL rejection type', 1009, 'applicant-with-final-reject');
		}
		// [inference] Sumsub refuses a check while a required step has no document.
		const missing = this.missingSteps(applicant);
		if (missing.length) throw new SumsubError(400, `Required documents are missing: ${missing.join(', ')}`);
		applicant.review.reviewStatus = 'pending';
		applicant.review.attemptCnt += 1;
		applicant.review.attemptId = randomToken(5);
		applicant.review.createDate = this.now();
		applicant.review.reviewResult = null;
		applicant.review.reviewDate = null;
		void this.emit(applicant, 'applicantPending').catch(() => undefined);
		return { ok: 1 };
	}

	private resetApplicant(req: SandboxRequest): Record<string, unknown> {
		const applicant = this.findApplicant(req.params.id);
		if (PENDING_STATES.has(applicant.review.reviewStatus)) {
			throw new SumsubError(409, `Applicant in ${applicant.review.reviewStatus} status cannot be reset`, 3000, 'applicant-already-in-the-state');
		}
		applicant.review.reviewStatus = 'init';
		applicant.review.reviewResult = null;
		applicant.review.reviewDate = null;
		for (const doc of applicant.documents) doc.active = false;
		void this.emit(applicant, 'applicantReset').catch(() => undefined);
		return { ok: 1 };
	}

	/** docs.sumsub.com/reference/set-review-for-applicant-on-sandbox. */
	private testCompleted(req: SandboxRequest, sandbox: boolean): Record<string, unknown> {
		// [inference] The status and text for a production token.
		if (!sandbox) throw new SumsubError(403, 'This method is available in the sandbox only');
		const applicant = this.findApplicant(req.params.id);
		// [inference] A review can only be simulated once documents were submitted for checking.
		if (applicant.review.reviewStatus === 'init') throw new SumsubError(409, 'Applicant must be checked first: request a check (status pending)');
		const body = this.jsonBody(req);
		const answer = body.reviewAnswer;
		if (answer !== 'GREEN' && answer !== 'RED') throw new SumsubError(400, 'reviewAnswer must be GREEN or RED');
		const rejectType = body.reviewRejectType;
		if (answer === 'RED' && rejectType !== 'RETRY' && rejectType !== 'FINAL') throw new SumsubError(400, 'reviewRejectType must be RETRY or FINAL for RED');
		const labels = Array.isArray(body.rejectLabels) ? body.rejectLabels.map(String) : [];
		this.setReview(applicant, {
			reviewAnswer: answer,
			...(answer === 'RED' ? { rejectLabels: labels, reviewRejectType: rejectType as 'RETRY' | 'FINAL', buttonIds: [] } : {}),
			...(typeof body.moderationComment === 'string' ? { moderationComment: body.moderationComment } : {}),
			...(typeof body.clientComment === 'string' ? { clientComment: body.clientComment } : {}),
		});
		void this.emit(applicant, 'applicantReviewed').catch(() => undefined);
		return { ok: 1 };
	}

	private sdkAccessToken(req: SandboxRequest): Record<string, unknown> {
		const body = this.jsonBody(req);
		const userId = typeof body.userId === 'string' ? body.userId.trim() : '';
		const levelName = typeof body.levelName === 'string' ? body.levelName : '';
		if (!userId) throw new SumsubError(400, 'userId is required');
		if (!levelName) throw new SumsubError(400, 'levelName is required');
		if (!this.levels[levelName]) throw new SumsubError(404, `Level '${levelName}' not found`);
		const ttl = body.ttlInSecs === undefined ? 600 : Number(body.ttlInSecs);
		if (!Number.isInteger(ttl) || ttl <= 0) throw new SumsubError(400, 'ttlInSecs must be a positive whole number');
		const token = `_act-${this.appToken.startsWith('sbx:') ? 'sbx-' : ''}${randomUUID()}`;
		this.accessTokens.push({ token, userId, levelName, expiresAt: this.now() + ttl * 1000 });
		return { token, userId };
	}

	private webSdkLink(req: SandboxRequest): Record<string, unknown> {
		const body = req.rawBody.length ? this.jsonBody(req) : {};
		const levelName = req.params.levelName === '-' ? String(body.levelName ?? '') : req.params.levelName;
		const userId = req.query.get('externalUserId') ?? (typeof body.userId === 'string' ? body.userId : '');
		if (!this.levels[levelName]) throw new SumsubError(404, `Level '${levelName}' not found`);
		if (!userId) throw new SumsubError(400, 'externalUserId is required');
		const ttl = Number(req.query.get('ttlInSecs') ?? body.ttlInSecs ?? 1800);
		if (!Number.isInteger(ttl) || ttl <= 0) throw new SumsubError(400, 'ttlInSecs must be a positive whole number');
		const token = `_act-${randomUUID()}`;
		this.accessTokens.push({ token, userId, levelName, expiresAt: this.now() + ttl * 1000 });
		return { url: `${this.baseUrl}/idensic/l/#/${randomToken(16)}` };
	}

	private amlCaseJson(applicant: SumsubApplicantRecord): Record<string, unknown> {
		if (!applicant.aml) throw new SumsubError(404, 'AML case not found');
		const { pep, sanctions, adverseMedia } = applicant.aml;
		// [inference] riskLabels named like the rejection labels; one hit per positive list.
		const riskLabels = [pep ? 'PEP' : '', sanctions ? 'SANCTIONS' : '', adverseMedia ? 'ADVERSE_MEDIA' : ''].filter(Boolean);
		return {
			id: applicant.aml.caseId,
			createdAt: sumsubDateTime(applicant.aml.createdAt),
			targetEntityType: 'applicant',
			targetEntityId: applicant.id,
			screeningVendor: 'sandbox',
			ongoingMonitoring: { enabled: false },
			review: { answer: riskLabels.length ? 'RED' : 'GREEN' },
			riskLabels,
			hits: riskLabels.map((label, i) => ({ id: `${applicant.aml?.caseId}-${i}`, name: String(applicant.fixedInfo.lastName ?? applicant.externalUserId), matchTypes: [label] })),
		};
	}

	// -------------------------------------------------------------------------------------------
	// Records and JSON
	// -------------------------------------------------------------------------------------------

	private setReview(applicant: SumsubApplicantRecord, result: SumsubReviewResult): void {
		applicant.review.reviewStatus = 'completed';
		applicant.review.reviewResult = result;
		applicant.review.reviewDate = this.now();
	}

	private missingSteps(applicant: SumsubApplicantRecord): string[] {
		return (this.levels[applicant.levelName] ?? [])
			.filter((set) => !applicant.documents.some((d) => d.active && set.types.includes(d.idDocType)))
			.map((set) => set.idDocSetType);
	}

	/** Sumsub merges data of documents with the same idDocType and country. */
	private mergedDocument(applicant: SumsubApplicantRecord, idDocType: string, country: string): Record<string, unknown> {
		const merged: Record<string, unknown> = { idDocType, country };
		for (const doc of applicant.documents.filter((d) => d.idDocType === idDocType && d.country === country)) {
			if (doc.validUntil) merged.validUntil = doc.validUntil;
			if (doc.number) merged.number = doc.number;
			if (doc.idDocSubType) merged.idDocSubType = doc.idDocSubType;
		}
		return merged;
	}

	private applicantJson(applicant: SumsubApplicantRecord): Record<string, unknown> {
		const keys = new Set(applicant.documents.filter((d) => d.active && d.idDocType !== 'SELFIE').map((d) => `${d.idDocType}:${d.country}`));
		const idDocs = [...keys].map((key) => {
			const [idDocType, country] = key.split(':');
			const { idDocSubType: _side, ...merged } = this.mergedDocument(applicant, idDocType, country);
			return merged;
		});
		return {
			id: applicant.id,
			createdAt: sumsubDateTime(applicant.createdAt, false),
			key: 'SANDBOXKEY',
			clientId: this.clientId,
			inspectionId: applicant.inspectionId,
			externalUserId: applicant.externalUserId,
			...(Object.keys(applicant.fixedInfo).length ? { fixedInfo: applicant.fixedInfo } : {}),
			info: { ...applicant.fixedInfo, ...(idDocs.length ? { idDocs } : {}) },
			...(applicant.email ? { email: applicant.email } : {}),
			...(applicant.phone ? { phone: applicant.phone } : {}),
			applicantPlatform: 'API',
			requiredIdDocs: { docSets: this.levels[applicant.levelName] ?? [] },
			review: this.reviewJson(applicant),
			...(applicant.lang ? { lang: applicant.lang } : {}),
			type: 'individual',
		};
	}

	private reviewJson(applicant: SumsubApplicantRecord): Record<string, unknown> {
		const { review } = applicant;
		return {
			reviewId: review.reviewId,
			attemptId: review.attemptId,
			attemptCnt: review.attemptCnt,
			levelName: applicant.levelName,
			createDate: sumsubDateTime(review.createDate),
			...(review.reviewDate ? { reviewDate: sumsubDateTime(review.reviewDate) } : {}),
			...(review.reviewResult ? { reviewResult: review.reviewResult } : {}),
			reviewStatus: review.reviewStatus,
			priority: 0,
		};
	}

	private statusJson(applicant: SumsubApplicantRecord): Record<string, unknown> {
		return { ...this.reviewJson(applicant), reprocessing: false };
	}

	/** [inference] Shape from the Python example's use: step → its document status, or null. */
	private requiredDocsStatus(applicant: SumsubApplicantRecord): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const set of this.levels[applicant.levelName] ?? []) {
			const docs = applicant.documents.filter((d) => d.active && set.types.includes(d.idDocType));
			if (!docs.length) {
				out[set.idDocSetType] = null;
				continue;
			}
			const last = docs[docs.length - 1];
			const result = applicant.review.reviewStatus === 'completed' ? applicant.review.reviewResult : null;
			out[set.idDocSetType] = {
				idDocType: last.idDocType,
				country: last.country,
				imageIds: docs.map((d) => Number(d.imageId)),
				...(result ? { reviewResult: result } : {}),
			};
		}
		return out;
	}

	private jsonBody(req: SandboxRequest): Record<string, unknown> {
		let body: unknown;
		try {
			body = JSON.parse(req.rawBody.toString('utf8') || '{}');
		} catch {
			throw new SumsubError(400, 'Request body is not valid JSON');
		}
		if (!isRecord(body)) throw new SumsubError(400, 'Request body must be a JSON object');
		return body;
	}

	// -------------------------------------------------------------------------------------------
	// Webhooks
	// -------------------------------------------------------------------------------------------

	private emit(applicant: SumsubApplicantRecord, type: string): Promise<Delivery[]> {
		// Strictly increasing per applicant, so events of one applicant never share a millisecond.
		const createdAtMs = Math.max(this.now(), applicant.lastEventMs + 1);
		applicant.lastEventMs = createdAtMs;
		const id = `evt_${this.nextEvent++}`;
		const { review } = applicant;
		const payload: Record<string, unknown> = {
			applicantId: applicant.id,
			inspectionId: applicant.inspectionId,
			applicantType: 'individual',
			correlationId: `req-${randomUUID()}`,
			levelName: applicant.levelName,
			sandboxMode: this.appToken.startsWith('sbx:'),
			externalUserId: applicant.externalUserId,
			type,
			...(type === 'applicantReviewed' && review.reviewResult ? { reviewResult: review.reviewResult } : {}),
			reviewStatus: review.reviewStatus,
		};
		this.events.push({ id, type, applicantId: applicant.id, createdAtMs, payload });
		this.eventTimes.set(id, createdAtMs);
		const url = this.webhookUrl;
		const run = async (): Promise<Delivery[]> => (url ? await this.sender.send(url, { id, type, payload }) : []);
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private signWebhook(event: WebhookEvent, forge: boolean, timestampSeconds: number) {
		// A stale-timestamp fault dates the event back by the fault's age.
		const shiftMs = (this.nowSeconds() - timestampSeconds) * 1000;
		const ms = (this.eventTimes.get(event.id) ?? this.now()) - shiftMs;
		const body = JSON.stringify({ ...event.payload, createdAt: sumsubDateTime(ms), createdAtMs: sumsubDateTimeMs(ms), clientId: this.clientId });
		const algorithm = SUMSUB_DIGEST_ALGORITHMS[this.digestAlgorithm];
		const digest = createHmac(algorithm, forge ? `${this.webhookSecret}-forged` : this.webhookSecret).update(body).digest('hex');
		return {
			headers: { 'content-type': 'application/json', 'X-Payload-Digest': digest, 'X-Payload-Digest-Alg': this.digestAlgorithm },
			body,
		};
	}

	private nowSeconds(): number {
		return Math.floor(this.now() / 1000);
	}
}

/** "2020-06-24 05:11:02+0000" (with zone) or "2020-06-24 05:11:02" (applicant createdAt). */
export function sumsubDateTime(ms: number, withZone = true): string {
	return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}${withZone ? '+0000' : ''}`;
}

/** Webhook createdAtMs: "2023-03-14 12:50:27.238", UTC. */
export function sumsubDateTimeMs(ms: number): string {
	return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

function randomHexId(): string {
	return randomBytes(12).toString('hex');
}

function randomToken(length: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** The file starts like its declared type (JPEG FF D8 FF, PNG 89 50 4E 47, PDF %PDF). */
function matchesMagic(mime: string, data: Buffer): boolean {
	if (mime === 'image/jpeg' || mime === 'image/jpg') return data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
	if (mime === 'image/png') return data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
	if (mime === 'application/pdf') return data.subarray(0, 4).toString('latin1') === '%PDF';
	return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}
