/**
 * Google Ads API (REST) for the three jobs a broker sends Google: offline click conversions,
 * enhanced conversions for leads, and Customer Match lists. Sources are summarised in
 * reference/ads.md §3 (G-PROTO = googleapis `google/ads/googleads/v2x` protos).
 *
 * Protocol as documented:
 * - OAuth 2.0 with the scope `https://www.googleapis.com/auth/adwords`; calls carry
 *   `Authorization: Bearer <access token>` and, through a manager account, `login-customer-id`.
 *   `developer-token` has been optional since 2026-09-09 ("the API servers ignore them", §3.1): it is
 *   recorded, never checked.
 * - `POST /v{N}/customers/{id}:uploadClickConversions {conversions[], partialFailure, validateOnly,
 *   jobId}`: `partialFailure` must be true ("omitting the field is not supported and causes the entire
 *   request to fail"); at most 2000 conversions (TOO_MANY_CONVERSIONS_IN_REQUEST); each row has at
 *   most one of gclid/gbraid/wbraid (GBRAID_WBRAID_BOTH_SET), `conversionDateTime` as
 *   `yyyy-mm-dd hh:mm:ss+|-hh:mm`, a conversion action of type UPLOAD_CLICKS; a click less than 6 h
 *   old is TOO_RECENT_EVENT, one older than the action's click-through window EXPIRED_EVENT, a
 *   conversion before its click CONVERSION_PRECEDES_EVENT; one conversion per order id per action
 *   (ORDER_ID_ALREADY_IN_USE, DUPLICATE_ORDER_ID); `userIdentifiers` only hashedEmail /
 *   hashedPhoneNumber, at most 5, one field each (INVALID_USER_IDENTIFIER); enhanced conversions for
 *   leads need the customer data terms accepted and the feature enabled
 *   (CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS, CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS);
 *   unmatched identifiers are CLICK_NOT_FOUND. The answer has `results[]` (an empty object for a
 *   failed row) and `partialFailureError`, a google.rpc.Status whose details hold a GoogleAdsFailure
 *   with one error per failed row, located by `fieldPathElements` (conversions[i].field).
 * - `Consent.ad_personalization` can only be set for OfflineUserDataJobService/UserDataService.
 * - Customer Match: `offlineUserDataJobs:create {job:{type: CUSTOMER_MATCH_USER_LIST,
 *   customerMatchUserListMetadata:{userList, consent}}}` → `{resourceName}`; `{resourceName}:addOperations
 *   {operations[create|remove|removeAll], enablePartialFailure}` (at most 100,000 identifiers per
 *   request and 20 per operation); `{resourceName}:run` → a long-running operation; the job's status
 *   (PENDING → RUNNING → SUCCESS | FAILED, `failureReason`) is read with GAQL through
 *   `googleAds:search`. An address needs hashed first and last name, country code and postal code.
 * - Errors are `{error:{code, message, status, details:[{@type: …GoogleAdsFailure, errors:[{errorCode:
 *   {<kind>Error: CODE}, message, location}], requestId}]}}`.
 *
 * [inference] (chosen to be plausible and testable, not in the reference):
 * - the token endpoint's answers (Google's documented shape: access_token, expires_in 3599,
 *   token_type Bearer; `invalid_grant` / `invalid_client`); `client_credentials` is refused with
 *   `unsupported_grant_type` as Google does, unless the simulator is built with
 *   `allowClientCredentials` (a sandbox convenience);
 * - 401 bodies: authenticationError OAUTH_TOKEN_EXPIRED / OAUTH_TOKEN_INVALID; 403 USER_PERMISSION_DENIED
 *   when a client account is called without its manager in `login-customer-id`;
 * - codes for rows the reference names no code for: a gclid together with a gbraid or wbraid
 *   (fieldError VALUE_MUST_BE_UNSET), no click id and no identifiers (fieldError REQUIRED), a date-time
 *   without offset (dateError INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET), an unknown click
 *   (EVENT_NOT_FOUND), an unknown action (NO_CONVERSION_ACTION_FOUND), a non-UPLOAD_CLICKS action
 *   (INVALID_CONVERSION_ACTION_TYPE), ad_personalization on a click conversion (fieldError
 *   VALUE_MUST_BE_UNSET), an order id that looks like an e-mail or phone (ORDER_ID_CONTAINS_PII), a
 *   malformed hash in a job (offlineUserDataJobError INVALID_SHA256_FORMAT), an incomplete address
 *   (INCOMPLETE_ADDRESS_INFO), a job that is not PENDING (INVALID_JOB_STATUS), an unknown user list
 *   (INVALID_USER_LIST_ID), a sunset API version (404);
 * - the gclid syntax (20–200 of [A-Za-z0-9_-]); clicks and leads exist only once a test registers
 *   them (`addClick`, `addLead`); a job takes `pollsUntilDone` status reads after `:run` to finish.
 */
import { createHash, randomBytes } from 'node:crypto';

import { SandboxHttpError, Simulator, type Router, type SandboxRequest, type SandboxResponse } from '../framework';

export const GOOGLE_ADS_API_VERSION = 'v26';
/** Versions still served in November 2026 (v22 sunset 2026-10-07, reference/ads.md §3.1). */
export const GOOGLE_ADS_LIVE_VERSIONS = ['v23', 'v24', 'v25', 'v26'] as const;
export const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';
export const MAX_CONVERSIONS_PER_REQUEST = 2000;
export const MAX_USER_IDENTIFIERS_PER_CONVERSION = 5;
export const MAX_IDENTIFIERS_PER_REQUEST = 100_000;
export const MAX_IDENTIFIERS_PER_OPERATION = 20;
/** A click (or a conversion action) younger than this cannot take conversions yet. */
export const TOO_RECENT_MS = 6 * 3600_000;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const SHA256_HEX = /^[a-f0-9]{64}$/;
const CLICK_ID = /^[A-Za-z0-9_-]{20,200}$/;
const DATE_TIME_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?([+-])(\d{2}):(\d{2})$/;
const CONSENT_STATUSES = ['UNSPECIFIED', 'UNKNOWN', 'GRANTED', 'DENIED'];

export interface GoogleAdsCustomer {
	id: string;
	/** The manager (MCC) through which the sandbox user reaches this account; none for the manager. */
	managerId?: string;
	acceptedCustomerDataTerms: boolean;
	enhancedConversionsForLeads: boolean;
}

export interface GoogleAdsConversionAction {
	resourceName: string;
	name: string;
	type: 'UPLOAD_CLICKS' | 'WEBPAGE';
	createdAtMs: number;
	clickThroughLookbackWindowDays: number;
}

