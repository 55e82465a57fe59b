/**
 * The Praxis Cashier API client: the only code that talks to Praxis (reference/psp_kyc.md §1).
 * Each call is signed here because `GT-Authentication` covers that call's own fields; it goes
 * through n8n's `httpRequestWithAuthentication` (lib/http `requestWithRetry`: timeout, backoff,
 * breaker), and Praxis's answer is verified and its refusals put in words before they leave.
 */
import {
	NodeApiError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type JsonObject,
} from 'n8n-workflow';

import { attempt, attemptAsync } from '../../../lib/errors';
import { HttpCallError, requestWithRetry, type RetryHooks } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';
import {
	PRAXIS_STATUS,
	PraxisAnswerError,
	PraxisRefusal,
	praxisSettings,
	readAnswer,
	signedRequest,
	type PraxisAnswer,
	type PraxisSettings,
} from './messages';
import type { PraxisMessage } from './signing';

export const PRAXIS_CREDENTIAL = 'praxisApi';

export interface PraxisCall {
	path: '/cashier/cashier' | '/agent/find-order' | '/agent/manage-withdrawal-request' | '/agent/split-withdrawal-request';
	/** Which field list signs the request. */
	message: PraxisMessage;
	/** Which field list signs a successful answer. */
	answer: PraxisMessage;
	fields: Record<string, string | number | null | undefined | Record<string, unknown>>;
	/** Whether sending it twice does no harm (find-order does; the others change state). */
	idempotent: boolean;
	/** Whether to check Praxis's signature on the answer. */
	verifyAnswer: boolean;
}

/** Praxis refused a call or answered something we cannot trust; `praxisStatus` is Praxis's code. */
export class PraxisApiError extends NodeApiError {
	readonly praxisStatus?: number;
	readonly praxisDescription?: string;

	constructor(ctx: IExecuteFunctions, action: string, cause: Error, statusCode?: number) {
		const refusal = cause instanceof PraxisRefusal ? cause : undefined;
		const reason = refusal ? `status ${refusal.status}: ${refusal.description}` : cause.message;
		super(ctx.getNode(), {} as JsonObject, {
			message: `Praxis could not ${action} (${reason})`,
			httpCode: statusCode === undefined ? undefined : String(statusCode),
		});
		// n8n-core and its editor recognise API errors by name.
		this.name = 'NodeApiError';
		this.praxisStatus = refusal?.status;
		this.praxisDescription = refusal?.description;
	}
}

export async function readPraxisSettings(ctx: IExecuteFunctions): Promise<PraxisSettings> {
	return praxisSettings(await ctx.getCredentials(PRAXIS_CREDENTIAL));
}

function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

/**
 * One signed call. The timestamp is taken once, so every retry sends the same signed bytes (Praxis
 * accepts a timestamp a few minutes old). Praxis answers refusals with HTTP 200 and a positive
 * status; those come back as PraxisRefusal inside a PraxisApiError. `action` completes
 * "Praxis could not …".
 */
export async function praxisRequest(
	ctx: IExecuteFunctions,
	call: PraxisCall,
	action: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	hooks: RetryHooks<PraxisResponse> = {},
): Promise<PraxisAnswer> {
	const settings = await readPraxisSettings(ctx);
	const request = signedRequest(settings, call.path, call.message, call.fields, nowSeconds());
	const sent = await attemptAsync(
		async () =>
			(await requestWithRetry.call(
				ctx,
				PRAXIS_CREDENTIAL,
				{
					method: 'POST',
					url: request.url,
					headers: request.headers,
					body: request.body,
					json: false,
					// The raw answer text: its numbers are signed as written.
					encoding: 'text',
					returnFullResponse: true,
					idempotent: call.idempotent,
					serviceName: 'Praxis',
				},
				policy,
				hooks,
			)) as PraxisResponse,
	);
	if (!sent.ok) {
		const error = sent.error;
		if (error instanceof HttpCallError && error.reason === 'rejected') {
			throw new PraxisApiError(ctx, action, new Error(`it answered HTTP ${error.statusCode}`), error.statusCode);
		}
		throw error;
	}
	const read = attempt(() => readAnswer(settings, sent.value, call.answer, call.verifyAnswer));
	if (read.ok) return read.value;
	throw translate(ctx, action, read.error, sent.value.statusCode);
}

/** A refusal or an untrustworthy answer in Praxis's words; anything else as it is. */
function translate(ctx: IExecuteFunctions, action: string, error: Error, statusCode: number): Error {
	if (error instanceof PraxisRefusal || error instanceof PraxisAnswerError) return new PraxisApiError(ctx, action, error, statusCode);
	return error;
}

export interface PraxisResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The order id the credential test looks for: it cannot be a real order. */
export const CREDENTIAL_TEST_ORDER_ID = 'n8n-credential-test-order-that-does-not-exist';

/**
 * Tests a Praxis credential with a real signed find-order of an order that cannot exist: Praxis
 * checks merchant, application key and signature before it looks the order up, so a signed
 * "not found" (verified with the secret) proves all three.
 */
export async function testPraxisCredential(
	send: (request: { url: string; headers: Record<string, string>; body: string }) => Promise<PraxisResponse>,
	data: Record<string, unknown>,
	timestampSeconds = nowSeconds(),
): Promise<INodeCredentialTestResult> {
	const outcome = await attemptAsync(async () => {
		const settings = praxisSettings(data);
		const request = signedRequest(settings, '/agent/find-order', 'findOrder', { order_id: CREDENTIAL_TEST_ORDER_ID }, timestampSeconds);
		const answer = await send(request);
		return { settings, answer };
	});
	if (!outcome.ok) return { status: 'Error', message: `Praxis could not be reached: ${outcome.error.message}` };
	const { settings, answer } = outcome.value;
	try {
		readAnswer(settings, answer, 'findOrder', true);
		return { status: 'OK', message: 'Praxis accepted the signed request' };
	} catch (error) {
		if (error instanceof PraxisRefusal && (error.status === PRAXIS_STATUS.notFound || /not found/i.test(error.description))) {
			return { status: 'OK', message: 'Praxis accepted the signed request and signed its answer with the same secret' };
		}
		return { status: 'Error', message: (error as Error).message };
	}
}

/**
 * The Praxis node's credential test (`testedBy: 'praxisFindOrder'`). n8n 2.8 gives credential tests
 * only its deprecated `request` helper, which n8n's scanner rejects, so this one call uses the
 * runtime's fetch: the test needs the exact bytes and headers of a signed request and answer.
 */
export async function praxisFindOrder(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return await testPraxisCredential(async (request) => {
		const response = await fetch(request.url, {
			method: 'POST',
			headers: request.headers,
			body: request.body,
			signal: AbortSignal.timeout(15_000),
		});
		const headers: Record<string, unknown> = {};
		response.headers.forEach((value, key) => (headers[key] = value));
		return { statusCode: response.status, headers, body: await response.text() };
	}, credential.data ?? {});
}
