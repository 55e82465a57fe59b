/**
 * Resilient calls to vendors: a timeout per try, retries with exponential backoff and full jitter,
 * the vendor's `Retry-After` honoured, a circuit breaker per credential and host, and never a blind
 * retry of a call that may already have moved money.
 *
 * `requestWithRetry` sends through n8n's `httpRequestWithAuthentication`; `runWithRetry` is the same
 * loop around any sender (for the MetaTrader 5 transport, which keeps its own connection).
 *
 * What n8n-core 2.8.1 gives us to classify a failure (checked in its request-helper-functions.js):
 * - With `ignoreHttpStatusErrors`, every HTTP status comes back as a response, headers included;
 *   that is the only way to read `Retry-After`, because the error n8n throws for a status keeps the
 *   status (`httpCode`) and a JSON body (`context.data`) but drops the original error and headers.
 * - A network failure is thrown as a NodeApiError whose `httpCode` is Node's or axios' error code
 *   ("ECONNRESET" for a reset or "socket hang up", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN";
 *   "ECONNABORTED" with "timeout of N ms exceeded" in `messages` for our timeout; "ERR_CANCELED"
 *   when the execution is cancelled).
 */
import { DateTime } from 'luxon';
import {
	NodeApiError,
	NodeOperationError,
	sleep as n8nSleep,
	sleepWithAbort,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { breakerKey, getBreaker, type Admission } from './circuitBreaker';
import { recordHourly, resetHourly, type HourlyCounter } from './health';
import type { ContextWithoutItems, RetryPolicy } from './retryOptions';

export type RequestContext = IExecuteFunctions | ContextWithoutItems;

export interface HttpCallOptions extends IHttpRequestOptions {
	/**
	 * Whether sending the request twice does no harm. Defaults by method: GET, HEAD, OPTIONS, PUT
	 * and DELETE are, POST and PATCH are not. A call that is not is retried only when the failure
	 * proves the vendor never processed it, or when `beforeRetry` has checked the vendor's ledger.
	 */
	idempotent?: boolean;
	/** The vendor as operations staff know it, for messages ("MetaTrader 5"). Defaults to the credential type. */
	serviceName?: string;
	/**
	 * The credential, already read by the caller for this node run. Read when each try is sent, so a
	 * caller can swap it; without it n8n reads and decrypts it from its database for every call.
	 */
	credentials?: () => Promise<ICredentialsDecrypted>;
}

export type BeforeRetryDecision<T> = { retry: true } | { result: T };

export interface RetryHooks<T = unknown> {
	/**
	 * Called before retrying a call that is not idempotent and whose outcome is unknown (a timeout,
	 * a reset connection, a 5xx): look for the call's own reference in the vendor's ledger, and
	 * answer `{ result }` if it was applied (returned to the caller as the call's result) or
	 * `{ retry: true }` if it was not. `attempt` is the number of the try about to be made.
	 */
	beforeRetry?: (attempt: number, lastError: HttpCallError) => Promise<BeforeRetryDecision<T>>;
}

/** Seams for tests: the jitter source, the wait and the clock. */
export interface RetryDeps {
	random?: () => number;
	sleep?: (ms: number) => Promise<void>;
	nowMs?: () => number;
}

export type HttpFailureReason =
	/** The vendor answered with a status that retrying cannot change (4xx other than 408/425/429). */
	| 'rejected'
	/** Every try failed. */
	| 'exhausted'
	/** A call that is not idempotent failed in a way that leaves open whether the vendor applied it. */
	| 'outcomeUnknown'
	/** The vendor asked for a longer wait than Max Retry-After Wait allows. */
	| 'retryAfterTooLong'
	/** The circuit breaker for this credential and host is open: the call was not sent. */
	| 'breakerOpen';

export interface HttpCallErrorDetails {
	reason: HttpFailureReason;
	message: string;
	description?: string;
	statusCode?: number;
	responseBody?: unknown;
	attempts: number;
	mayHaveBeenApplied: boolean;
	retryAtMs?: number;
}

/**
 * A failed vendor call. Transports translate `statusCode` and `responseBody` into the vendor's own
 * words; templates route on `mayHaveBeenApplied` (check the vendor before retrying) and `retryAtMs`.
 */
export class HttpCallError extends NodeApiError {
	readonly reason: HttpFailureReason;
	readonly statusCode?: number;
	readonly responseBody?: unknown;
	readonly attempts: number;
	readonly mayHaveBeenApplied: boolean;
	readonly retryAtMs?: number;

	constructor(node: INode, details: HttpCallErrorDetails) {
		// An empty error response: n8n would otherwise dig a message out of it and, when our message
		// contained an error code such as ECONNRESET, replace it with its own generic text.
		super(node, {} as JsonObject, {
			message: details.message,
			description: details.description,
			httpCode: details.statusCode === undefined ? undefined : String(details.statusCode),
		});
		// n8n-core and its editor recognise API errors by name (e.g. WorkflowExecute.rethrowLastNodeError).
		this.name = 'NodeApiError';
		this.reason = details.reason;
		this.statusCode = details.statusCode;
		this.responseBody = details.responseBody;
		this.attempts = details.attempts;
		this.mayHaveBeenApplied = details.mayHaveBeenApplied;
		this.retryAtMs = details.retryAtMs;
	}
}

// ---------------------------------------------------------------------------------------------
// Counters for a health view, per integration key (the breaker's key).

export interface IntegrationCallStats {
	/** Calls made (one call may take several tries). */
	calls: number;
	/** Calls that ended in an error. */
	failures: number;
	/** Extra tries made after a failure. */
	retries: number;
	lastSuccessAtMs: number | null;
	lastFailureAtMs: number | null;
}

const stats = new Map<string, IntegrationCallStats>();

function statsFor(key: string): IntegrationCallStats {
	let entry = stats.get(key);
	if (!entry) {
		entry = { calls: 0, failures: 0, retries: 0, lastSuccessAtMs: null, lastFailureAtMs: null };
		stats.set(key, entry);
	}
	return entry;
}

/** Counts in the totals since the process started and in the hour's bucket (lib/health.ts). */
function count(key: string, counter: HourlyCounter, atMs: number): void {
	statsFor(key)[counter]++;
	recordHourly(key, counter, atMs);
}

export function httpCallStats(): Record<string, IntegrationCallStats> {
	const all: Record<string, IntegrationCallStats> = {};
	for (const [key, entry] of stats) all[key] = { ...entry };
	return all;
}

export function resetHttpCallStats(): void {
	stats.clear();
	resetHourly();
}

// ---------------------------------------------------------------------------------------------
// Backoff and Retry-After.

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random wait
 * up to `min(maxDelay, baseDelay * 2^(failedAttempt-1))`, so that clients failing together do not
 * retry together.
 */
export function backoffDelayMs(
	failedAttempt: number,
	policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
	random: () => number = Math.random,
): number {
	const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
	return random() * cap;
}

/** `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfterMs(value: unknown, nowMs: number): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = DateTime.fromHTTP(text, { zone: 'utc' });
	if (!date.isValid) return undefined;
	return Math.max(0, date.toMillis() - nowMs);
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotentMethod(method: IHttpRequestMethods | string | undefined): boolean {
	return IDEMPOTENT_METHODS.has((method ?? 'GET').toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Classifying one try.

type Failure =
	| { kind: 'status'; statusCode: number; statusText?: string; headers?: IDataObject; body?: unknown }
	| { kind: 'timeout' }
	| { kind: 'network'; code: string }
	| { kind: 'cancelled' }
	| { kind: 'other' };

/** Whether the vendor can have processed the request that failed. */
type Processed = 'no' | 'unknown' | 'yes';

interface Verdict {
	retryable: boolean;
	processed: Processed;
	/** What the failure says about the vendor's health. */
	breaker: 'failure' | 'success' | 'none';
}

/** 408, 425 and 429 say the request was not processed (RFC 9110 §15.5.9, RFC 8470 §5.2, RFC 6585 §4). */
const NOT_PROCESSED_STATUSES = new Set([408, 425, 429]);
const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);
/** The connection was never made, so the request never left. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** Transient network trouble during the exchange: the vendor may or may not have the request. */
const MID_EXCHANGE_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'ESOCKETTIMEDOUT',
]);