export interface GoogleAdsClick {
	kind: 'gclid' | 'gbraid' | 'wbraid';
	id: string;
	customerId: string;
	clickTimeMs: number;
}

export interface GoogleAdsLead {
	hashedEmail?: string;
	hashedPhoneNumber?: string;
	customerId: string;
}

export interface GoogleAdsErrorEntry {
	errorCode: Record<string, string>;
	message: string;
	trigger?: { stringValue: string };
	location?: { fieldPathElements: Array<{ fieldName: string; index?: number }> };
}

export interface StoredConversion {
	customerId: string;
	conversionAction: string;
	clickKind?: string;
	clickId?: string;
	conversionDateTime: string;
	conversionValue?: number;
	currencyCode?: string;
	orderId?: string;
	userIdentifiers?: Array<Record<string, string>>;
	consent?: Record<string, string>;
	jobId?: number;
}

export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED';

export interface OfflineUserDataJob {
	resourceName: string;
	id: string;
	customerId: string;
	type: string;
	status: JobStatus;
	failureReason?: string;
	userList: string;
	consent?: Record<string, string>;
	operations: Array<{ kind: 'create' | 'remove' | 'removeAll'; userIdentifiers: Array<Record<string, unknown>>; consent?: Record<string, string> }>;
	addOperationsCalls: number;
	pollsLeft: number;
	/** Set by `failJob`: the job ends FAILED with this reason. */
	failWith?: string;
}

export interface GoogleAdsSimulatorOptions {
	clientId?: string;
	clientSecret?: string;
	refreshToken?: string;
	/** An authorization code the token endpoint exchanges once (the consent screen is not simulated). */
	authorizationCode?: string;
	accessTokenLifetimeSeconds?: number;
	/** Google's token endpoint refuses client_credentials; true accepts it (a sandbox convenience). */
	allowClientCredentials?: boolean;
	/** Status reads after `:run` until a job is done (default 2: RUNNING, then SUCCESS). */
	pollsUntilDone?: number;
	now?: () => number;
}

/** The manager and the broker's ad account the sandbox seeds. */
export const SANDBOX_MANAGER_ID = '9876543210';
export const SANDBOX_CUSTOMER_ID = '1234567890';
/** Seeded conversion actions (customers/1234567890/conversionActions/<id>). */
export const SANDBOX_ACTIONS = { ftd: '111111', lead: '222222', website: '333333' } as const;
export const SANDBOX_USER_LIST = `customers/${SANDBOX_CUSTOMER_ID}/userLists/444444`;

/** What a failed row or operation carries before it is rendered as Google's error entry. */
interface RowError {
	kind: string;
	code: string;
	message: string;
	field: string[];
	trigger?: string;
}

function camel(key: string): string {
	return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Proto JSON accepts both lowerCamelCase and the proto's snake_case names: read everything as camel. */
function camelKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(camelKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [camel(k), camelKeys(v)]));
}

