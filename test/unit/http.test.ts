/**
 * The resilient HTTP layer against a scripted vendor on loopback, sending through n8n-core's own
 * `httpRequestWithAuthentication` (axios underneath), so statuses, network errors and timeouts
 * reach our code in exactly the shapes n8n produces. Waits go through an injected sleep that only
 * records its argument, so tests assert the waits chosen without waiting.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { httpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import {
	NodeApiError,
	NodeOperationError,
	type IAllExecuteFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INode,
	type IPollFunctions,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

import { breakerSnapshot, resetBreakers } from '../../lib/circuitBreaker';
import {
	HttpCallError,
	backoffDelayMs,
	httpCallStats,
	parseRetryAfterMs,
	requestWithRetry,
	resetHttpCallStats,
	runWithRetry,
	type HttpCallOptions,
	type RetryDeps,
	type RetryHooks,
} from '../../lib/http';
import {
	DEFAULT_RETRY_POLICY,
	readRetryPolicy,
	retryAndTimeoutOptions,
	type RetryPolicy,
} from '../../lib/retryOptions';

// ------------------------------------------------------------------------------------------------
// A vendor whose answers are scripted per request.

type Reply =
	| { status: number; headers?: Record<string, string>; body?: unknown }
	| 'reset'
	| 'hang'
	| ((request: SeenRequest) => Reply);

interface SeenRequest {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

class ScriptedVendor {
	readonly requests: SeenRequest[] = [];
	private replies: Reply[] = [];
	private readonly server = http.createServer((req, res) => void this.handle(req, res));

	/** Answers in this order; the last one repeats. */
	answer(...replies: Reply[]): this {
		this.replies = replies;
		return this;
	}

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return this.url;
	}

	get host(): string {
		return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	get url(): string {
		return `http://${this.host}`;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
		let body = '';
		for await (const chunk of req) body += chunk;
		const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
		this.requests.push(seen);
		let reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0];
		while (typeof reply === 'function') reply = reply(seen);
		if (reply === 'reset') {
			req.socket.destroy();
			return;
		}
		if (reply === 'hang') return;
		res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
		res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
	}
}

async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

// ------------------------------------------------------------------------------------------------
// The n8n side: a node context whose request helper is n8n-core's.

const CREDENTIAL_TYPE = 'testVendorApi';
const API_KEY = 'sk_live_do_not_leak_4242';

function testNode(credentialId = 'cred-1'): INode {
	return {
		id: 'node-1',
		name: 'Test Vendor',
		type: 'n8n-nodes-brokerage.testVendor',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: `Vendor ${credentialId}` } },
	};
}

/**
 * n8n's CredentialsHelper lives in the n8n CLI, not in n8n-core, so it is stood in for with its
 * contract: `authenticate` signs the request, and `preAuthentication` returns a new session token
 * when n8n reports the old one expired (n8n-core does that after a thrown 401).
 */
const credentialsHelper = {
	getParentTypes: () => [],
	preAuthentication: async (
		_helpers: unknown,
		_credentials: IDataObject,
		_type: string,
		_node: INode,
		expired: boolean,
	) => (expired ? { sessionToken: 'fresh-session' } : undefined),
	authenticate: async (credentials: IDataObject, _type: string, request: IHttpRequestOptions) => ({
		...request,
		headers: {
			...request.headers,
			'X-Api-Key': credentials.apiKey,
			Authorization: `Bearer ${credentials.sessionToken}`,
		},
	}),
};

function n8nContext(node: INode = testNode()): IExecuteFunctions {
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ apiKey: API_KEY, sessionToken: 'stale-session' }),
		helpers: {
			async httpRequestWithAuthentication(this: IAllExecuteFunctions, type: string, options: IHttpRequestOptions) {
				return await httpRequestWithAuthentication.call(
					this,
					type,
					options,
					{} as Workflow,
					node,
					{ credentialsHelper } as unknown as IWorkflowExecuteAdditionalData,
				);
			},
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

const T0 = Date.UTC(2026, 0, 5, 12, 2, 40);

function recordingDeps(random = 0.5) {
	const sleeps: number[] = [];
	const clock = { now: T0 };
	const deps: RetryDeps = {
		random: () => random,
		nowMs: () => clock.now,
		sleep: async (ms) => {
			sleeps.push(ms);
		},
	};
	return { sleeps, clock, deps };
}

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
	...DEFAULT_RETRY_POLICY,
	...overrides,
});