function verdictFor(failure: Failure): Verdict {
	switch (failure.kind) {
		case 'status':
			if (NOT_PROCESSED_STATUSES.has(failure.statusCode)) {
				return { retryable: true, processed: 'no', breaker: 'failure' };
			}
			if (RETRYABLE_SERVER_STATUSES.has(failure.statusCode)) {
				return { retryable: true, processed: 'unknown', breaker: 'failure' };
			}
			// The vendor is up and gave a definite answer; it is not a breaker failure.
			return { retryable: false, processed: 'yes', breaker: 'success' };
		case 'timeout':
			return { retryable: true, processed: 'unknown', breaker: 'failure' };
		case 'network':
			if (NOT_SENT_CODES.has(failure.code)) return { retryable: true, processed: 'no', breaker: 'failure' };
			if (MID_EXCHANGE_CODES.has(failure.code)) {
				return { retryable: true, processed: 'unknown', breaker: 'failure' };
			}
			// Certificate errors, bad URLs: not transient, and not a sign the vendor is down.
			return { retryable: false, processed: 'no', breaker: 'none' };
		default:
			return { retryable: false, processed: 'no', breaker: 'none' };
	}
}

interface ThrownShape {
	name?: unknown;
	message?: unknown;
	messages?: unknown;
	code?: unknown;
	httpCode?: unknown;
	context?: { data?: unknown };
	response?: { status?: unknown; statusText?: unknown; headers?: unknown; data?: unknown };
}

