/**
 * The Onfido API v3.6 client: the only code that talks to Onfido (reference/psp_kyc.md §7). Calls
 * go through n8n's `httpRequestWithAuthentication` (lib/http `requestWithRetry`: timeout, backoff,
 * Retry-After, breaker); the credential adds `Authorization: Token token=…`. Onfido's refusals,
 * `{"error": {"type", "message", "fields"}}` (onfido-node docs/Error.md, ErrorProperties.md), become
 * sentences here that name Onfido's type and fields.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions, type IHttpRequestMethods, type IWebhookFunctions, type JsonObject } from 'n8n-workflow';

import { onfidoBaseUrl } from '../../../credentials/OnfidoApi.credentials';
import { attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const ONFIDO_CREDENTIAL = 'onfidoApi';

type OnfidoContext = IExecuteFunctions | IWebhookFunctions;

export interface OnfidoErrorBody {
	type?: string;
	message?: string;
	fields?: Record<string, unknown>;
}

/** `{"error": {...}}` from a string or object body; {} for anything else. */
export function onfidoErrorOf(body: unknown): OnfidoErrorBody {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return {};
		}
	}
	const error = (value as { error?: unknown } | null)?.error;
	return typeof error === 'object' && error !== null ? (error as OnfidoErrorBody) : {};
}

/** "first_name: can't be blank; location.country_of_residence: must be …" */
export function describeFields(fields: Record<string, unknown> | undefined): string {
	return Object.entries(fields ?? {})
		.map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.map(String).join(', ') : typeof messages === 'object' ? JSON.stringify(messages) : String(messages)}`)
		.join('; ');
}

/** Onfido refused a call: the message says what and why; `onfidoType` and `fields` are Onfido's own. */
export class OnfidoApiError extends NodeApiError {
	readonly statusCode?: number;
	readonly onfidoType?: string;
	readonly fields: Record<string, unknown>;

	constructor(ctx: OnfidoContext, action: string, statusCode: number | undefined, error: OnfidoErrorBody) {
		const reason =
			statusCode === 401
				? 'the API token was refused (check API Token and Region in the Onfido credential: a token only works in its own region)'
				: statusCode === 404
					? 'it does not know that ID'
					: statusCode === undefined
						? 'it refused the request'
						: `it answered HTTP ${statusCode}`;
		const fields = describeFields(error.fields);
		const detail = [error.type, error.message, fields].filter((part) => part !== undefined && part !== '').join(': ');
		super(ctx.getNode(), {} as JsonObject, {
			message: `Onfido could not ${action}: ${reason}${detail ? ` (${detail})` : ''}`,
			httpCode: statusCode === undefined ? undefined : String(statusCode),
		});
		// n8n-core and its editor recognise API errors by name.
		this.name = 'NodeApiError';
		this.statusCode = statusCode;
		this.onfidoType = error.type;
		this.fields = error.fields ?? {};
	}
}

export async function onfidoBaseUrlOf(ctx: OnfidoContext): Promise<string> {
	return onfidoBaseUrl(await ctx.getCredentials(ONFIDO_CREDENTIAL));
}

export interface OnfidoCall {
	method: IHttpRequestMethods;
	/** Below /v3.6, e.g. "/applicants". */
	path: string;
	qs?: IDataObject;
	/** JSON object, or a ready body (multipart Buffer) with its content type. */
	body?: IDataObject | { raw: Buffer; contentType: string };
	/** Completes "Onfido could not …". */
	action: string;
	/** Whether sending it twice is harmless; defaults by method (POST is not). */
	idempotent?: boolean;
	policy?: RetryPolicy;
}

export async function onfidoRequest<T = IDataObject>(ctx: OnfidoContext, call: OnfidoCall): Promise<T> {
	const baseUrl = await onfidoBaseUrlOf(ctx);
	const raw = call.body !== undefined && 'raw' in call.body && Buffer.isBuffer(call.body.raw) ? (call.body as { raw: Buffer; contentType: string }) : undefined;
	const sent = await attemptAsync(
		async () =>
			(await requestWithRetry.call(
				ctx,
				ONFIDO_CREDENTIAL,
				{
					method: call.method,
					url: `${baseUrl}${call.path}`,
					...(call.qs ? { qs: call.qs } : {}),
					...(raw
						? { body: raw.raw, headers: { 'Content-Type': raw.contentType, Accept: 'application/json' }, json: false }
						: call.body !== undefined
							? { body: call.body, json: true }
							: { json: true }),
					idempotent: call.idempotent,
					serviceName: 'Onfido',
				},
				call.policy ?? DEFAULT_RETRY_POLICY,
			)) as unknown,
	);
	if (sent.ok) {
		const value = sent.value;
		// A raw (multipart) request comes back as text: Onfido answers JSON either way.
		if (typeof value === 'string' && value.trim().startsWith('{')) return JSON.parse(value) as T;
		if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8')) as T;
		return value as T;
	}
	const error = sent.error;
	if (error instanceof HttpCallError && error.reason === 'rejected') {
		throw new OnfidoApiError(ctx, call.action, error.statusCode, onfidoErrorOf(error.responseBody));
	}
	throw error;
}

/** A check and its reports, read together (a check alone says only clear or consider). */
export async function fetchCheckWithReports(ctx: OnfidoContext, checkId: string, policy?: RetryPolicy): Promise<{ check: IDataObject; reports: IDataObject[] }> {
	const id = encodeURIComponent(checkId);
	const check = await onfidoRequest<IDataObject>(ctx, { method: 'GET', path: `/checks/${id}`, action: `read check ${checkId}`, policy });
	const list = await onfidoRequest<{ reports?: IDataObject[] }>(ctx, { method: 'GET', path: '/reports', qs: { check_id: checkId }, action: `read the reports of check ${checkId}`, policy });
	return { check, reports: list.reports ?? [] };
}

export async function fetchWorkflowRun(ctx: OnfidoContext, workflowRunId: string, policy?: RetryPolicy): Promise<IDataObject> {
	return await onfidoRequest<IDataObject>(ctx, { method: 'GET', path: `/workflow_runs/${encodeURIComponent(workflowRunId)}`, action: `read workflow run ${workflowRunId}`, policy });
}
