/**
 * The Meta Graph API client every operation uses: the only code that talks to Meta
 * (reference/ads.md §1, §2). Calls go through n8n's `httpRequestWithAuthentication` (lib/http
 * `requestWithRetry`: timeout, backoff, Retry-After, breaker); the credential puts the access token
 * in the body.
 *
 * Meta answers throttling with HTTP 400 and an error code (17 "User request limit reached", 613
 * too many calls from an ad account, 80003 too many calls to an ad account on Custom Audiences;
 * also the Graph-wide 4, 32 and 80004), which the generic retry cannot tell from a bad request. So
 * this client reads Meta's error and retries throttling itself with the same backoff policy.
 * Every other refusal becomes a sentence with Meta's code and what to fix.
 *
 * Every call is safe to send twice, so lost answers are retried: events carry event_id (Meta keeps
 * one per event_name + event_id), audience add/remove are set operations, and a replace batch is
 * resent with the same session_id and batch_seq.
 */
import { NodeApiError, sleep, type IDataObject, type IExecuteFunctions, type IHttpRequestMethods, type JsonObject } from 'n8n-workflow';

import { metaApiVersion, metaGraphBaseUrl } from '../../../credentials/MetaConversionsApi.credentials';
import { attemptAsync } from '../../../lib/errors';
import { backoffDelayMs, HttpCallError, requestWithRetry } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const META_CREDENTIAL = 'metaConversionsApi';

/** Graph error codes that mean "slow down" (reference/ads.md §1.6, §2; 4/32/80004 Graph-wide). */
export const META_THROTTLING_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80003, 80004]);

export interface MetaGraphErrorBody {
	message?: string;
	type?: string;
	code?: number;
	error_subcode?: number;
	error_user_title?: string;
	error_user_msg?: string;
	fbtrace_id?: string;
}

/** `{"error": {...}}` → the error object; other bodies give undefined. */
export function graphErrorOf(body: unknown): MetaGraphErrorBody | undefined {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return undefined;
		}
	}
	const error = (value as { error?: unknown } | null)?.error;
	return typeof error === 'object' && error !== null ? (error as MetaGraphErrorBody) : undefined;
}

/** What to do about a Meta error, for operations staff. */
export function fixFor(error: MetaGraphErrorBody): string {
	const code = error.code;
	if (code !== undefined && META_THROTTLING_CODES.has(code)) {
		return 'Meta is limiting calls for this app or ad account. The node retried with backoff; run it again later, or raise Max Attempts / Max Delay under Retry and Timeout.';
	}
	if (error.error_subcode === 1713230) {
		return 'Meta flagged this audience (operation_status 471). Resolve it in Audience Manager or create a new audience whose name and contents do not imply financial status.';
	}
	switch (code) {
		case 190:
		case 102:
		case 104:
			return 'The access token is missing, expired or revoked. Generate a new System User token and update Access Token in the Meta Conversions credential.';
		case 10:
		case 200:
		case 294:
			return 'The token lacks a permission: give its system user access to the pixel or the ad account (ads_management) in Business Settings.';
		case 2635:
			return 'This API version is no longer served. Set API Version in the Meta Conversions credential to v25.0.';
		case 368:
			return 'Meta blocked the action as against its policies; review the account in Business Support Home.';
		case 2650:
			return 'Meta could not update the audience. If a replace is still in progress, wait for it to finish (or 90 minutes) and run again.';
		case 100:
			return error.error_user_msg
				? 'Correct the field Meta names above. The node checks each item before sending, so this usually means the Pixel ID, Audience ID or a setting is wrong.'
				: 'Check the Pixel ID or Audience ID and the node settings.';
		default:
			return 'See the fbtrace_id in Meta\'s Events Manager diagnostics or give it to Meta support.';
	}
}

/** Meta refused a call: the message says what and why; `graphError` is Meta's own. */
export class MetaApiError extends NodeApiError {
	readonly statusCode?: number;
	readonly graphError: MetaGraphErrorBody;
	readonly throttled: boolean;

	constructor(ctx: IExecuteFunctions, action: string, statusCode: number | undefined, graphError: MetaGraphErrorBody, attempts = 1) {
		const detail = [graphError.error_user_title, graphError.error_user_msg].filter(Boolean).join(': ');
		const ids = [
			graphError.code === undefined ? '' : `code ${graphError.code}`,
			graphError.error_subcode === undefined ? '' : `subcode ${graphError.error_subcode}`,
			graphError.fbtrace_id ? `fbtrace_id ${graphError.fbtrace_id}` : '',
		]
			.filter(Boolean)
			.join(', ');
		const throttled = graphError.code !== undefined && META_THROTTLING_CODES.has(graphError.code);
		const tries = throttled && attempts > 1 ? ` after ${attempts} tries` : '';
		// An empty response object: n8n would otherwise copy Meta's text in again as ours.
		super(ctx.getNode(), {} as JsonObject, {
			message: `Meta could not ${action}${tries}: ${graphError.message ?? `HTTP ${statusCode}`}${detail ? ` — ${detail}` : ''}${ids ? ` (${ids})` : ''}`,
			description: fixFor(graphError),
			httpCode: statusCode === undefined ? undefined : String(statusCode),
		});
		this.name = 'NodeApiError';
		this.statusCode = statusCode;
		this.graphError = graphError;
		this.throttled = throttled;
	}
}

export interface MetaContext {
	baseUrl: string;
	version: string;
	pixelId: string;
	adAccountId: string;
	testEventCode: string;
}

export async function metaContextOf(ctx: IExecuteFunctions): Promise<MetaContext> {
	const credentials = await ctx.getCredentials(META_CREDENTIAL);
	return {
		baseUrl: metaGraphBaseUrl(credentials),
		version: metaApiVersion(credentials),
		pixelId: String(credentials.pixelId ?? '').trim(),
		adAccountId: String(credentials.adAccountId ?? '').trim(),
		testEventCode: String(credentials.testEventCode ?? '').trim(),
	};
}

/** Seams for tests. */
export interface MetaRequestDeps {
	random?: () => number;
	wait?: (ms: number) => Promise<void>;
}

/**
 * One Graph call. `path` is below the version ("/123/events"); `action` completes "Meta could
 * not …". Throttling answers are retried up to the policy's Max Attempts with its backoff.
 */
export async function metaRequest<T = IDataObject>(
	ctx: IExecuteFunctions,
	meta: MetaContext,
	request: { method: IHttpRequestMethods; path: string; body?: IDataObject },
	action: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	deps: MetaRequestDeps = {},
): Promise<T> {
	const url = `${meta.baseUrl}/${meta.version}${request.path}`;
	const wait = deps.wait ?? (async (ms: number) => await sleep(ms));
	for (let attempt = 1; ; attempt++) {
		const sent = await attemptAsync(
			async () =>
				(await requestWithRetry.call(
					ctx,
					META_CREDENTIAL,
					{ method: request.method, url, body: request.body ?? {}, json: true, idempotent: true, serviceName: 'Meta' },
					policy,
				)) as T,
		);
		if (sent.ok) return sent.value;
		const error = sent.error;
		if (!(error instanceof HttpCallError) || error.reason !== 'rejected') throw error;
		const graphError = graphErrorOf(error.responseBody) ?? { message: error.message };
		const throttled = graphError.code !== undefined && META_THROTTLING_CODES.has(graphError.code);
		if (throttled && attempt < policy.maxAttempts) {
			await wait(Math.max(backoffDelayMs(attempt, policy, deps.random), 1));
			continue;
		}
		throw new MetaApiError(ctx, action, error.statusCode, graphError, attempt);
	}
}