/**
 * Reads a thrown failure: n8n's NodeApiError (see the header comment) or, from a custom sender, a
 * raw axios or Node error (`code`, `response`).
 */
function failureFromThrown(error: unknown): Failure {
	const shape = (typeof error === 'object' && error !== null ? error : {}) as ThrownShape;
	const response = shape.response;
	if (response && typeof response.status === 'number') {
		return {
			kind: 'status',
			statusCode: response.status,
			statusText: typeof response.statusText === 'string' ? response.statusText : undefined,
			headers: (response.headers ?? undefined) as IDataObject | undefined,
			body: response.data,
		};
	}
	const code =
		typeof shape.httpCode === 'string' ? shape.httpCode : typeof shape.code === 'string' ? shape.code : '';
	if (/^\d{3}$/.test(code)) {
		return { kind: 'status', statusCode: Number(code), body: shape.context?.data };
	}
	if (code === 'ERR_CANCELED' || shape.name === 'CanceledError' || shape.name === 'AbortError') {
		return { kind: 'cancelled' };
	}
	const texts = [shape.message, ...(Array.isArray(shape.messages) ? shape.messages : [])]
		.filter((text): text is string => typeof text === 'string')
		.join('\n');
	if (code === 'ECONNABORTED' && /timeout/i.test(texts)) return { kind: 'timeout' };
	if (code) return { kind: 'network', code: code.toUpperCase() };
	if (/socket hang up/i.test(texts)) return { kind: 'network', code: 'ECONNRESET' };
	return { kind: 'other' };
}

function headerValue(headers: IDataObject | undefined, name: string): unknown {
	if (!headers) return undefined;
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name) return headers[key];
	}
	return undefined;
}

const NETWORK_DETAILS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be found',
	EAI_AGAIN: 'the host name could not be looked up',
	ECONNRESET: 'the connection was closed before an answer arrived',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed while the request was being sent',
	EHOSTUNREACH: 'the host could not be reached',
	ENETUNREACH: 'the network could not be reached',
	ENETDOWN: 'the network is down',
	ESOCKETTIMEDOUT: 'the connection timed out',
};

function describeFailure(failure: Failure, timeoutMs: number): string {
	switch (failure.kind) {
		case 'status':
			return `HTTP ${failure.statusCode}${failure.statusText ? ` ${failure.statusText}` : ''}`;
		case 'timeout':
			return `no answer within ${timeoutMs} ms`;
		case 'network':
			return NETWORK_DETAILS[failure.code] ?? 'a network error occurred';
		default:
			return 'the call failed';
	}
}

/** A short view of the vendor's answer for the error description; transports get the whole body. */
function summariseBody(body: unknown): string | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	let text: string;
	if (typeof body === 'string') text = body;
	else if (body instanceof Uint8Array) text = `(${body.length} bytes)`;
	else {
		try {
			text = JSON.stringify(body);
		} catch {
			text = String(body);
		}
	}
	const limit = 500;
	return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function formatUtc(ms: number, nowMs: number): string {
	const at = DateTime.fromMillis(ms, { zone: 'utc' });
	const sameDay = at.hasSame(DateTime.fromMillis(nowMs, { zone: 'utc' }), 'day');
	return `${at.toFormat(sameDay ? 'HH:mm:ss' : 'yyyy-MM-dd HH:mm:ss')} UTC`;
}

