/**
 * The Sumsub API client every operation uses: the only code that talks to Sumsub
 * (reference/psp_kyc.md §6). Calls go through n8n's `httpRequestWithAuthentication` (lib/http
 * `requestWithRetry`: timeout, backoff, Retry-After, breaker); the credential's `authenticate`
 * signs each try (X-App-Access-Sig over ts + METHOD + path?query + body). Sumsub's refusals
 * (`{description, code, correlationId, errorCode?, errorName?}`) become sentences here that say what
 * to fix.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { sumsubBaseUrl } from '../../../credentials/SumsubApi.credentials';
import { attempt, attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry, type RetryHooks } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const SUMSUB_CREDENTIAL = 'sumsubApi';

/** Sumsub's error body (docs.sumsub.com/reference/error-codes-description; thrownew/go-sumsub respError). */
export interface SumsubErrorBody {
	description?: string;
	code?: number;
	correlationId?: string;
	errorCode?: number;
	errorName?: string;
}

/** What to do about a refusal, by HTTP status, for operations staff. */
const ADVICE: Record<number, string> = {
	400: 'Correct the value Sumsub names and run it again.',
	401: 'Check App Token and Secret Key in the Sumsub credential (a sandbox token starts with sbx:, a production one with prd:) and that this server’s clock is right: Sumsub refuses requests signed more than 60 seconds off its own clock.',
	403: 'The app token may not do this: give it the permission in the Sumsub dashboard, or use the sandbox for sandbox-only operations.',
	404: 'Check the applicant ID, external user ID or level name: Sumsub does not know it.',
	409: 'The applicant is not in a state that allows this now; read its status first.',
};

/** Sumsub refused a call: the message has Sumsub's own description; the fields keep its codes. */
export class SumsubApiError extends NodeApiError {
	readonly statusCode?: number;
	readonly sumsub: SumsubErrorBody;

	constructor(ctx: IExecuteFunctions, action: string, statusCode: number | undefined, body: SumsubErrorBody, itemIndex?: number) {
		const vendor = body.description ? `: ${body.description}` : '';
		const codes = [statusCode === undefined ? undefined : `HTTP ${statusCode}`, body.errorCode === undefined ? undefined : `errorCode ${body.errorCode}`, body.errorName]
			.filter(Boolean)
			.join(', ');
		// An empty response object: n8n would otherwise copy Sumsub's text in again as ours.
		super(ctx.getNode(), {} as JsonObject, {
			message: `Sumsub could not ${action}${vendor}${codes ? ` (${codes})` : ''}`,
			description: [statusCode === undefined ? undefined : ADVICE[statusCode], body.correlationId ? `Sumsub correlation ID for support: ${body.correlationId}.` : undefined]
				.filter(Boolean)
				.join(' ') || undefined,
			httpCode: statusCode === undefined ? undefined : String(statusCode),
			itemIndex,
		});
		this.name = 'NodeApiError';
		this.statusCode = statusCode;
		this.sumsub = body;
	}
}

/** Sumsub's error body from whatever the failed call left (object, JSON text or nothing). */
export function sumsubErrorOf(body: unknown): SumsubErrorBody {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		const text = value.trim();
		const parsed = attempt(() => JSON.parse(text) as unknown);
		if (!parsed.ok) return text ? { description: text.slice(0, 300) } : {};
		value = parsed.value;
	}
	if (typeof value !== 'object' || value === null) return {};
	const v = value as Record<string, unknown>;
	return {
		...(typeof v.description === 'string' ? { description: v.description } : {}),
		...(typeof v.code === 'number' ? { code: v.code } : {}),
		...(typeof v.correlationId === 'string' ? { correlationId: v.correlationId } : {}),
		...(typeof v.errorCode === 'number' ? { errorCode: v.errorCode } : {}),
		...(typeof v.errorName === 'string' ? { errorName: v.errorName } : {}),
	};
}

export interface SumsubCall {
	method: 'GET' | 'POST';
	/** Path and query, already encoded, e.g. "/resources/applicants?levelName=basic-kyc-level". */
	path: string;
	/** A JSON body, or the exact bytes of a multipart body (with `contentType`). */
	body?: IDataObject | Buffer;
	contentType?: string;
	headers?: Record<string, string>;
	/** Whether sending it twice does no harm. */
	idempotent: boolean;
	/** Completes "Sumsub could not …". */
	action: string;
	policy?: RetryPolicy;
	hooks?: RetryHooks<SumsubResponse>;
	itemIndex?: number;
}

export interface SumsubResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Path segment encoding for ids that come from users (external user ids may hold anything). */
export function segment(value: string): string {
	return encodeURIComponent(value);
}

/** One signed call; resolves with status, headers and the parsed body. */
export async function sumsubRequest(ctx: IExecuteFunctions, call: SumsubCall): Promise<SumsubResponse> {
	const baseUrl = sumsubBaseUrl(await ctx.getCredentials(SUMSUB_CREDENTIAL));
	const headers: Record<string, string> = { Accept: 'application/json', ...(call.headers ?? {}) };
	if (call.contentType) headers['Content-Type'] = call.contentType;
	const sent = await attemptAsync(
		async () =>
			(await requestWithRetry.call(
				ctx,
				SUMSUB_CREDENTIAL,
				{
					method: call.method,
					url: `${baseUrl}${call.path}`,
					headers,
					...(call.body === undefined ? {} : { body: call.body }),
					json: !Buffer.isBuffer(call.body),
					returnFullResponse: true,
					idempotent: call.idempotent,
					serviceName: 'Sumsub',
				},
				call.policy ?? DEFAULT_RETRY_POLICY,
				call.hooks ?? {},
			)) as SumsubResponse,
	);
	if (sent.ok) return { ...sent.value, body: parseBody(sent.value.body) };
	const error = sent.error;
	if (error instanceof HttpCallError && error.reason === 'rejected') {
		throw new SumsubApiError(ctx, call.action, error.statusCode, sumsubErrorOf(error.responseBody), call.itemIndex);
	}
	throw error;
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	const text = body;
	const parsed = attempt(() => JSON.parse(text) as unknown);
	return parsed.ok ? parsed.value : body;
}

/** The JSON object of an answer, or {} when Sumsub sent something else. */
export function objectOf(response: SumsubResponse): IDataObject {
	const { body } = response;
	return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : {};
}
