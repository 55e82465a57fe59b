/**
 * The Google Ads API client every operation uses: the only code that talks to Google Ads
 * (reference/ads.md §3). Calls go through n8n's `httpRequestWithAuthentication` (lib/http
 * `requestWithRetry`: timeout, backoff, breaker); n8n's OAuth2 support signs them with the bearer
 * token and refreshes it when Google answers 401. This file adds the Google Ads headers
 * (`login-customer-id`, `developer-token`) and turns Google's errors — `{error:{code, message, status,
 * details:[{@type: …GoogleAdsFailure, errors:[{errorCode:{<kind>: CODE}, message, location}]}]}}`,
 * also used inside `partialFailureError` — into sentences that name the field and Google's code.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions, type IHttpRequestMethods, type JsonObject } from 'n8n-workflow';

import { GOOGLE_ADS_DEFAULT_VERSION, googleAdsApiRoot } from '../../../credentials/GoogleAdsConversionsOAuth2Api.credentials';
import { attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const GOOGLE_ADS_CREDENTIAL = 'googleAdsConversionsOAuth2Api';

/** One error Google reported: its code, message and where (row index and field), flattened. */
export interface GoogleAdsErrorDetail {
	/** The error's family, e.g. "conversionUploadError". */
	kind: string;
	/** Google's code, e.g. "TOO_RECENT_EVENT". */
	code: string;
	message: string;
	/** Index into the request's list (conversions[i], operations[i]), when located. */
	index?: number;
	/** The field inside that row, in Google's words: "gclid", "conversion_date_time". */
	field?: string;
	trigger?: string;
}

/** What to do about the codes operations staff meet most; the rest carry Google's own message. */
export const GOOGLE_ADS_ERROR_ADVICE: Readonly<Record<string, string>> = {
	TOO_RECENT_EVENT: 'the click is less than 6 hours old; send this conversion again later',
	TOO_RECENT_CONVERSION_ACTION: 'the conversion action was created less than 6 hours ago; send again later',
	EXPIRED_EVENT: "the click is older than the conversion action's click-through window; it cannot be imported",
	CONVERSION_PRECEDES_EVENT: 'the conversion time is before the click; check the time and its time zone',
	UNPARSEABLE_GCLID: 'the GCLID is not one Google issued; send it exactly as captured (case-sensitive, unaltered)',
	UNPARSEABLE_GBRAID: 'the GBRAID is not one Google issued; send it exactly as captured',
	UNPARSEABLE_WBRAID: 'the WBRAID is not one Google issued; send it exactly as captured',
	EVENT_NOT_FOUND: 'Google has no click with this id in this account',
	INVALID_CUSTOMER_FOR_CLICK: 'the click belongs to another Google Ads account; check Customer ID',
	GBRAID_WBRAID_BOTH_SET: 'send only one of GBRAID and WBRAID',
	NO_CONVERSION_ACTION_FOUND: 'the conversion action does not exist in this account; check Conversion Action',
	INVALID_CONVERSION_ACTION_TYPE: 'the conversion action must be an offline "Import from clicks" (UPLOAD_CLICKS) action',
	ORDER_ID_ALREADY_IN_USE: 'a conversion with this order id was already imported for this action',
	DUPLICATE_ORDER_ID: 'two rows of this upload share the order id',
	CLICK_NOT_FOUND: 'Google found no click for these identifiers; Google says this can be ignored',
	CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS: 'accept the customer data terms in Google Ads (Goals → Settings) before sending identifiers',
	CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS: 'turn on enhanced conversions for leads in Google Ads (Goals → Settings)',
	INVALID_USER_IDENTIFIER: 'an identifier is not a SHA-256 hex digest of the normalised value',
	ORDER_ID_CONTAINS_PII: 'the order id looks like personal data (an e-mail or phone); use an opaque id',
	PARTIAL_FAILURE_MODE_REQUIRED: 'Google requires partial failure mode for this call',
	TOO_MANY_CONVERSIONS_IN_REQUEST: 'lower Batch Size to 2000 or fewer',
	INVALID_SHA256_FORMAT: 'an identifier is not a SHA-256 hex digest',
	TOO_MANY_USER_IDENTIFIERS: 'too many identifiers in one request or operation; lower Identifiers per Request',
	USER_PERMISSION_DENIED: "the signed-in user cannot reach this account; set Login Customer ID in the credential to the manager account's id",
	OAUTH_TOKEN_EXPIRED: 'the access token expired and could not be refreshed; reconnect the credential',
	OAUTH_TOKEN_INVALID: 'the access token was refused; reconnect the credential',
};

function asObject(value: unknown): Record<string, unknown> | undefined {
	let parsed = value;
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed) as unknown;
		} catch {
			return undefined;
		}
	}
	return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** The errors of a google.rpc.Status (a top-level `error` or a `partialFailureError`), flattened. */