function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// The loop.

/** One integration call as the loop sees it. */
export interface ResilientCall {
	node: INode;
	/** Integration key: breaker and counters (see `breakerKey`). */
	key: string;
	serviceName: string;
	host: string;
	idempotent: boolean;
}

/** Sends one try. Resolves with every HTTP answer, error statuses included; throws on network failures. */
export type SendAttempt = () => Promise<IN8nHttpFullResponse>;

export type RetryOutcome<T> = { response: IN8nHttpFullResponse } | { result: T };

type Attempt =
	| { ok: true; response: IN8nHttpFullResponse }
	| { ok: false; failure: Failure; thrown?: unknown };

/** One try: sent, and its answer or failure classified (no extra promise on the way: hot path). */
function attemptOnce(send: SendAttempt): Promise<Attempt> {
	let sent: Promise<IN8nHttpFullResponse>;
	try {
		sent = send();
	} catch (error) {
		return Promise.resolve({ ok: false, failure: failureFromThrown(error), thrown: error });
	}
	return sent.then(classifyAnswer, (error: unknown) => ({ ok: false, failure: failureFromThrown(error), thrown: error }));
}

function classifyAnswer(response: IN8nHttpFullResponse): Attempt {
	// 3xx reaches us only when the caller turned redirects off and wants to read them.
	if (response.statusCode < 400) return { ok: true, response };
	return {
		ok: false,
		failure: {
			kind: 'status',
			statusCode: response.statusCode,
			statusText: response.statusMessage,
			headers: response.headers,
			body: response.body,
		},
	};
}

/** What the messages need to know about the try that failed. */
interface FailedTry {
	call: ResilientCall;
	attempt: number;
	/** How the try failed, in words ("HTTP 503 Service Unavailable", "the connection was refused"). */
	detail: string;
	status?: Extract<Failure, { kind: 'status' }>;
	nowMs: number;
}

/** The error for each way a call can end, in words for operations staff. */
const failures = {
	rejected: (t: FailedTry) =>
		new HttpCallError(t.call.node, {
			reason: 'rejected',
			message: `${t.call.serviceName} rejected the request: ${t.detail}`,
			...vendorAnswer(t),
			attempts: t.attempt,
			mayHaveBeenApplied: false,
		}),

	exhausted: (t: FailedTry, retryAtMs: number | undefined) =>
		new HttpCallError(t.call.node, {
			reason: 'exhausted',
			message: `${t.call.serviceName} at ${t.call.host} did not answer successfully after ${plural(t.attempt, 'try', 'tries')}: ${t.detail}`,
			...vendorAnswer(t, retryAtMs === undefined ? undefined : `It asked to retry after ${formatUtc(retryAtMs, t.nowMs)}.`),
			attempts: t.attempt,
			mayHaveBeenApplied: false,
			retryAtMs,
		}),

	outcomeUnknown: (t: FailedTry) =>
		new HttpCallError(t.call.node, {
			reason: 'outcomeUnknown',
			message:
				`The request may have been applied by ${t.call.serviceName} at ${t.call.host}: ${t.detail}. ` +
				`Check in ${t.call.serviceName} whether it took effect before running it again`,
			...vendorAnswer(t, `The call changes data, so it was not sent again blindly (tries made: ${t.attempt}).`),
			attempts: t.attempt,
			mayHaveBeenApplied: true,
		}),

	retryAfterTooLong: (t: FailedTry, retryAtMs: number, maxWaitMs: number, mayHaveBeenApplied: boolean) => {
		const at = formatUtc(retryAtMs, t.nowMs);
		return new HttpCallError(t.call.node, {
			reason: 'retryAfterTooLong',
			message:
				`${t.call.serviceName} asked to wait until ${at} before the next try, longer than ` +
				`Max Retry-After Wait allows (${maxWaitMs / 1000} s). Retry after ${at}`,
			...vendorAnswer(
				t,
				`Its answer: ${t.detail}.` +
					(mayHaveBeenApplied
						? ` The request may have been applied: check in ${t.call.serviceName} before running it again.`
						: ''),
			),
			attempts: t.attempt,
			mayHaveBeenApplied,
			retryAtMs,
		});
	},

	breakerOpen: (
		call: ResilientCall,
		refusal: Exclude<Admission, { admitted: true }>,
		triesMade: number,
		lastDetail: string | undefined,
		nowMs: number,
	) =>
		new HttpCallError(call.node, {
			reason: 'breakerOpen',
			message:
				`${call.serviceName} at ${call.host} is failing: ${plural(refusal.consecutiveFailures, 'call', 'calls')} in a row failed; ` +
				(refusal.pausedUntilMs === null
					? 'calls are paused while a test call checks whether it has recovered'
					: `calls paused until ${formatUtc(refusal.pausedUntilMs, nowMs)}`),
			description:
				(triesMade === 0
					? 'This call was not sent. '
					: `This call was stopped after ${plural(triesMade, 'try', 'tries')}; the last one failed: ${lastDetail}. `) +
				'Calls resume by themselves once a test call succeeds.',
			attempts: triesMade,
			mayHaveBeenApplied: false,
			retryAtMs: refusal.pausedUntilMs ?? undefined,
		}),
};

