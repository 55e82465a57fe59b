/**
 * The cTrader broker WebServices client every operation and the trigger use: the only code that
 * talks to cTrader (reference/trading.md §3.1). Calls go through n8n's
 * `httpRequestWithAuthentication` (lib/http `requestWithRetry`: timeout, backoff, breaker); the
 * credential adds `?token=`. cTrader's error codes become sentences here, and vendor field names
 * go no further than this folder and the operations' mappers.
 *
 * The token. cTrader's token never expires but dies when the manager's password changes, and the
 * server then answers 403. n8n 2.8 fetches a new token by itself only after a 401
 * (n8n-core `httpRequestWithAuthentication` checks `error.response.status === 401`), so a 403
 * would otherwise fail every call until someone edits the credential. On a 403 this client sends
 * one request with the token field emptied, which makes n8n run the credential's
 * `preAuthentication` and store the new token with the credential (n8n's CredentialsHelper asks
 * for a token whenever that field is ""), then repeats the refused call once. A 403 means the call
 * was not processed, so repeating it is safe even for a balance change.
 */
import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { CTRADER_TOKEN_REFUSED } from '../../../credentials/CTraderApi.credentials';
import { forgetRunCredentials, runCredentials, runCredentialsDecrypted } from '../../../lib/credentials';
import { attempt, attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry, type HttpCallOptions, type RetryHooks } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';

export const CTRADER_CREDENTIAL = 'cTraderApi';

export type CTraderContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export interface CTraderCall {
	method?: Extract<IHttpRequestMethods, 'GET' | 'POST' | 'PATCH'>;
	/** From the base URL, e.g. "/webserv/traders/3100101". */
	path: string;
	query?: IDataObject;
	body?: IDataObject;
	/** The answer is CSV text (the position reports), not JSON. */
	csv?: boolean;
	/** Defaults by method (lib/http): GET is, POST and PATCH are not. */
	idempotent?: boolean;
}

export interface CTraderSettings {
	baseUrl: string;
	brokerName: string;
	managerLogin: string;
}

/** cTrader's error codes (WebServices "Error Codes" page) in words for operations staff. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
	NOT_ENOUGH_MONEY: 'there is not enough money on the account',
	TRADER_NOT_FOUND: 'there is no trader account with this login',
	TRADER_GROUP_NOT_FOUND: 'the trader group does not exist',
	CHANGE_BALANCE_BAD_AMOUNT: 'the amount is not valid for this account',
	CH_PLANT_INVALID: 'the broker name is not known on this server (check Broker Name in the cTrader credential)',
	CH_CLIENT_AUTH_FAILURE: 'the manager token or password was refused (check Manager Login and Password in the cTrader credential)',
	INVALID_REQUEST: 'the request was refused as invalid',
	WRONG_PASSWORD: 'the password is wrong',
};

/** cTrader refused a call: the message says what and why; `errorCode` is cTrader's own code. */
export class CTraderApiError extends NodeApiError {
	readonly errorCode?: string;
	readonly statusCode?: number;
	/** cTrader's own description of the refusal, as sent. */
	readonly vendorDescription?: string;

	constructor(ctx: CTraderContext, action: string, details: { statusCode?: number; errorCode?: string; description?: string }) {
		const words = details.errorCode ? ERROR_WORDS[details.errorCode] : undefined;
		const reason = words ?? (details.statusCode ? `it answered HTTP ${details.statusCode}` : 'it refused the request');
		const vendor = [details.errorCode, details.description].filter(Boolean).join(': ');
		// An empty response object: n8n would otherwise copy cTrader's description in again as ours.
		super(ctx.getNode(), {} as JsonObject, {
			message: `cTrader could not ${action}: ${reason}${vendor ? ` (${vendor})` : ''}`,
			httpCode: details.statusCode === undefined ? undefined : String(details.statusCode),
		});
		// n8n-core and its editor recognise API errors by name.
		this.name = 'NodeApiError';
		this.errorCode = details.errorCode;
		this.statusCode = details.statusCode;
		this.vendorDescription = details.description;
	}
}

export async function cTraderSettings(ctx: CTraderContext): Promise<CTraderSettings> {
	const credentials = await runCredentials(ctx, CTRADER_CREDENTIAL);
	return {
		baseUrl: String(credentials.baseUrl ?? '').trim().replace(/\/+$/, ''),
		brokerName: String(credentials.brokerName ?? '').trim(),
		managerLogin: String(credentials.managerLogin ?? '').trim(),
	};
}