export function googleAdsErrorsOf(status: unknown): GoogleAdsErrorDetail[] {
	const object = asObject(status);
	const rpc = asObject(object?.error) ?? object;
	const details = Array.isArray(rpc?.details) ? (rpc.details as unknown[]) : [];
	const out: GoogleAdsErrorDetail[] = [];
	for (const detail of details) {
		const errors = asObject(detail)?.errors;
		if (!Array.isArray(errors)) continue;
		for (const entry of errors as Array<Record<string, unknown>>) {
			const [kind, code] = Object.entries(asObject(entry.errorCode) ?? {})[0] ?? ['unknown', 'UNKNOWN'];
			const path = (asObject(entry.location)?.fieldPathElements ?? []) as Array<{ fieldName?: string; index?: number }>;
			const rowAt = path.findIndex((p) => p.index !== undefined && (p.fieldName === 'conversions' || p.fieldName === 'operations'));
			const fieldPath = path.slice(rowAt + 1).map((p) => (p.index === undefined ? p.fieldName : `${p.fieldName}[${p.index}]`));
			out.push({
				kind,
				code: String(code),
				message: String(entry.message ?? ''),
				...(rowAt >= 0 ? { index: Number(path[rowAt].index) } : {}),
				...(fieldPath.length ? { field: fieldPath.join('.') } : {}),
				...(asObject(entry.trigger)?.stringValue !== undefined ? { trigger: String(asObject(entry.trigger)?.stringValue) } : {}),
			});
		}
	}
	return out;
}

/** `"gclid": TOO_RECENT_EVENT — the click is less than 6 hours old; …` */
export function describeGoogleAdsError(error: GoogleAdsErrorDetail): string {
	const advice = GOOGLE_ADS_ERROR_ADVICE[error.code];
	return `${error.field ? `"${error.field}": ` : ''}${error.code} — ${advice ?? error.message}${advice && error.message ? ` (Google: ${error.message})` : ''}`;
}

/** Google Ads refused a call as a whole: the message says what, why and Google's codes. */
export class GoogleAdsApiError extends NodeApiError {
	readonly statusCode?: number;
	readonly errors: GoogleAdsErrorDetail[];

	constructor(ctx: IExecuteFunctions, action: string, statusCode: number | undefined, body: unknown) {
		const errors = googleAdsErrorsOf(body);
		const rpc = asObject(asObject(body)?.error);
		const status = typeof rpc?.status === 'string' ? rpc.status : undefined;
		const reason =
			statusCode === 401
				? 'Google refused the sign-in (reconnect the Google Ads Conversions credential)'
				: statusCode === 403
					? 'access was denied (check Login Customer ID in the credential and the Customer ID)'
					: `it answered HTTP ${statusCode ?? 'error'}${status ? ` ${status}` : ''}`;
		const detail = errors.length ? errors.map(describeGoogleAdsError).join('; ') : typeof rpc?.message === 'string' ? rpc.message : '';
		super(ctx.getNode(), {} as JsonObject, {
			message: `Google Ads could not ${action}: ${reason}${detail ? ` (${detail})` : ''}`,
			httpCode: statusCode === undefined ? undefined : String(statusCode),
		});
		this.name = 'NodeApiError';
		this.statusCode = statusCode;
		this.errors = errors;
	}
}

export interface GoogleAdsSettings {
	root: string;
	version: string;
	headers: Record<string, string>;
}

async function settingsOf(ctx: IExecuteFunctions): Promise<GoogleAdsSettings> {
	const credentials = await ctx.getCredentials(GOOGLE_ADS_CREDENTIAL);
	const headers: Record<string, string> = {};
	const login = String(credentials.loginCustomerId ?? '').replace(/[\s-]/g, '');
	if (login) headers['login-customer-id'] = login;
	const developerToken = String(credentials.developerToken ?? '').trim();
	if (developerToken) headers['developer-token'] = developerToken;
	const version = String(credentials.apiVersion ?? '').trim() || GOOGLE_ADS_DEFAULT_VERSION;
	return { root: googleAdsApiRoot(credentials), version, headers };
}

/**
 * One call to `/{version}/{path}`. `action` completes "Google Ads could not …". `idempotent` says
 * whether sending the same call twice is harmless.
 */
export async function googleAdsRequest<T = IDataObject>(
	ctx: IExecuteFunctions,
	method: IHttpRequestMethods,
	path: string,
	body: IDataObject | undefined,
	action: string,
	options: { policy?: RetryPolicy; idempotent: boolean },
): Promise<T> {
	const { root, version, headers } = await settingsOf(ctx);
	const sent = await attemptAsync(
		async () =>
			(await requestWithRetry.call(
				ctx,
				GOOGLE_ADS_CREDENTIAL,
				{
					method,
					url: `${root}/${version}/${path}`,
					headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
					...(body ? { body } : {}),
					json: true,
					idempotent: options.idempotent,
					serviceName: 'Google Ads',
				},
				options.policy ?? DEFAULT_RETRY_POLICY,
			)) as T,
	);
	if (sent.ok) return sent.value;
	const error = sent.error;
	if (error instanceof HttpCallError && error.reason === 'rejected') throw new GoogleAdsApiError(ctx, action, error.statusCode, error.responseBody);
	// n8n's OAuth2 helper throws its own error when the resend after a token refresh is refused again.
	const httpCode = Number((error as { httpCode?: unknown }).httpCode);
	if (!(error instanceof HttpCallError) && (httpCode === 401 || httpCode === 403)) {
		throw new GoogleAdsApiError(ctx, action, httpCode, (error as { context?: { data?: unknown } }).context?.data);
	}
	// n8n's OAuth2 client throws a plain error when the token endpoint refuses the refresh token.
	if (!(error instanceof HttpCallError) && /refresh token|authorization grant|invalid_grant/i.test(error.message)) {
		throw new NodeApiError(ctx.getNode(), {} as JsonObject, {
			message: `Google Ads could not ${action}: Google no longer accepts the credential's refresh token (revoked, expired or issued to another client); reconnect the Google Ads Conversions credential`,
			description: error.message,
		});
	}
	throw error;
}