/** The vendor's status and body on the error, and its answer in the description after `lead`. */
function vendorAnswer(t: FailedTry, lead?: string) {
	const summary = summariseBody(t.status?.body);
	const description = [lead, summary ? `${t.call.serviceName} answered: ${summary}` : undefined]
		.filter(Boolean)
		.join(' ');
	return {
		description: description || undefined,
		statusCode: t.status?.statusCode,
		responseBody: t.status?.body,
	};
}

/**
 * The retry loop around any sender: breaker per `call.key`, backoff with full jitter, Retry-After,
 * and the rule that a call which is not idempotent is retried only when the vendor provably did not
 * process it, or when `hooks.beforeRetry` has checked.
 */
export async function runWithRetry<T = unknown>(
	call: ResilientCall,
	send: SendAttempt,
	policy: RetryPolicy,
	hooks: RetryHooks<T> = {},
	deps: RetryDeps = {},
): Promise<RetryOutcome<T>> {
	const random = deps.random ?? Math.random;
	const nowMs = deps.nowMs ?? Date.now;
	const wait = deps.sleep ?? n8nSleep;
	const breaker = getBreaker(
		call.key,
		{ failureThreshold: policy.breakerFailureThreshold, openMs: policy.breakerOpenMs },
		nowMs,
	);
	const counters = statsFor(call.key);
	count(call.key, 'calls', nowMs());
	const failed = <E>(error: E): E => {
		const atMs = nowMs();
		count(call.key, 'failures', atMs);
		counters.lastFailureAtMs = atMs;
		return error;
	};

	let lastDetail: string | undefined;
	for (let attempt = 1; ; attempt++) {
		const admission = breaker.admit();
		if (!admission.admitted) {
			throw failed(failures.breakerOpen(call, admission, attempt - 1, lastDetail, nowMs()));
		}

		const outcome = await attemptOnce(send);
		if (outcome.ok) {
			breaker.recordSuccess();
			counters.lastSuccessAtMs = nowMs();
			return { response: outcome.response };
		}

		const { failure } = outcome;
		const verdict = verdictFor(failure);
		if (verdict.breaker === 'failure') breaker.recordFailure();
		else if (verdict.breaker === 'success') breaker.recordSuccess();
		else breaker.release();

		const status = failure.kind === 'status' ? failure : undefined;
		lastDetail = describeFailure(failure, policy.timeoutMs);
		const failedTry: FailedTry = { call, attempt, detail: lastDetail, status, nowMs: nowMs() };

		if (!verdict.retryable) {
			// Not a vendor answer (cancelled, missing credentials, bad certificate): n8n's own error
			// already says it best.
			if (!status) throw failed(outcome.thrown);
			throw failed(failures.rejected(failedTry));
		}

		const mayHaveBeenApplied = !call.idempotent && verdict.processed === 'unknown';
		const retryAfterMs = policy.honourRetryAfter
			? parseRetryAfterMs(headerValue(status?.headers, 'retry-after'), failedTry.nowMs)
			: undefined;
		const retryAtMs = retryAfterMs === undefined ? undefined : failedTry.nowMs + retryAfterMs;

		if (mayHaveBeenApplied && (!hooks.beforeRetry || attempt >= policy.maxAttempts)) {
			throw failed(failures.outcomeUnknown(failedTry));
		}
		if (attempt >= policy.maxAttempts) throw failed(failures.exhausted(failedTry, retryAtMs));
		if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterWaitMs) {
			const askedAtMs = failedTry.nowMs + retryAfterMs;
			throw failed(
				failures.retryAfterTooLong(failedTry, askedAtMs, policy.maxRetryAfterWaitMs, mayHaveBeenApplied),
			);
		}

		const jittered = backoffDelayMs(attempt, policy, random);
		await wait(retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs));

		if (mayHaveBeenApplied && hooks.beforeRetry) {
			// Waited first: the vendor may still be booking the first try when we look.
			const decision = await hooks.beforeRetry(attempt + 1, failures.outcomeUnknown(failedTry));
			if ('result' in decision) {
				counters.lastSuccessAtMs = nowMs();
				return { result: decision.result };
			}
		}
		count(call.key, 'retries', nowMs());
	}
}

