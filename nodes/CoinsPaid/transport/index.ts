/**
 * The CoinsPaid API v2 client every operation uses: the only code that talks to CoinsPaid
 * (reference/psp_kyc.md §4a). Calls are POSTs with a JSON body, sent through n8n's
 * `httpRequestWithAuthentication` (lib/http `requestWithRetry`: timeout, backoff, breaker); the
 * credential's `authenticate` signs the body. CoinsPaid's refusals (`{"errors": {field: message}}`)
 * become sentences here that name the field.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { coinsPaidBaseUrl } from '../../../credentials/CoinsPaidApi.credentials';
import { attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry, type RetryHooks } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const COINSPAID_CREDENTIAL = 'coinsPaidApi';

/** CoinsPaid refused a call: the message says what and why; `fieldErrors` are CoinsPaid's own. */
export class CoinsPaidApiError extends NodeApiError {
	readonly statusCode?: number;
	readonly fieldErrors: Record<string, string>;

	constructor(ctx: IExecuteFunctions, action: string, statusCode: number | undefined, fieldErrors: Record<string, string>) {
		const vendor = Object.entries(fieldErrors)
			.map(([field, message]) => `${field}: ${message}`)
			.join('; ');
		const reason =
			statusCode === 401
				? 'the public key was refused (check Public Key and Environment in the CoinsPaid credential)'
				: statusCode === 403
					? 'the signature was refused (check Secret Key in the CoinsPaid credential)'
					: statusCode === undefined
						? 'it refused the request'
						: `it answered HTTP ${statusCode}`;
		// An empty response object: n8n would otherwise copy CoinsPaid's text in again as ours.
		super(ctx.getNode(), {} as JsonObject, {
			message: `CoinsPaid could not ${action}: ${reason}${vendor ? ` (${vendor})` : ''}`,
			httpCode: statusCode === undefined ? undefined : String(statusCode),
		});
		this.name = 'NodeApiError';
		this.statusCode = statusCode;
		this.fieldErrors = fieldErrors;
	}
}

/** `{"errors": {"foreign_id": "…"}}` → { foreign_id: "…" }; other bodies give {}. */
export function fieldErrorsOf(body: unknown): Record<string, string> {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return {};
		}
	}
	const errors = (value as { errors?: unknown } | null)?.errors;
	if (typeof errors !== 'object' || errors === null) return {};
	const out: Record<string, string> = {};
	for (const [field, message] of Object.entries(errors as Record<string, unknown>)) {
		out[field] = Array.isArray(message) ? message.map(String).join(' ') : String(message);
	}
	return out;
}

export async function coinsPaidBaseUrlOf(ctx: IExecuteFunctions): Promise<string> {
	return coinsPaidBaseUrl(await ctx.getCredentials(COINSPAID_CREDENTIAL));
}

/**
 * One signed POST. `action` completes "CoinsPaid could not …". `idempotent` says whether sending
 * the same body twice is harmless (a read, or a withdrawal whose foreign_id CoinsPaid refuses the
 * second time).
 */
export async function coinsPaidRequest<T = IDataObject>(
	ctx: IExecuteFunctions,
	path: string,
	body: IDataObject,
	action: string,
	options: { policy?: RetryPolicy; idempotent: boolean; hooks?: RetryHooks<T> },
): Promise<T> {
	const baseUrl = await coinsPaidBaseUrlOf(ctx);
	const sent = await attemptAsync(
		async () =>
			(await requestWithRetry.call(
				ctx,
				COINSPAID_CREDENTIAL,
				{ method: 'POST', url: `${baseUrl}${path}`, body, json: true, idempotent: options.idempotent, serviceName: 'CoinsPaid' },
				options.policy ?? DEFAULT_RETRY_POLICY,
				options.hooks ?? {},
			)) as T,
	);
	if (sent.ok) return sent.value;
	const error = sent.error;
	if (error instanceof HttpCallError && error.reason === 'rejected') {
		throw new CoinsPaidApiError(ctx, action, error.statusCode, fieldErrorsOf(error.responseBody));
	}
	throw error;
}