function snake(field: string): string {
	return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function text(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `yyyy-mm-dd hh:mm:ss+|-hh:mm` → epoch ms, or undefined when the format or a field is wrong. */
export function parseGoogleDateTime(value: string): number | undefined {
	const m = DATE_TIME_WITH_OFFSET.exec(value);
	if (!m) return undefined;
	const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
	const offsetMinutes = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
	const local = Date.UTC(year, month - 1, day, hour, minute, second);
	const check = new Date(local);
	if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
	if (Math.abs(offsetMinutes) > 14 * 60) return undefined;
	return local - offsetMinutes * 60_000;
}

export class GoogleAdsSimulator extends Simulator {
	readonly name = 'googleAds';
	readonly title = 'Google Ads API v26 (OAuth2 bearer + login-customer-id): click conversions, EC4L, Customer Match jobs';

	private readonly clientId: string;
	private readonly clientSecret: string;
	private readonly refreshToken: string;
	private readonly authorizationCode: string;
	private readonly tokenLifetimeMs: number;
	private readonly allowClientCredentials: boolean;
	private readonly pollsUntilDone: number;
	private readonly clock: () => number;
	private clockOffsetMs = 0;

	private accessTokens = new Map<string, { expiresAtMs: number; scope: string }>();
	private usedCodes = new Set<string>();
	private revokedRefreshTokens = new Set<string>();
	private customers = new Map<string, GoogleAdsCustomer>();
	private actions = new Map<string, GoogleAdsConversionAction>();
	private clicks = new Map<string, GoogleAdsClick>();
	private leads: GoogleAdsLead[] = [];
	private userLists = new Set<string>();
	private conversions: StoredConversion[] = [];
	private jobs = new Map<string, OfflineUserDataJob>();
	private nextJobId = 0;
	private tokenCounter = 0;
	/** Every API call with the headers that matter, for assertions. */
	readonly requests: Array<{ method: string; path: string; developerToken?: string; loginCustomerId?: string; bearer?: string; status?: number }> = [];
	/** Every token request's grant type, for assertions on refresh. */
	readonly tokenRequests: Array<{ grantType: string; ok: boolean }> = [];

	constructor(options: GoogleAdsSimulatorOptions = {}) {
		super();
		this.clientId = options.clientId ?? 'sandbox-client.apps.googleusercontent.com';
		this.clientSecret = options.clientSecret ?? 'sandbox-client-secret';
		this.refreshToken = options.refreshToken ?? '1//sandbox-refresh-token';
		this.authorizationCode = options.authorizationCode ?? '4/sandbox-authorization-code';
		this.tokenLifetimeMs = (options.accessTokenLifetimeSeconds ?? 3599) * 1000;
		this.allowClientCredentials = options.allowClientCredentials ?? false;
		this.pollsUntilDone = options.pollsUntilDone ?? 2;
		this.clock = options.now ?? (() => Date.now());
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.clockOffsetMs = 0;
		this.accessTokens = new Map();
		this.usedCodes = new Set();
		this.revokedRefreshTokens = new Set();
		this.customers = new Map([
			[SANDBOX_MANAGER_ID, { id: SANDBOX_MANAGER_ID, acceptedCustomerDataTerms: true, enhancedConversionsForLeads: false }],
			[SANDBOX_CUSTOMER_ID, { id: SANDBOX_CUSTOMER_ID, managerId: SANDBOX_MANAGER_ID, acceptedCustomerDataTerms: true, enhancedConversionsForLeads: true }],
		]);
		this.actions = new Map();
		const created = this.now() - 30 * DAY;
		this.addConversionAction({ id: SANDBOX_ACTIONS.ftd, name: 'FTD (offline import)', createdAtMs: created });
		this.addConversionAction({ id: SANDBOX_ACTIONS.lead, name: 'Registration (enhanced conversions for leads)', createdAtMs: created });
		this.addConversionAction({ id: SANDBOX_ACTIONS.website, name: 'Website deposit tag', type: 'WEBPAGE', createdAtMs: created });
		this.clicks = new Map();
		this.leads = [];
		this.userLists = new Set([SANDBOX_USER_LIST]);
		this.conversions = [];
		this.jobs = new Map();
		this.nextJobId = 5550001;
		this.tokenCounter = 0;
		this.requests.length = 0;
		this.tokenRequests.length = 0;
	}

	state() {
		return {
			nowUtc: new Date(this.now()).toISOString(),
			customers: [...this.customers.values()],
			conversionActions: [...this.actions.values()],
			clicks: [...this.clicks.values()],
			leads: this.leads,
			conversions: this.conversions,
			jobs: [...this.jobs.values()].map((job) => ({ ...job, operations: job.operations.length })),
			accessTokens: this.accessTokens.size,
		};
	}

	credentials(): Record<string, string> {
		return {
			clientId: this.clientId,
			clientSecret: this.clientSecret,
			refreshToken: this.refreshToken,
			accessTokenUrl: `${this.baseUrl}/token`,
			loginCustomerId: SANDBOX_MANAGER_ID,
			customerId: SANDBOX_CUSTOMER_ID,
		};
	}

	dropSessions(): void {
		this.accessTokens.clear();
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	now(): number {
		return this.clock() + this.clockOffsetMs;
	}

	/** Moves the sandbox clock (token expiry, click age). */
	advance(ms: number): void {
		this.clockOffsetMs += ms;
	}

	/** A valid access token, as if the token endpoint had issued it. */
	issueAccessToken(scope = ADWORDS_SCOPE): string {
		const token = `ya29.sandbox-${++this.tokenCounter}-${randomBytes(6).toString('hex')}`;
		this.accessTokens.set(token, { expiresAtMs: this.now() + this.tokenLifetimeMs, scope });
		return token;
	}

	/** Every issued access token is now expired (the next call answers 401 OAUTH_TOKEN_EXPIRED). */
	expireAccessTokens(): void {
		for (const entry of this.accessTokens.values()) entry.expiresAtMs = this.now() - 1;
	}

	/** The refresh token stops working (the user revoked access): refreshes get invalid_grant. */
	revokeRefreshToken(): void {
		this.revokedRefreshTokens.add(this.refreshToken);
	}

	customer(id: string): GoogleAdsCustomer | undefined {
		return this.customers.get(id);
	}

	setCustomer(id: string, changes: Partial<Omit<GoogleAdsCustomer, 'id'>>): void {
		const existing = this.customers.get(id) ?? { id, managerId: SANDBOX_MANAGER_ID, acceptedCustomerDataTerms: true, enhancedConversionsForLeads: true };
		this.customers.set(id, { ...existing, ...changes });
	}

	addConversionAction(action: { id: string; name?: string; type?: GoogleAdsConversionAction['type']; createdAtMs?: number; customerId?: string; clickThroughLookbackWindowDays?: number }): string {
		const resourceName = `customers/${action.customerId ?? SANDBOX_CUSTOMER_ID}/conversionActions/${action.id}`;
		this.actions.set(resourceName, {
			resourceName,
			name: action.name ?? `Action ${action.id}`,
			type: action.type ?? 'UPLOAD_CLICKS',
			createdAtMs: action.createdAtMs ?? this.now(),
			clickThroughLookbackWindowDays: action.clickThroughLookbackWindowDays ?? 90,
		});
		return resourceName;
	}

	/** A click on an ad, `hoursAgo` before the sandbox clock unless a time is given. */
	addClick(click: { gclid?: string; gbraid?: string; wbraid?: string; hoursAgo?: number; clickTimeMs?: number; customerId?: string }): string {
		const kind = click.gclid ? 'gclid' : click.gbraid ? 'gbraid' : 'wbraid';
		const id = click.gclid ?? click.gbraid ?? click.wbraid;
		if (!id) throw new Error('addClick needs a gclid, gbraid or wbraid');
		this.clicks.set(`${kind}:${id}`, {
			kind,
			id,
			customerId: click.customerId ?? SANDBOX_CUSTOMER_ID,
			clickTimeMs: click.clickTimeMs ?? this.now() - (click.hoursAgo ?? 24) * HOUR,
		});
		return id;
	}

	/** A lead whose hashed identifiers Google can match to a click (enhanced conversions for leads). */
	addLead(lead: { hashedEmail?: string; hashedPhoneNumber?: string; customerId?: string }): void {
		this.leads.push({ ...lead, customerId: lead.customerId ?? SANDBOX_CUSTOMER_ID });
	}

	addUserList(resourceName: string): void {
		this.userLists.add(resourceName);
	}

	get uploadedConversions(): StoredConversion[] {
		return this.conversions;
	}

	job(resourceNameOrId: string): OfflineUserDataJob | undefined {
		return this.jobs.get(resourceNameOrId) ?? [...this.jobs.values()].find((j) => j.id === resourceNameOrId);
	}

	/** The job ends FAILED with this reason once it runs to completion. */
	failJob(resourceName: string, reason = 'UNKNOWN'): void {
		const job = this.jobs.get(resourceName);
		if (!job) throw new Error(`no job ${resourceName}`);
		job.failWith = reason;
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		router.add('POST', '/token', (req) => this.token(req));
		// The colon in "customers/123:uploadClickConversions" is part of one path segment.
		router.add('POST', '/:version/customers/:target', (req) => this.api(req, () => this.customerMethod(req)));
		router.add('POST', '/:version/customers/:customerId/:method', (req) => this.api(req, () => this.collectionMethod(req)));
		router.add('POST', '/:version/customers/:customerId/offlineUserDataJobs/:jobMethod', (req) => this.api(req, () => this.jobMethod(req)));
		router.add('GET', '/:version/customers/:customerId/operations/:operationId', (req) => this.api(req, () => this.getOperation(req)));
	}

	// -- OAuth 2.0 token endpoint (https://oauth2.googleapis.com/token) ------------------------------

	private token(req: SandboxRequest): SandboxResponse {
		const form = new URLSearchParams(req.rawBody.toString('utf8'));
		let clientId = form.get('client_id') ?? undefined;
		let clientSecret = form.get('client_secret') ?? undefined;
		const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
		if (basic) {
			const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
			clientId = decodeURIComponent(id);
			clientSecret = decodeURIComponent(secret.join(':'));
		}
		const grantType = form.get('grant_type') ?? '';
		const refuse = (status: number, error: string, description: string): never => {
			this.tokenRequests.push({ grantType, ok: false });
			throw new SandboxHttpError(status, { error, error_description: description });
		};
		if (clientId !== this.clientId || clientSecret !== this.clientSecret) refuse(401, 'invalid_client', 'The OAuth client was not found.');
		let scope = ADWORDS_SCOPE;
		let refreshToken: string | undefined;
		if (grantType === 'refresh_token') {
			const presented = form.get('refresh_token') ?? '';
			if (presented !== this.refreshToken || this.revokedRefreshTokens.has(presented)) refuse(400, 'invalid_grant', 'Token has been expired or revoked.');
		} else if (grantType === 'authorization_code') {
			const code = form.get('code') ?? '';
			if (code !== this.authorizationCode || this.usedCodes.has(code)) refuse(400, 'invalid_grant', 'Bad Request');
			this.usedCodes.add(code);
			refreshToken = this.refreshToken;
		} else if (grantType === 'client_credentials' && this.allowClientCredentials) {
			scope = form.get('scope') || ADWORDS_SCOPE;
		} else {
			refuse(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
		}
		this.tokenRequests.push({ grantType, ok: true });
		return {
			body: {
				access_token: this.issueAccessToken(scope),
				expires_in: Math.round(this.tokenLifetimeMs / 1000),
				scope,
				token_type: 'Bearer',
				...(refreshToken ? { refresh_token: refreshToken } : {}),
			},
		};
	}

	// -- Google Ads API --------------------------------------------------------------------------

	private requestId(): string {
		return randomBytes(11).toString('base64url');
	}

	private failure(status: number, statusText: string, message: string, errors: GoogleAdsErrorEntry[], version = GOOGLE_ADS_API_VERSION): SandboxHttpError {
		const requestId = this.requestId();
		return new SandboxHttpError(
			status,
			{
				error: {
					code: status,
					message,
					status: statusText,
					details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors, requestId }],
				},
			},
			{ 'request-id': requestId },
		);
	}

	private invalidArgument(errors: GoogleAdsErrorEntry[], version: string): SandboxHttpError {
		return this.failure(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', errors, version);
	}

	private api(req: SandboxRequest, handle: () => SandboxResponse): SandboxResponse {
		const version = req.params.version;
		const entry: GoogleAdsSimulator['requests'][number] = {
			method: req.method,
			path: req.path,
			developerToken: req.headers['developer-token'] as string | undefined,
			loginCustomerId: (req.headers['login-customer-id'] as string | undefined) || undefined,
			bearer: /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1],
		};
		this.requests.push(entry);
		try {
			if (!(GOOGLE_ADS_LIVE_VERSIONS as readonly string[]).includes(version)) {
				throw new SandboxHttpError(404, { error: { code: 404, message: `Version ${version} of the Google Ads API is not available (sunset or unknown). Use ${GOOGLE_ADS_API_VERSION}.`, status: 'NOT_FOUND' } });
			}
			this.authenticate(entry.bearer, version);
			const customerId = (req.params.customerId ?? req.params.target ?? '').split(':')[0];
			this.authorize(customerId, entry.loginCustomerId, version);
			const response = handle();
			entry.status = response.status ?? 200;
			return { ...response, headers: { 'request-id': this.requestId(), ...(response.headers ?? {}) } };
		} catch (error) {
			if (error instanceof SandboxHttpError) entry.status = error.status;
			throw error;
		}
	}

	private authenticate(bearer: string | undefined, version: string): void {
		if (!bearer) {
			throw this.failure(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
				{ errorCode: { authenticationError: 'NOT_ADS_USER' }, message: 'No OAuth access token was sent.' },
			], version);
		}
		const token = this.accessTokens.get(bearer);
		if (!token) {
			throw this.failure(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
				{ errorCode: { authenticationError: 'OAUTH_TOKEN_INVALID' }, message: 'Oauth token is invalid.' },
			], version);
		}
		if (token.expiresAtMs <= this.now()) {
			throw this.failure(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
				{ errorCode: { authenticationError: 'OAUTH_TOKEN_EXPIRED' }, message: 'Oauth token is expired.' },
			], version);
		}
		if (!token.scope.split(' ').includes(ADWORDS_SCOPE)) {
			throw this.failure(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
				{ errorCode: { authenticationError: 'OAUTH_TOKEN_INVALID' }, message: `The access token lacks the ${ADWORDS_SCOPE} scope.` },
			], version);
		}
	}

	private authorize(customerId: string, loginCustomerId: string | undefined, version: string): void {
		if (!/^\d{10}$/.test(customerId)) {
			throw this.invalidArgument([{ errorCode: { requestError: 'INVALID_CUSTOMER_ID' }, message: `"${customerId}" is not a customer id: 10 digits without hyphens.` }], version);
		}
		if (loginCustomerId !== undefined && !/^\d{10}$/.test(loginCustomerId)) {
			throw this.invalidArgument([{ errorCode: { requestError: 'INVALID_CUSTOMER_ID' }, message: 'The login-customer-id header must be 10 digits without hyphens.' }], version);
		}
		const customer = this.customers.get(customerId);
		// The sandbox user is a user of the manager only, so a client account needs the manager as login-customer-id.
		const reachable = customer && (customer.managerId === undefined ? (loginCustomerId ?? customerId) === customerId : loginCustomerId === customer.managerId);
		if (!reachable) {
			throw this.failure(403, 'PERMISSION_DENIED', "The caller does not have permission", [
				{
					errorCode: { authorizationError: 'USER_PERMISSION_DENIED' },
					message: "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header.",
				},
			], version);
		}
	}

	private body(req: SandboxRequest): Record<string, unknown> {
		const parsed = camelKeys(req.json());
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new SandboxHttpError(400, { error: { code: 400, message: 'Invalid JSON payload received. Expected an object.', status: 'INVALID_ARGUMENT' } });
		}
		return parsed as Record<string, unknown>;
	}

	private customerMethod(req: SandboxRequest): SandboxResponse {
		const [customerId, method] = req.params.target.split(':');
		if (method === 'uploadClickConversions') return this.uploadClickConversions(req, customerId);
		throw new SandboxHttpError(404, { error: { code: 404, message: `Method ${method} not found.`, status: 'NOT_FOUND' } });
	}

	private collectionMethod(req: SandboxRequest): SandboxResponse {
		const customerId = req.params.customerId;
		if (req.params.method === 'offlineUserDataJobs:create') return this.createJob(req, customerId);
		if (req.params.method === 'googleAds:search') return this.search(req, customerId);
		throw new SandboxHttpError(404, { error: { code: 404, message: `Method ${req.params.method} not found.`, status: 'NOT_FOUND' } });
	}

	private jobMethod(req: SandboxRequest): SandboxResponse {
		const [jobId, method] = req.params.jobMethod.split(':');
		const resourceName = `customers/${req.params.customerId}/offlineUserDataJobs/${jobId}`;
		const job = this.jobs.get(resourceName);
		if (!job) {
			throw this.invalidArgument([{ errorCode: { requestError: 'RESOURCE_NAME_MALFORMED' }, message: `No offline user data job ${resourceName}.` }], req.params.version);
		}
		if (method === 'addOperations') return this.addOperations(req, job);
		if (method === 'run') return this.runJob(req, job);
		throw new SandboxHttpError(404, { error: { code: 404, message: `Method ${method} not found.`, status: 'NOT_FOUND' } });
	}

	// -- uploadClickConversions --------------------------------------------------------------------

	private uploadClickConversions(req: SandboxRequest, customerId: string): SandboxResponse {
		const version = req.params.version;
		const body = this.body(req);
		if (body.partialFailure !== true) {
			throw this.invalidArgument([
				{
					errorCode: { partialFailureError: 'PARTIAL_FAILURE_MODE_REQUIRED' },
					message: 'The partial failure field was false in the request. This method requires this field be set to true.',
					location: { fieldPathElements: [{ fieldName: 'partial_failure' }] },
				},
			], version);
		}
		const conversions = Array.isArray(body.conversions) ? (body.conversions as Array<Record<string, unknown>>) : [];
		if (conversions.length === 0) {
			throw this.invalidArgument([{ errorCode: { fieldError: 'REQUIRED' }, message: 'The required field was not present.', location: { fieldPathElements: [{ fieldName: 'conversions' }] } }], version);
		}
		if (conversions.length > MAX_CONVERSIONS_PER_REQUEST) {
			throw this.invalidArgument([
				{ errorCode: { conversionUploadError: 'TOO_MANY_CONVERSIONS_IN_REQUEST' }, message: `Upload fewer than ${MAX_CONVERSIONS_PER_REQUEST + 1} events in a single request.`, location: { fieldPathElements: [{ fieldName: 'conversions' }] } },
			], version);
		}
		// Enum values are checked while the JSON is parsed: one bad value fails the whole request.
		conversions.forEach((row, index) => {
			for (const field of ['adUserData', 'adPersonalization']) {
				const value = (row.consent as Record<string, unknown> | undefined)?.[field];
				if (value !== undefined && !CONSENT_STATUSES.includes(String(value))) {
					throw new SandboxHttpError(400, {
						error: {
							code: 400,
							message: `Invalid value at 'conversions[${index}].consent.${snake(field)}' (type.googleapis.com/google.ads.googleads.${version}.enums.ConsentStatusEnum.ConsentStatus), "${String(value)}"`,
							status: 'INVALID_ARGUMENT',
							details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: `conversions[${index}].consent.${snake(field)}`, description: `Invalid value "${String(value)}"` }] }],
						},
					});
				}
			}
		});
		const validateOnly = body.validateOnly === true;
		const jobId = typeof body.jobId === 'number' ? body.jobId : Math.floor(this.now() / 1000) % 2 ** 31;
		const orderIdsInRequest = new Set<string>();
		const clicksInRequest = new Set<string>();
		const errors: GoogleAdsErrorEntry[] = [];
		const results: Array<Record<string, unknown>> = [];
		const accepted: StoredConversion[] = [];
		conversions.forEach((row, index) => {
			const problem = this.checkConversion(row, customerId, orderIdsInRequest, clicksInRequest);
			if (problem) {
				errors.push({
					errorCode: { [problem.kind]: problem.code },
					message: problem.message,
					...(problem.trigger !== undefined ? { trigger: { stringValue: problem.trigger } } : {}),
					location: { fieldPathElements: [{ fieldName: 'conversions', index }, ...problem.field.map((fieldName) => ({ fieldName }))] },
				});
				results.push({});
				return;
			}
			const stored = this.toStored(row, customerId, jobId);
			accepted.push(stored);
			results.push({
				...(stored.clickKind ? { [stored.clickKind]: stored.clickId } : {}),
				conversionAction: stored.conversionAction,
				conversionDateTime: stored.conversionDateTime,
				...(stored.userIdentifiers ? { userIdentifiers: stored.userIdentifiers } : {}),
			});
		});
		if (!validateOnly) this.conversions.push(...accepted);
		return {
			body: {
				...(errors.length ? { partialFailureError: this.partialFailure(errors, version) } : {}),
				results,
				jobId: String(jobId),
			},
		};
	}

	private partialFailure(errors: GoogleAdsErrorEntry[], version: string) {
		const where = (e: GoogleAdsErrorEntry) =>
			(e.location?.fieldPathElements ?? []).map((p) => (p.index === undefined ? snake(p.fieldName) : `${snake(p.fieldName)}[${p.index}]`)).join('.');
		return {
			code: 3,
			message: errors.map((e) => `${e.message}, at ${where(e)}`).join(', '),
			details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors, requestId: this.requestId() }],
		};
	}

	private toStored(row: Record<string, unknown>, customerId: string, jobId: number): StoredConversion {
		const kind = (['gclid', 'gbraid', 'wbraid'] as const).find((k) => text(row[k]));
		const consent = row.consent as Record<string, string> | undefined;
		return {
			customerId,
			conversionAction: String(row.conversionAction),
			...(kind ? { clickKind: kind, clickId: String(row[kind]) } : {}),
			conversionDateTime: String(row.conversionDateTime),
			...(row.conversionValue !== undefined ? { conversionValue: Number(row.conversionValue) } : {}),
			...(text(row.currencyCode) ? { currencyCode: String(row.currencyCode) } : {}),
			...(text(row.orderId) ? { orderId: String(row.orderId) } : {}),
			...(Array.isArray(row.userIdentifiers) ? { userIdentifiers: row.userIdentifiers as Array<Record<string, string>> } : {}),
			...(consent ? { consent } : {}),
			jobId,
		};
	}

	/** The first problem with one conversion, in the order Google's docs list the checks; undefined when it is accepted. */
	private checkConversion(row: Record<string, unknown>, customerId: string, orderIds: Set<string>, clicksInRequest: Set<string>): RowError | undefined {
		const upload = (code: string, message: string, field: string[], trigger?: string): RowError => ({ kind: 'conversionUploadError', code, message, field, trigger });
		const actionName = text(row.conversionAction);
		if (!actionName) return { kind: 'fieldError', code: 'REQUIRED', message: 'The required field was not present.', field: ['conversion_action'] };
		const action = this.actions.get(actionName);
		if (!action || !actionName.startsWith(`customers/${customerId}/`)) {
			return upload('NO_CONVERSION_ACTION_FOUND', "The conversion action specified in the upload request cannot be found. Make sure it's available in this account.", ['conversion_action'], actionName);
		}
		if (action.type !== 'UPLOAD_CLICKS') {
			return upload('INVALID_CONVERSION_ACTION_TYPE', 'The conversion action specified in the upload request is not of type UPLOAD_CLICKS.', ['conversion_action'], actionName);
		}
		if (this.now() - action.createdAtMs < TOO_RECENT_MS) {
			return upload('TOO_RECENT_CONVERSION_ACTION', 'The conversion action was created too recently. Try the upload again after 6 hours have passed since the action was created.', ['conversion_action']);
		}
		const gclid = text(row.gclid);
		const gbraid = text(row.gbraid);
		const wbraid = text(row.wbraid);
		if (gbraid && wbraid) return upload('GBRAID_WBRAID_BOTH_SET', 'Both gbraid and wbraid are set. Set only one of them.', ['wbraid']);
		if (gclid && (gbraid || wbraid)) {
			return { kind: 'fieldError', code: 'VALUE_MUST_BE_UNSET', message: 'The field is not allowed to be set together with gclid.', field: [gbraid ? 'gbraid' : 'wbraid'] };
		}
		const identifiers = Array.isArray(row.userIdentifiers) ? (row.userIdentifiers as Array<Record<string, unknown>>) : [];
		if (!gclid && !gbraid && !wbraid && identifiers.length === 0) {
			return { kind: 'fieldError', code: 'REQUIRED', message: 'A click id (gclid, gbraid or wbraid) or user identifiers are required.', field: ['gclid'] };
		}
		const when = text(row.conversionDateTime);
		if (!when) return { kind: 'fieldError', code: 'REQUIRED', message: 'The required field was not present.', field: ['conversion_date_time'] };
		const conversionMs = parseGoogleDateTime(when);
		if (conversionMs === undefined) {
			return {
				kind: 'dateError',
				code: 'INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET',
				message: 'The string date time is not in the format yyyy-mm-dd hh:mm:ss+|-hh:mm (the timezone must be specified).',
				field: ['conversion_date_time'],
				trigger: when,
			};
		}
		const consent = row.consent as Record<string, unknown> | undefined;
		if (consent?.adPersonalization !== undefined) {
			return { kind: 'fieldError', code: 'VALUE_MUST_BE_UNSET', message: 'ad_personalization can only be set for OfflineUserDataJobService and UserDataService.', field: ['consent', 'ad_personalization'] };
		}
		const currency = row.currencyCode;
		if (currency !== undefined && !/^[A-Z]{3}$/.test(String(currency))) {
			return { kind: 'currencyCodeError', code: 'UNSUPPORTED', message: 'The currency code is not supported (ISO 4217, e.g. EUR).', field: ['currency_code'], trigger: String(currency) };
		}
		const orderId = text(row.orderId);
		if (orderId && (/@/.test(orderId) || /^\+?\d[\d\s-]{9,}$/.test(orderId))) {
			return upload('ORDER_ID_CONTAINS_PII', 'The order id contains personally identifiable information such as an e-mail address or phone number.', ['order_id']);
		}
		if (identifiers.length) {
			const problem = this.checkIdentifiers(identifiers, customerId);
			if (problem) return problem;
		}
		if (gclid || gbraid || wbraid) {
			const kind = gclid ? 'gclid' : gbraid ? 'gbraid' : 'wbraid';
			const id = (gclid ?? gbraid ?? wbraid)!;
			if (!CLICK_ID.test(id)) return upload(`UNPARSEABLE_${kind.toUpperCase()}`, `The ${kind} could not be decoded.`, [kind], id);
			const click = this.clicks.get(`${kind}:${id}`);
			if (!click) return upload('EVENT_NOT_FOUND', `The click for this ${kind} was not found in the date range given.`, [kind], id);
			if (click.customerId !== customerId) return upload('INVALID_CUSTOMER_FOR_CLICK', 'The click is from a different customer than the one uploading the conversion.', [kind]);
			if (conversionMs < click.clickTimeMs) return upload('CONVERSION_PRECEDES_EVENT', 'The conversion date time is before the click.', ['conversion_date_time']);
			if (conversionMs - click.clickTimeMs > action.clickThroughLookbackWindowDays * DAY) {
				return upload('EXPIRED_EVENT', "The click occurred before the conversion action's click-through lookback window.", [kind]);
			}
			if (this.now() - click.clickTimeMs < TOO_RECENT_MS) {
				return upload('TOO_RECENT_EVENT', 'The click is too recent. Try the upload again after 6 hours have passed since the click.', [kind]);
			}
			const clickKey = `${actionName}|${kind}:${id}|${when}`;
			if (clicksInRequest.has(clickKey)) return upload('DUPLICATE_CLICK_CONVERSION_IN_REQUEST', 'The request contains the same conversion twice.', [kind]);
			clicksInRequest.add(clickKey);
			if (this.conversions.some((c) => c.conversionAction === actionName && c.clickKind === kind && c.clickId === id && c.conversionDateTime === when)) {
				return upload('CLICK_CONVERSION_ALREADY_EXISTS', 'A conversion with the same click, conversion action and date time was already uploaded.', [kind]);
			}
		} else {
			const matched = this.leads.some(
				(lead) =>
					lead.customerId === customerId &&
					identifiers.some((i) => (lead.hashedEmail && i.hashedEmail === lead.hashedEmail) || (lead.hashedPhoneNumber && i.hashedPhoneNumber === lead.hashedPhoneNumber)),
			);
			if (!matched) return upload('CLICK_NOT_FOUND', 'No click was found that matches the user identifiers. This can be ignored if it is expected.', ['user_identifiers']);
		}
		if (orderId) {
			if (orderIds.has(`${actionName}|${orderId}`)) return upload('DUPLICATE_ORDER_ID', 'The request contains the same order id twice.', ['order_id']);
			orderIds.add(`${actionName}|${orderId}`);
			if (this.conversions.some((c) => c.conversionAction === actionName && c.orderId === orderId)) {
				return upload('ORDER_ID_ALREADY_IN_USE', 'The order id was already used for this conversion action.', ['order_id'], orderId);
			}
		}
		return undefined;
	}

	private checkIdentifiers(identifiers: Array<Record<string, unknown>>, customerId: string): RowError | undefined {
		const upload = (code: string, message: string, field: string[]): RowError => ({ kind: 'conversionUploadError', code, message, field });
		const customer = this.customers.get(customerId)!;
		if (!customer.acceptedCustomerDataTerms) {
			return upload('CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS', 'The customer has not accepted the customer data terms in the conversion settings.', ['user_identifiers']);
		}
		if (!customer.enhancedConversionsForLeads) {
			return upload('CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS', 'The customer has not enabled enhanced conversions for leads.', ['user_identifiers']);
		}
		if (identifiers.length > MAX_USER_IDENTIFIERS_PER_CONVERSION) {
			return { kind: 'collectionSizeError', code: 'TOO_MANY', message: `At most ${MAX_USER_IDENTIFIERS_PER_CONVERSION} user identifiers per conversion.`, field: ['user_identifiers'] };
		}
		for (const [i, identifier] of identifiers.entries()) {
			const fields = Object.keys(identifier).filter((k) => k !== 'userIdentifierSource');
			const unsupported = fields.find((k) => k !== 'hashedEmail' && k !== 'hashedPhoneNumber');
			if (unsupported) return upload('UNSUPPORTED_USER_IDENTIFIER', `Only hashed_email and hashed_phone_number are supported; got ${snake(unsupported)}.`, [`user_identifiers[${i}]`]);
			if (fields.length !== 1) return upload('INVALID_USER_IDENTIFIER', 'Each user identifier must set exactly one field.', [`user_identifiers[${i}]`]);
			if (!SHA256_HEX.test(String(identifier[fields[0]]))) {
				return upload('INVALID_USER_IDENTIFIER', `The ${snake(fields[0])} is not a SHA-256 hex digest of the normalised value.`, [`user_identifiers[${i}]`, snake(fields[0])]);
			}
		}
		return undefined;
	}

	// -- Customer Match jobs -----------------------------------------------------------------------

	private createJob(req: SandboxRequest, customerId: string): SandboxResponse {
		const version = req.params.version;
		const body = this.body(req);
		const job = body.job as Record<string, unknown> | undefined;
		const fail = (kind: string, code: string, message: string, field: string[]) =>
			this.invalidArgument([{ errorCode: { [kind]: code }, message, location: { fieldPathElements: field.map((fieldName) => ({ fieldName })) } }], version);
		if (!job || job.type !== 'CUSTOMER_MATCH_USER_LIST') {
			throw fail('offlineUserDataJobError', 'INVALID_JOB_TYPE', 'This sandbox serves Customer Match jobs: job.type must be CUSTOMER_MATCH_USER_LIST.', ['job', 'type']);
		}
		const metadata = job.customerMatchUserListMetadata as Record<string, unknown> | undefined;
		const userList = text(metadata?.userList);
		if (!userList || !this.userLists.has(userList) || !userList.startsWith(`customers/${customerId}/`)) {
			throw fail('offlineUserDataJobError', 'INVALID_USER_LIST_ID', `The user list ${userList ?? '(none)'} does not exist in this account.`, ['job', 'customer_match_user_list_metadata', 'user_list']);
		}
		const id = String(this.nextJobId++);
		const resourceName = `customers/${customerId}/offlineUserDataJobs/${id}`;
		if (body.validateOnly !== true) {
			this.jobs.set(resourceName, {
				resourceName,
				id,
				customerId,
				type: 'CUSTOMER_MATCH_USER_LIST',
				status: 'PENDING',
				userList,
				consent: metadata?.consent as Record<string, string> | undefined,
				operations: [],
				addOperationsCalls: 0,
				pollsLeft: this.pollsUntilDone,
			});
		}
		return { body: { resourceName } };
	}

	private addOperations(req: SandboxRequest, job: OfflineUserDataJob): SandboxResponse {
		const version = req.params.version;
		const body = this.body(req);
		if (job.status !== 'PENDING') {
			throw this.invalidArgument([{ errorCode: { offlineUserDataJobError: 'INVALID_JOB_STATUS' }, message: `Operations can only be added to a PENDING job; this one is ${job.status}.` }], version);
		}
		const operations = Array.isArray(body.operations) ? (body.operations as Array<Record<string, unknown>>) : [];
		if (!operations.length) {
			throw this.invalidArgument([{ errorCode: { fieldError: 'REQUIRED' }, message: 'The required field was not present.', location: { fieldPathElements: [{ fieldName: 'operations' }] } }], version);
		}
		const total = operations.reduce((sum, op) => sum + (((op.create ?? op.remove) as { userIdentifiers?: unknown[] } | undefined)?.userIdentifiers?.length ?? 0), 0);
		if (total > MAX_IDENTIFIERS_PER_REQUEST) {
			throw this.invalidArgument([
				{ errorCode: { offlineUserDataJobError: 'TOO_MANY_USER_IDENTIFIERS' }, message: `Maximum number of user identifiers allowed per request is ${MAX_IDENTIFIERS_PER_REQUEST} and per operation is ${MAX_IDENTIFIERS_PER_OPERATION}.` },
			], version);
		}
		const errors: GoogleAdsErrorEntry[] = [];
		const accepted: OfflineUserDataJob['operations'] = [];
		operations.forEach((op, index) => {
			const problem = this.checkOperation(op);
			if (problem) {
				errors.push({
					errorCode: { [problem.kind]: problem.code },
					message: problem.message,
					location: { fieldPathElements: [{ fieldName: 'operations', index }, ...problem.field.map((fieldName) => ({ fieldName }))] },
				});
				return;
			}
			const kind = op.removeAll ? 'removeAll' : op.create ? 'create' : 'remove';
			const data = (op.create ?? op.remove ?? {}) as { userIdentifiers?: Array<Record<string, unknown>>; consent?: Record<string, string> };
			accepted.push({ kind, userIdentifiers: data.userIdentifiers ?? [], ...(data.consent ? { consent: data.consent } : {}) });
		});
		if (errors.length && body.enablePartialFailure !== true) throw this.invalidArgument(errors, version);
		if (body.validateOnly !== true) {
			job.operations.push(...accepted);
			job.addOperationsCalls++;
		}
		return { body: errors.length ? { partialFailureError: this.partialFailure(errors, version) } : {} };
	}

	private checkOperation(op: Record<string, unknown>): RowError | undefined {
		const jobError = (code: string, message: string, field: string[]): RowError => ({ kind: 'offlineUserDataJobError', code, message, field });
		const present = ['create', 'remove', 'removeAll'].filter((k) => op[k] !== undefined);
		if (present.length !== 1) return { kind: 'fieldError', code: 'REQUIRED', message: 'Each operation sets exactly one of create, remove or remove_all.', field: [] };
		if (op.removeAll !== undefined) return undefined;
		const side = present[0];
		const data = op[side] as { userIdentifiers?: Array<Record<string, unknown>> };
		const identifiers = data?.userIdentifiers ?? [];
		if (!identifiers.length) return { kind: 'fieldError', code: 'REQUIRED', message: 'The required field was not present.', field: [side, 'user_identifiers'] };
		if (identifiers.length > MAX_IDENTIFIERS_PER_OPERATION) {
			return jobError('TOO_MANY_USER_IDENTIFIERS', `Maximum number of user identifiers allowed per request is ${MAX_IDENTIFIERS_PER_REQUEST} and per operation is ${MAX_IDENTIFIERS_PER_OPERATION}.`, [side, 'user_identifiers']);
		}
		for (const [i, identifier] of identifiers.entries()) {
			const at = [side, `user_identifiers[${i}]`];
			const keys = Object.keys(identifier).filter((k) => k !== 'userIdentifierSource');
			if (keys.length !== 1) return jobError('INVALID_USER_IDENTIFIER', 'Each user identifier sets exactly one field.', at);
			const key = keys[0];
			if (key === 'hashedEmail' || key === 'hashedPhoneNumber') {
				if (!SHA256_HEX.test(String(identifier[key]))) return jobError('INVALID_SHA256_FORMAT', 'The SHA256 encoded value is malformed.', [...at, snake(key)]);
			} else if (key === 'addressInfo') {
				const address = identifier.addressInfo as Record<string, unknown>;
				const missing = ['hashedFirstName', 'hashedLastName', 'countryCode', 'postalCode'].filter((k) => !text(address?.[k]));
				if (missing.length) return jobError('INCOMPLETE_ADDRESS_INFO', `An address needs hashed_first_name, hashed_last_name, country_code and postal_code; missing ${missing.map(snake).join(', ')}.`, [...at, 'address_info']);
				for (const k of ['hashedFirstName', 'hashedLastName']) {
					if (!SHA256_HEX.test(String(address[k]))) return jobError('INVALID_SHA256_FORMAT', 'The SHA256 encoded value is malformed.', [...at, 'address_info', snake(k)]);
				}
			} else if (key !== 'mobileId' && key !== 'thirdPartyUserId') {
				return jobError('INVALID_USER_IDENTIFIER', `Unknown user identifier ${snake(key)}.`, at);
			}
		}
		return undefined;
	}

	private runJob(req: SandboxRequest, job: OfflineUserDataJob): SandboxResponse {
		if (job.status !== 'PENDING') {
			throw this.invalidArgument([{ errorCode: { offlineUserDataJobError: 'INVALID_JOB_STATUS' }, message: `Only a PENDING job can be run; this one is ${job.status}.` }], req.params.version);
		}
		job.status = 'RUNNING';
		return { body: { name: this.operationName(job) } };
	}

	private operationName(job: OfflineUserDataJob): string {
		return `customers/${job.customerId}/operations/${job.id}`;
	}

	/** A status read moves a running job on: after `pollsUntilDone` reads it is done. */
	private progress(job: OfflineUserDataJob): void {
		if (job.status !== 'RUNNING') return;
		job.pollsLeft--;
		if (job.pollsLeft <= 0) {
			job.status = job.failWith ? 'FAILED' : 'SUCCESS';
			if (job.failWith) job.failureReason = job.failWith;
		}
	}

	private getOperation(req: SandboxRequest): SandboxResponse {
		const job = [...this.jobs.values()].find((j) => j.customerId === req.params.customerId && j.id === req.params.operationId);
		if (!job || job.status === 'PENDING') {
			throw new SandboxHttpError(404, { error: { code: 404, message: 'Operation not found.', status: 'NOT_FOUND' } });
		}
		this.progress(job);
		const done = job.status === 'SUCCESS' || job.status === 'FAILED';
		return {
			body: {
				name: this.operationName(job),
				metadata: { '@type': `type.googleapis.com/google.ads.googleads.${req.params.version}.resources.OfflineUserDataJobMetadata` },
				done,
				...(done
					? job.status === 'SUCCESS'
						? { response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } }
						: { error: { code: 13, message: `The job failed: ${job.failureReason}` } }
					: {}),
			},
		};
	}

	/** GAQL, only as far as reading offline user data jobs goes. */
	private search(req: SandboxRequest, customerId: string): SandboxResponse {
		const body = this.body(req);
		const query = String(body.query ?? '');
		const from = /\bFROM\s+(\w+)/i.exec(query)?.[1];
		if (from !== 'offline_user_data_job') {
			throw this.invalidArgument([{ errorCode: { queryError: 'EXPECTED_FROM' }, message: 'This sandbox answers GAQL queries FROM offline_user_data_job only.' }], req.params.version);
		}
		const byName = /offline_user_data_job\.resource_name\s*=\s*'([^']+)'/.exec(query)?.[1];
		const byId = /offline_user_data_job\.id\s*=\s*(\d+)/.exec(query)?.[1];
		const jobs = [...this.jobs.values()].filter((j) => j.customerId === customerId && (!byName || j.resourceName === byName) && (!byId || j.id === byId));
		for (const job of jobs) this.progress(job);
		return {
			body: {
				results: jobs.map((job) => ({
					offlineUserDataJob: {
						resourceName: job.resourceName,
						id: job.id,
						type: job.type,
						status: job.status,
						...(job.failureReason ? { failureReason: job.failureReason } : {}),
						customerMatchUserListMetadata: { userList: job.userList },
					},
				})),
				fieldMask: 'offlineUserDataJob.resourceName,offlineUserDataJob.id,offlineUserDataJob.type,offlineUserDataJob.status,offlineUserDataJob.failureReason',
				requestId: this.requestId(),
			},
		};
	}
}

/** SHA-256 hex, for tests that register leads by their hashed identifiers. */
export function sandboxSha256(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex');
}