// ---------------------------------------------------------------------------------------------
// Through n8n.

function hostOf(options: IHttpRequestOptions, node: INode): string {
	try {
		return new URL(options.url, options.baseURL).host;
	} catch {
		throw new NodeOperationError(node, 'The address of the call to the service is not a valid URL', {
			description: 'Check the base URL in the credential.',
		});
	}
}

/**
 * Sends a request through `this.helpers.httpRequestWithAuthentication` with retries, timeout,
 * `Retry-After` and a circuit breaker per credential and host. Resolves with what the caller asked
 * for: the body, or `{ body, headers, statusCode, statusMessage }` with `returnFullResponse`, or
 * the result `hooks.beforeRetry` found in the vendor's ledger. Fails with an `HttpCallError`.
 *
 * `policy.timeoutMs` applies to every try (an `options.timeout` is overridden).
 */
export async function requestWithRetry<T = unknown>(
	this: RequestContext,
	credentialType: string,
	options: HttpCallOptions,
	policy: RetryPolicy,
	hooks: RetryHooks<T> = {},
	deps: RetryDeps = {},
): Promise<T> {
	const ctx = this;
	const node = ctx.getNode();
	const { idempotent, serviceName, returnFullResponse, credentials, ...request } = options;
	const host = hostOf(request, node);
	const credential = node.credentials?.[credentialType];
	const call: ResilientCall = {
		node,
		key: breakerKey(credentialType, credential?.id ?? credential?.name ?? 'none', host),
		serviceName: serviceName ?? credentialType,
		host,
		idempotent: idempotent ?? isIdempotentMethod(request.method),
	};

	const send: SendAttempt = async () => {
		const tryOptions = { ...request, timeout: policy.timeoutMs, returnFullResponse: true };
		const given = credentials ? { credentialsDecrypted: await credentials() } : undefined;
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			credentialType,
			{ ...tryOptions, ignoreHttpStatusErrors: true },
			given,
		)) as IN8nHttpFullResponse;
		if (response.statusCode !== 401) return response;
		// n8n refreshes an expired OAuth2 token or pre-authentication session only when its request
		// throws a 401, which `ignoreHttpStatusErrors` prevents. A 401 means the vendor did not
		// process the call, so send it once more the throwing way and let n8n refresh and resend
		// (n8n writes the fresh token into the given credential data too).
		return (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			credentialType,
			tryOptions,
			given,
		)) as IN8nHttpFullResponse;
	};

	const cancelSignal =
		'getExecutionCancelSignal' in ctx && typeof ctx.getExecutionCancelSignal === 'function'
			? ctx.getExecutionCancelSignal()
			: undefined;
	const outcome = await runWithRetry<T>(call, send, policy, hooks, {
		...deps,
		sleep: deps.sleep ?? (async (ms: number) => await sleepWithAbort(ms, cancelSignal)),
	});
	if ('result' in outcome) return outcome.result;
	return (returnFullResponse ? outcome.response : outcome.response.body) as T;
}