async function failureOf(promise: Promise<unknown>): Promise<HttpCallError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof HttpCallError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

let vendor: ScriptedVendor;

beforeEach(async () => {
	resetBreakers();
	resetHttpCallStats();
	vendor = new ScriptedVendor();
	await vendor.start();
});

afterEach(async () => {
	await vendor.stop();
});

function call<T = unknown>(
	options: Partial<HttpCallOptions>,
	retryPolicy: RetryPolicy,
	deps: RetryDeps,
	extra: { hooks?: RetryHooks<T>; ctx?: IExecuteFunctions } = {},
): Promise<T> {
	return requestWithRetry.call(
		extra.ctx ?? n8nContext(),
		CREDENTIAL_TYPE,
		{ url: `${vendor.url}/v1/thing`, json: true, serviceName: 'Test Vendor', ...options },
		retryPolicy,
		extra.hooks ?? {},
		deps,
	) as Promise<T>;
}

// ------------------------------------------------------------------------------------------------

describe('retries', () => {
	it('retries after 503 answers and returns the body of the first success', async () => {
		vendor.answer({ status: 503 }, { status: 503 }, { status: 200, body: { balance: 120.5 } });
		const { sleeps, deps } = recordingDeps();

		await expect(call({}, policy(), deps)).resolves.toEqual({ balance: 120.5 });
		expect(vendor.requests).toHaveLength(3);
		expect(sleeps).toHaveLength(2);
	});

	it('does not retry a 400: the vendor saw one request and the error carries its status and body', async () => {
		vendor.answer({ status: 400, body: { code: 'INVALID_LOGIN', message: 'Login 77 is not valid' } });
		const { sleeps, deps } = recordingDeps();

		const error = await failureOf(call({}, policy(), deps));
		expect(vendor.requests).toHaveLength(1);
		expect(sleeps).toEqual([]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error).toMatchObject({
			reason: 'rejected',
			statusCode: 400,
			httpCode: '400',
			responseBody: { code: 'INVALID_LOGIN', message: 'Login 77 is not valid' },
			mayHaveBeenApplied: false,
		});
		expect(error.message).toBe('Test Vendor rejected the request: HTTP 400 Bad Request');
		expect(error.description).toContain('Login 77 is not valid');
	});

	it('gives up after Max Attempts and says how the last try failed', async () => {
		vendor.answer({ status: 502 });
		const { sleeps, deps } = recordingDeps();

		const error = await failureOf(call({}, policy({ maxAttempts: 3 }), deps));
		expect(vendor.requests).toHaveLength(3);
		expect(sleeps).toHaveLength(2);
		expect(error.reason).toBe('exhausted');
		expect(error.attempts).toBe(3);
		expect(error.message).toBe(
			`Test Vendor at ${vendor.host} did not answer successfully after 3 tries: HTTP 502 Bad Gateway`,
		);
	});

	it('retries a GET whose connection was reset', async () => {
		vendor.answer('reset', { status: 200, body: { ok: true } });
		const { deps } = recordingDeps();

		await expect(call({}, policy(), deps)).resolves.toEqual({ ok: true });
		expect(vendor.requests).toHaveLength(2);
	});

	it('fires the timeout on every try of a vendor that does not answer', async () => {
		vendor.answer('hang');
		const { deps } = recordingDeps();

		const error = await failureOf(call({}, policy({ timeoutMs: 150, maxAttempts: 2 }), deps));
		expect(vendor.requests).toHaveLength(2);
		expect(error.reason).toBe('exhausted');
		expect(error.message).toBe(
			`Test Vendor at ${vendor.host} did not answer successfully after 2 tries: no answer within 150 ms`,
		);
	});

	it('returns the full response when the caller asks for it', async () => {
		vendor.answer({ status: 201, headers: { 'x-request-id': 'r-9' }, body: { id: 5 } });
		const { deps } = recordingDeps();

		const response = await call<IN8nHttpFullResponse>({ returnFullResponse: true }, policy(), deps);
		expect(response.statusCode).toBe(201);
		expect(response.headers['x-request-id']).toBe('r-9');
		expect(response.body).toEqual({ id: 5 });
	});

	it('lets n8n refresh an expired session on a 401 and resends the call once', async () => {
		vendor.answer((request) =>
			request.headers.authorization === 'Bearer fresh-session'
				? { status: 200, body: { ok: true } }
				: { status: 401, body: { message: 'session expired' } },
		);
		const { sleeps, deps } = recordingDeps();

		await expect(call({ method: 'POST', body: { amount: 1 } }, policy(), deps)).resolves.toEqual({ ok: true });
		expect(vendor.requests.map((r) => r.headers.authorization)).toEqual([
			'Bearer stale-session',
			'Bearer stale-session',
			'Bearer fresh-session',
		]);
		expect(sleeps).toEqual([]);
	});

	it('reports a 401 that survives the refresh as a rejection, without retrying', async () => {
		vendor.answer({ status: 401, body: { message: 'bad key' } });
		const { deps } = recordingDeps();

		const error = await failureOf(call({}, policy(), deps));
		expect(error).toMatchObject({ reason: 'rejected', statusCode: 401, responseBody: { message: 'bad key' } });
		expect(vendor.requests).toHaveLength(3);
	});

	it('keeps the credential out of error messages', async () => {
		vendor.answer({ status: 403, body: { message: 'forbidden' } });
		const { deps } = recordingDeps();

		const error = await failureOf(call({}, policy(), deps));
		expect(vendor.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(`${error.message} ${error.description} ${JSON.stringify(error)}`).not.toContain(API_KEY);
	});
});

describe('backoff with full jitter', () => {
	const timing = { baseDelayMs: 500, maxDelayMs: 30_000 };

	it('waits nothing when the random draw is 0', () => {
		for (let attempt = 1; attempt <= 12; attempt++) expect(backoffDelayMs(attempt, timing, () => 0)).toBe(0);
	});

	it('waits up to the base delay after the first try and doubles the cap for each further try', () => {
		const nearlyOne = () => 0.999999;
		expect(backoffDelayMs(1, timing, nearlyOne)).toBeCloseTo(500, 0);
		expect(backoffDelayMs(2, timing, nearlyOne)).toBeCloseTo(1000, 0);
		expect(backoffDelayMs(3, timing, nearlyOne)).toBeCloseTo(2000, 0);
		expect(backoffDelayMs(1, timing, nearlyOne)).toBeLessThan(500);
	});

	it('never exceeds Max Delay, however many tries were made', () => {
		for (const attempt of [7, 8, 20, 60, 2000]) {
			const delay = backoffDelayMs(attempt, timing, () => 0.999999);
			expect(delay).toBeLessThanOrEqual(30_000);
			expect(delay).toBeCloseTo(30_000, -1);
		}
	});

	it('stays within [0, min(max, base·2^(n-1))] for any draw', () => {
		for (let attempt = 1; attempt <= 10; attempt++) {
			const cap = Math.min(30_000, 500 * 2 ** (attempt - 1));
			for (const draw of [0, 0.1, 0.5, 0.9, 0.999999]) {
				const delay = backoffDelayMs(attempt, timing, () => draw);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThanOrEqual(cap);
			}
		}
	});

	it('sleeps the jittered backoff between tries of a real call', async () => {
		vendor.answer({ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: {} });
		const { sleeps, deps } = recordingDeps(0.5);

		await call({}, policy(timing), deps);
		expect(sleeps).toEqual([250, 500, 1000]);
	});
});

describe('Retry-After', () => {
	it('waits at least the seconds a 429 asks for', async () => {
		vendor.answer({ status: 429, headers: { 'Retry-After': '2' } }, { status: 200, body: { ok: true } });
		const { sleeps, deps } = recordingDeps(0);

		await expect(call({}, policy(), deps)).resolves.toEqual({ ok: true });
		expect(sleeps).toEqual([2000]);
		expect(vendor.requests).toHaveLength(2);
	});

	it('keeps the jittered wait when it is longer than the wait asked for', async () => {
		vendor.answer({ status: 429, headers: { 'Retry-After': '2' } }, { status: 200, body: {} });
		const { sleeps, deps } = recordingDeps(0.5);

		await call({}, policy({ baseDelayMs: 10_000 }), deps);
		expect(sleeps).toEqual([5000]);
	});

	it('reads an HTTP-date Retry-After from a 503 against the clock', async () => {
		const { sleeps, clock, deps } = recordingDeps(0);
		vendor.answer(
			{ status: 503, headers: { 'Retry-After': new Date(clock.now + 7000).toUTCString() } },
			{ status: 200, body: {} },
		);

		await call({}, policy(), deps);
		expect(sleeps).toEqual([7000]);
	});

	it('fails, saying when to retry, when the wait asked for is longer than Max Retry-After Wait', async () => {
		vendor.answer({ status: 429, headers: { 'Retry-After': '120' } });
		const { sleeps, deps } = recordingDeps();

		const error = await failureOf(call({}, policy({ maxRetryAfterWaitMs: 60_000 }), deps));
		expect(vendor.requests).toHaveLength(1);
		expect(sleeps).toEqual([]);
		expect(error).toMatchObject({ reason: 'retryAfterTooLong', retryAtMs: T0 + 120_000, mayHaveBeenApplied: false });
		expect(error.message).toBe(
			'Test Vendor asked to wait until 12:04:40 UTC before the next try, longer than Max Retry-After Wait allows (60 s). Retry after 12:04:40 UTC',
		);
	});

	it('is ignored when Honour Retry-After is off', async () => {
		vendor.answer({ status: 429, headers: { 'Retry-After': '120' } }, { status: 200, body: {} });
		const { sleeps, deps } = recordingDeps(0.5);

		await call({}, policy({ honourRetryAfter: false }), deps);
		expect(sleeps).toEqual([250]);
	});

	it('parses delta-seconds and HTTP-dates, and ignores what it cannot read', () => {
		expect(parseRetryAfterMs('0', T0)).toBe(0);
		expect(parseRetryAfterMs(' 30 ', T0)).toBe(30_000);
		expect(parseRetryAfterMs('Mon, 05 Jan 2026 12:03:00 GMT', T0)).toBe(20_000);
		expect(parseRetryAfterMs('Mon, 05 Jan 2026 12:00:00 GMT', T0)).toBe(0);
		expect(parseRetryAfterMs('-5', T0)).toBeUndefined();
		expect(parseRetryAfterMs('soon', T0)).toBeUndefined();
		expect(parseRetryAfterMs(undefined, T0)).toBeUndefined();
	});
});

describe('calls that are not idempotent', () => {
	const deposit = { method: 'POST' as const, url: '', body: { login: 77, amount: 100, comment: 'PSP-1' } };

	it('does not resend a POST whose connection was reset, and says its outcome is unknown', async () => {
		vendor.answer('reset', { status: 200, body: { ok: true } });
		const { sleeps, deps } = recordingDeps();

		const error = await failureOf(call({ ...deposit, url: `${vendor.url}/deposit` }, policy(), deps));
		expect(vendor.requests).toHaveLength(1);
		expect(sleeps).toEqual([]);
		expect(error).toMatchObject({ reason: 'outcomeUnknown', mayHaveBeenApplied: true, attempts: 1 });
		expect(error.message).toBe(
			`The request may have been applied by Test Vendor at ${vendor.host}: the connection was closed before an answer arrived. Check in Test Vendor whether it took effect before running it again`,
		);
	});

	it('does not resend a POST that timed out', async () => {
		vendor.answer('hang');
		const { deps } = recordingDeps();

		const error = await failureOf(call({ ...deposit, url: `${vendor.url}/deposit` }, policy({ timeoutMs: 150 }), deps));
		expect(vendor.requests).toHaveLength(1);
		expect(error.reason).toBe('outcomeUnknown');
		expect(error.message).toContain('no answer within 150 ms');
	});

	it('does not resend a POST answered with a 503', async () => {
		vendor.answer({ status: 503 });
		const { deps } = recordingDeps();

		const error = await failureOf(call({ ...deposit, url: `${vendor.url}/deposit` }, policy(), deps));
		expect(vendor.requests).toHaveLength(1);
		expect(error).toMatchObject({ reason: 'outcomeUnknown', statusCode: 503 });
	});

	it('returns what the ledger check found instead of resending', async () => {
		vendor.answer('reset');
		const { sleeps, deps } = recordingDeps();
		const checks: Array<[number, string]> = [];

		const result = await call(
			{ ...deposit, url: `${vendor.url}/deposit` },
			policy(),
			deps,
			{
				hooks: {
					beforeRetry: async (attempt, lastError) => {
						checks.push([attempt, lastError.reason]);
						return { result: { deal: 5551, foundInLedger: true } };
					},
				},
			},
		);
		expect(result).toEqual({ deal: 5551, foundInLedger: true });
		expect(vendor.requests).toHaveLength(1);
		expect(checks).toEqual([[2, 'outcomeUnknown']]);
		expect(sleeps).toHaveLength(1);
	});

	it('resends when the ledger check finds nothing', async () => {
		vendor.answer('reset', { status: 200, body: { deal: 5552 } });
		const { deps } = recordingDeps();

		const result = await call({ ...deposit, url: `${vendor.url}/deposit` }, policy(), deps, {
			hooks: { beforeRetry: async () => ({ retry: true }) },
		});
		expect(result).toEqual({ deal: 5552 });
		expect(vendor.requests).toHaveLength(2);
	});

	it('retries a POST answered with 429, which the vendor did not process', async () => {
		vendor.answer({ status: 429 }, { status: 201, body: { deal: 5553 } });
		const { deps } = recordingDeps();

		await expect(call({ ...deposit, url: `${vendor.url}/deposit` }, policy(), deps)).resolves.toEqual({ deal: 5553 });
		expect(vendor.requests).toHaveLength(2);
	});

	it('retries a POST whose connection was refused, since it never left', async () => {
		const port = await closedPort();
		const { sleeps, deps } = recordingDeps();

		const error = await failureOf(
			call({ ...deposit, url: `http://127.0.0.1:${port}/deposit` }, policy({ maxAttempts: 3 }), deps),
		);
		expect(sleeps).toHaveLength(2);
		expect(error).toMatchObject({ reason: 'exhausted', attempts: 3, mayHaveBeenApplied: false });
		expect(error.message).toBe(
			`Test Vendor at 127.0.0.1:${port} did not answer successfully after 3 tries: the connection was refused`,
		);
	});

	it('retries a POST the caller declares idempotent', async () => {
		vendor.answer('reset', { status: 200, body: { ok: true } });
		const { deps } = recordingDeps();

		await expect(
			call({ ...deposit, url: `${vendor.url}/deposit`, idempotent: true }, policy(), deps),
		).resolves.toEqual({ ok: true });
		expect(vendor.requests).toHaveLength(2);
	});

	it('retries a PUT by default', async () => {
		vendor.answer('reset', { status: 200, body: { ok: true } });
		const { deps } = recordingDeps();

		await expect(call({ method: 'PUT', body: { leverage: 100 } }, policy(), deps)).resolves.toEqual({ ok: true });
		expect(vendor.requests).toHaveLength(2);
	});

	it('classifies a raw Node socket error from a custom sender the same way', async () => {
		vendor.answer('reset');
		const { deps } = recordingDeps();
		const target = new URL(`${vendor.url}/deposit`);
		const send = async () =>
			await new Promise<IN8nHttpFullResponse>((resolve, reject) => {
				const request = http.request(target, { method: 'POST' }, (response) => {
					response.resume();
					response.on('end', () =>
						resolve({ statusCode: response.statusCode ?? 0, headers: response.headers as IDataObject, body: '' }),
					);
				});
				request.on('error', reject);
				request.end('{}');
			});

		const error = await failureOf(
			runWithRetry(
				{ node: testNode(), key: 'mt5:cred-1:raw', serviceName: 'MetaTrader 5', host: target.host, idempotent: false },
				send,
				policy(),
				{},
				deps,
			),
		);
		expect(vendor.requests).toHaveLength(1);
		expect(error.reason).toBe('outcomeUnknown');
	});
});

describe('circuit breaker per credential and host', () => {
	const breakerPolicy = policy({ maxAttempts: 1, breakerFailureThreshold: 3, breakerOpenMs: 30_000 });
	const key = () => `${CREDENTIAL_TYPE}:cred-1:${vendor.host}`;

	async function failCalls(times: number, deps: RetryDeps, ctx?: IExecuteFunctions, url?: string) {
		for (let i = 0; i < times; i++) {
			await failureOf(call(url ? { url } : {}, breakerPolicy, deps, { ctx }));
		}
	}

	it('opens after consecutive failures and then fails fast without reaching the vendor', async () => {
		vendor.answer({ status: 503 });
		const { deps } = recordingDeps();
		await failCalls(3, deps);
		expect(vendor.requests).toHaveLength(3);

		const error = await failureOf(call({}, breakerPolicy, deps));
		expect(vendor.requests).toHaveLength(3);
		expect(error).toMatchObject({ reason: 'breakerOpen', attempts: 0, retryAtMs: T0 + 30_000 });
		expect(error.message).toBe(
			`Test Vendor at ${vendor.host} is failing: 3 calls in a row failed; calls paused until 12:03:10 UTC`,
		);
		expect(breakerSnapshot()[key()]).toMatchObject({ state: 'open', consecutiveFailures: 3 });
	});

	it('lets one test call through after the open time and closes when it succeeds', async () => {
		vendor.answer({ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: { ok: true } });
		const { clock, deps } = recordingDeps();
		await failCalls(3, deps);

		clock.now += 30_000;
		expect(breakerSnapshot()[key()].state).toBe('halfOpen');
		await expect(call({}, breakerPolicy, deps)).resolves.toEqual({ ok: true });
		expect(breakerSnapshot()[key()]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
		await expect(call({}, breakerPolicy, deps)).resolves.toEqual({ ok: true });
		expect(vendor.requests).toHaveLength(5);
	});

	it('opens again when the test call fails', async () => {
		vendor.answer({ status: 503 });
		const { clock, deps } = recordingDeps();
		await failCalls(3, deps);

		clock.now += 30_000;
		const trial = await failureOf(call({}, breakerPolicy, deps));
		expect(trial.reason).toBe('exhausted');
		expect(vendor.requests).toHaveLength(4);

		const next = await failureOf(call({}, breakerPolicy, deps));
		expect(next.reason).toBe('breakerOpen');
		expect(next.message).toContain('4 calls in a row failed; calls paused until 12:03:40 UTC');
		expect(vendor.requests).toHaveLength(4);
	});

	it('stops a call retrying once its own failures open the breaker', async () => {
		vendor.answer({ status: 503 });
		const { deps } = recordingDeps();

		const error = await failureOf(call({}, policy({ maxAttempts: 4, breakerFailureThreshold: 2 }), deps));
		expect(vendor.requests).toHaveLength(2);
		expect(error).toMatchObject({ reason: 'breakerOpen', attempts: 2 });
		expect(error.description).toBe(
			'This call was stopped after 2 tries; the last one failed: HTTP 503 Service Unavailable. Calls resume by themselves once a test call succeeds.',
		);
	});

	it('does not count a 4xx answer as a failure: the vendor is up', async () => {
		vendor.answer({ status: 404, body: { message: 'no such account' } });
		const { deps } = recordingDeps();
		await failCalls(4, deps);

		expect(vendor.requests).toHaveLength(4);
		expect(breakerSnapshot()[key()]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
	});

	it('keeps breakers of different credentials and hosts independent', async () => {
		const otherVendor = new ScriptedVendor().answer({ status: 200, body: { ok: true } });
		await otherVendor.start();
		try {
			vendor.answer({ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: { ok: true } });
			const { deps } = recordingDeps();
			await failCalls(3, deps);
			expect((await failureOf(call({}, breakerPolicy, deps))).reason).toBe('breakerOpen');

			// Same credential, other host.
			await expect(call({ url: `${otherVendor.url}/v1/thing` }, breakerPolicy, deps)).resolves.toEqual({ ok: true });
			// Same host, other credential.
			const otherCredential = n8nContext(testNode('cred-2'));
			await expect(call({}, breakerPolicy, deps, { ctx: otherCredential })).resolves.toEqual({ ok: true });

			expect(breakerSnapshot()).toMatchObject({
				[`${CREDENTIAL_TYPE}:cred-1:${vendor.host}`]: { state: 'open' },
				[`${CREDENTIAL_TYPE}:cred-1:${otherVendor.host}`]: { state: 'closed' },
				[`${CREDENTIAL_TYPE}:cred-2:${vendor.host}`]: { state: 'closed' },
			});
		} finally {
			await otherVendor.stop();
		}
	});
});

describe('counters for the health view', () => {
	it('counts calls, retries, failures and the last success per integration', async () => {
		vendor.answer({ status: 503 }, { status: 200, body: {} }, { status: 400, body: {} });
		const { clock, deps } = recordingDeps();

		await call({}, policy(), deps);
		clock.now += 1000;
		await failureOf(call({}, policy(), deps));

		expect(httpCallStats()[`${CREDENTIAL_TYPE}:cred-1:${vendor.host}`]).toEqual({
			calls: 2,
			failures: 1,
			retries: 1,
			lastSuccessAtMs: T0,
			lastFailureAtMs: T0 + 1000,
		});
	});
});

describe('Retry and Timeout options', () => {
	function executeContext(options: unknown): IExecuteFunctions {
		return {
			getNode: () => testNode(),
			getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) =>
				name === 'retryAndTimeout' ? options : fallback,
		} as unknown as IExecuteFunctions;
	}

	it('defaults every option left out, and the editor shows the same defaults', () => {
		expect(readRetryPolicy(executeContext({}), 0)).toEqual(DEFAULT_RETRY_POLICY);
		const shown = Object.fromEntries(
			(retryAndTimeoutOptions.options as Array<{ name: string; default: unknown }>).map((o) => [o.name, o.default]),
		);
		expect(shown).toEqual({
			baseDelay: DEFAULT_RETRY_POLICY.baseDelayMs,
			breakerFailureThreshold: DEFAULT_RETRY_POLICY.breakerFailureThreshold,
			breakerOpenTime: DEFAULT_RETRY_POLICY.breakerOpenMs,
			honourRetryAfter: DEFAULT_RETRY_POLICY.honourRetryAfter,
			maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
			maxDelay: DEFAULT_RETRY_POLICY.maxDelayMs,
			maxRetryAfterWait: DEFAULT_RETRY_POLICY.maxRetryAfterWaitMs,
			timeout: DEFAULT_RETRY_POLICY.timeoutMs,
		});
	});

	it('reads the options set, including numbers and booleans written as text by expressions', () => {
		const read = readRetryPolicy(
			executeContext({ timeout: 2500, maxAttempts: '2', honourRetryAfter: 'false', breakerOpenTime: 60000 }),
			0,
		);
		expect(read).toEqual({
			...DEFAULT_RETRY_POLICY,
			timeoutMs: 2500,
			maxAttempts: 2,
			honourRetryAfter: false,
			breakerOpenMs: 60000,
		});
	});

	it('rejects an option out of range with an error naming it', () => {
		expect(() => readRetryPolicy(executeContext({ maxAttempts: 0 }), 3)).toThrow(NodeOperationError);
		expect(() => readRetryPolicy(executeContext({ maxAttempts: 2.5 }), 3)).toThrow(
			'"Max Attempts" in Retry and Timeout must be a whole number from 1 to 10; it is 2.5',
		);
		expect(() => readRetryPolicy(executeContext({ timeout: 'soon' }), 0)).toThrow(
			'"Timeout" in Retry and Timeout must be a number of at least 1; it is "soon"',
		);
		expect(() => readRetryPolicy(executeContext({ honourRetryAfter: 'maybe' }), 0)).toThrow(
			'"Honour Retry-After" in Retry and Timeout must be true or false; it is "maybe"',
		);
	});

	it('reads the options of a trigger, which has no items', () => {
		const poll = {
			getNode: () => testNode(),
			getNodeParameter: (name: string, fallback: unknown) => (name === 'retryAndTimeout' ? { maxDelay: 5000 } : fallback),
		} as unknown as IPollFunctions;
		expect(readRetryPolicy(poll).maxDelayMs).toBe(5000);
	});
});