/** cTrader's error body, `{"errorCode": "...", "description": "..."}`, from JSON or from text. */
export function vendorError(body: unknown): { errorCode?: string; description?: string } {
	let value = body;
	if (typeof value === 'string') {
		const text = value;
		const parsed = attempt(() => JSON.parse(text) as unknown);
		value = parsed.ok ? parsed.value : { description: text.slice(0, 300) };
	}
	if (typeof value !== 'object' || value === null) return {};
	const record = value as Record<string, unknown>;
	const text = (field: string) => (typeof record[field] === 'string' && record[field] !== '' ? (record[field] as string) : undefined);
	return { errorCode: text('errorCode'), description: text('description') };
}

function isTokenRejection(error: Error): boolean {
	return error instanceof HttpCallError && error.reason === 'rejected' && error.statusCode === 403;
}

function errorText(error: Error): string {
	const { description, cause } = error as { description?: unknown; cause?: unknown };
	return [error.message, typeof description === 'string' ? description : '', cause instanceof Error ? cause.message : ''].join('\n');
}

/** The token request itself was refused: the credential's own words, without n8n's wrapping. */
function tokenRefusal(ctx: CTraderContext, error: Error): NodeApiError | undefined {
	const text = errorText(error);
	const start = text.indexOf(CTRADER_TOKEN_REFUSED);
	if (start < 0) return undefined;
	const message = text.slice(start).split('\n')[0];
	const refusal = new NodeApiError(ctx.getNode(), { message } as JsonObject, { message });
	refusal.name = 'NodeApiError';
	return refusal;
}

/** A failed call in cTrader's words; failures that are not cTrader's answers keep their own message. */
function translate(ctx: CTraderContext, error: Error, action: string): Error {
	const refusal = tokenRefusal(ctx, error);
	if (refusal) return refusal;
	if (error instanceof HttpCallError && error.reason === 'rejected') {
		return new CTraderApiError(ctx, action, { statusCode: error.statusCode, ...vendorError(error.responseBody) });
	}
	return error;
}

/**
 * Empties the stored token and lets n8n fetch a new one. n8n sends some request to do that, so it
 * is a light read; its own answer does not matter.
 */
async function renewToken(ctx: CTraderContext, settings: CTraderSettings, policy: RetryPolicy): Promise<void> {
	// Read afresh (another run may have renewed it already), and forget this run's copy: the calls
	// after the renewal read the stored credential with the new token.
	forgetRunCredentials(ctx, CTRADER_CREDENTIAL);
	const credentials = await ctx.getCredentials(CTRADER_CREDENTIAL);
	const reference = ctx.getNode().credentials?.[CTRADER_CREDENTIAL];
	await ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		CTRADER_CREDENTIAL,
		{
			method: 'GET',
			url: `${settings.baseUrl}/webserv/tradergroups`,
			json: true,
			timeout: policy.timeoutMs,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		},
		{
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CTRADER_CREDENTIAL,
				data: { ...credentials, webservToken: '' },
			},
		},
	);
}

/**
 * One WebServices call: JSON in and out (or CSV text out), retried per `policy`, with the token
 * renewed once on a 403. `action` completes "cTrader could not …" ("credit the deposit to 3100101").
 */
export async function cTraderRequest<T = unknown>(
	ctx: CTraderContext,
	call: CTraderCall,
	action: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	hooks: RetryHooks<T> = {},
): Promise<T> {
	const settings = await cTraderSettings(ctx);
	const options: HttpCallOptions = {
		method: call.method ?? 'GET',
		url: `${settings.baseUrl}${call.path}`,
		qs: call.query,
		body: call.body,
		json: !call.csv,
		...(call.csv ? { encoding: 'text' as const, headers: { accept: 'text/csv' } } : {}),
		idempotent: call.idempotent,
		serviceName: 'cTrader',
		credentials: async () => await runCredentialsDecrypted(ctx, CTRADER_CREDENTIAL),
	};
	const send = async () => (await requestWithRetry.call(ctx, CTRADER_CREDENTIAL, options, policy, hooks)) as T;

	const first = await attemptAsync(send);
	if (first.ok) return first.value;
	if (!isTokenRejection(first.error)) throw translate(ctx, first.error, action);

	const renewed = await attemptAsync(async () => await renewToken(ctx, settings, policy));
	if (!renewed.ok) throw translate(ctx, renewed.error, action);
	const second = await attemptAsync(send);
	if (second.ok) return second.value;
	throw translate(ctx, second.error, action);
}

// ---------------------------------------------------------------------------------------------
// Time: cTrader speaks UTC, written yyyy-MM-ddTHH:mm:ss.SSS without a zone.

/** UTC milliseconds → cTrader's `yyyy-MM-ddTHH:mm:ss.SSS`. */
export function formatCTraderTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 23);
}

/** cTrader's `yyyy-MM-ddTHH:mm:ss[.SSS]` (UTC) → milliseconds; undefined when malformed. */
export function parseCTraderTime(text: string): number | undefined {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?$/.test(text.trim())) return undefined;
	const ms = Date.parse(`${text.trim()}Z`);
	return Number.isNaN(ms) ? undefined : ms;
}
