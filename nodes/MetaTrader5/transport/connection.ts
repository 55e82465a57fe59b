/**
 * The one documented exception to "HTTP only through n8n's helpers" (DESIGN.md, Rules of the
 * ecosystem): the MT5 Web API binds an authenticated session to the keep-alive TCP connection it
 * was opened on (MQ docs `webapi_https`: "All commands should be passed in the same session during
 * and after the authentication"; `webapi_pings`: re-authentication is required after a connection
 * loss), and MetaQuotes' own sample keeps a single connection. n8n's request helper opens a new
 * connection for every call and takes no agent, so this file keeps a keep-alive agent from Node's
 * http/https modules — one per credential, one socket, reused across executions — and
 * re-authenticates when the server drops the session (HTTP 403) or the connection.
 *
 * Nothing else in the pack imports http/https; scripts/lint.mjs exempts this file alone from the
 * scanner's restricted-imports rule (the real n8n scanner will report it: a known, deliberate cost).
 */
import { createHash } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import type { IN8nHttpFullResponse } from 'n8n-workflow';

import { newClientRand, passwordHash, randAnswer, serverProofMatches } from './auth';
import { describeRetcode, parseRetcode } from './retcodes';

export interface Mt5Endpoint {
	/** e.g. https://mt5.broker.com:443 (the access server's Web API address). */
	serverUrl: string;
	login: string;
	password: string;
	/** The agent name the server logs (no spaces). */
	agent: string;
	ignoreSslIssues: boolean;
}

export interface Mt5RawRequest {
	method: 'GET' | 'POST';
	path: string;
	query?: Record<string, string | number | undefined>;
	body?: unknown;
	timeoutMs: number;
}

/** A failed handshake: wrong password, unknown manager, or a server that failed its own proof. */
export class Mt5AuthError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'Mt5AuthError';
	}
}

interface Session {
	agent: http.Agent;
	authenticated: boolean;
	/** Concurrent callers wait for one handshake instead of starting their own. */
	handshake?: Promise<void>;
	lastUsedMs: number;
	hash: Buffer;
}

/**
 * MQ docs `webapi_pings` recommend a ping every 20 s. Node code may not run timers (n8n's scanner),
 * so the ping is sent on demand: before a write that follows 20 s of silence, `/api/test/access`
 * checks the session on a live connection. A dead session or socket is then found by a harmless
 * read, not by the write (whose lost answer would need a ledger check).
 */
let pingAfterIdleMs = 20_000;

/** For tests: ping before every write (0) or never (Infinity). */
export function setMt5PingAfterIdleMs(ms: number): void {
	pingAfterIdleMs = ms;
}

/** The Web API version we announce (MQ docs: 484 or newer). */
const API_VERSION = 1290;

const sessions = new Map<string, Session>();

/** The session key never holds the password itself, only a digest of it. */
/** Keys by endpoint object: a node run reuses one (transport/index.ts), so the digest is made once a run. */
const sessionKeys = new WeakMap<Mt5Endpoint, string>();

function sessionKey(endpoint: Mt5Endpoint): string {
	let key = sessionKeys.get(endpoint);
	if (key === undefined) {
		const secret = createHash('sha256').update(endpoint.password).digest('hex').slice(0, 16);
		key = `${endpoint.serverUrl}|${endpoint.login}|${secret}`;
		sessionKeys.set(endpoint, key);
	}
	return key;
}

function sessionFor(endpoint: Mt5Endpoint): Session {
	const key = sessionKey(endpoint);
	let session = sessions.get(key);
	if (!session) {
		const secure = endpoint.serverUrl.startsWith('https:');
		const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, keepAliveMsecs: 10_000 };
		session = {
			agent: secure
				? new https.Agent({ ...options, rejectUnauthorized: !endpoint.ignoreSslIssues })
				: new http.Agent(options),
			authenticated: false,
			lastUsedMs: 0,
			hash: passwordHash(endpoint.password),
		};
		sessions.set(key, session);
	}
	return session;
}

/**
 * MT5 screens =, |, \ and line feed inside parameter values with a backslash before the character
 * itself (MQ docs `webapi_screening`; reference/trading.md): a line feed is sent as backslash + line
 * feed, not as the two characters "\n".
 */
const SCREENED = /[\\=|\n]/;
const SCREENED_ALL = /[\\=|\n]/g;

function escapeValue(value: string): string {
	return SCREENED.test(value) ? value.replace(SCREENED_ALL, '\\$&') : value;
}

/** The path with its query; a plain loop, as every command of a long history read builds one. */
function buildPath(path: string, query: Mt5RawRequest['query'] = {}): string {
	let text = path;
	let separator = '?';
	for (const key in query) {
		const value = query[key];
		if (value === undefined || value === '') continue;
		text += `${separator}${encodeURIComponent(key)}=${encodeURIComponent(escapeValue(String(value)))}`;
		separator = '&';
	}
	return text;
}

interface Origin {
	transport: typeof http | typeof https;
	protocol: string;
	/** Without the brackets of an IPv6 literal, as Node's request options want it. */
	hostname: string;
	port: string;
	/** host[:port], for messages and breaker keys. */
	host: string;
}

/** The server's origin parsed once per endpoint object (a node run reuses one), not per command. */
const origins = new WeakMap<Mt5Endpoint, Origin>();

export function mt5Origin(endpoint: Mt5Endpoint): Origin {
	let origin = origins.get(endpoint);
	if (!origin) {
		const url = new URL(endpoint.serverUrl);
		origin = {
			transport: url.protocol === 'https:' ? https : http,
			protocol: url.protocol,
			hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
			port: url.port,
			host: url.host,
		};
		origins.set(endpoint, origin);
	}
	return origin;
}

/** Headers of a command without a body; Node copies them, so one object serves every command. */
const COMMAND_HEADERS = {
	// The docs ask for this content type even when the body is JSON (MQ docs `webapi_https`).
	'Content-Type': 'application/x-www-form-urlencoded',
	Connection: 'keep-alive',
};

/** The body as JSON when it is JSON (an object or array, or declared JSON), else the text. */
function parseBody(text: string, contentType: () => string): unknown {
	// Answers are objects: judge by the first character and only look at the headers (which Node
	// builds on first access) for anything else.
	const first = text.trimStart().charCodeAt(0);
	if (first === 0x7b /* { */ || first === 0x5b /* [ */ || contentType().includes('json')) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

function send(endpoint: Mt5Endpoint, session: Session, request: Mt5RawRequest): Promise<IN8nHttpFullResponse> {
	const origin = mt5Origin(endpoint);
	const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
	return new Promise((resolve, reject) => {
		const req = origin.transport.request(
			{
				protocol: origin.protocol,
				hostname: origin.hostname,
				port: origin.port,
				path: buildPath(request.path, request.query),
				method: request.method,
				agent: session.agent,
				timeout: request.timeoutMs,
				headers: payload === undefined ? COMMAND_HEADERS : { ...COMMAND_HEADERS, 'Content-Length': Buffer.byteLength(payload) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
					resolve({
						statusCode: res.statusCode ?? 0,
						statusMessage: res.statusMessage ?? '',
						// Read when asked (Retry-After, errors): Node builds the object on first access.
						get headers() {
							return res.headers;
						},
						body: parseBody(text, () => res.headers['content-type'] ?? '') as IN8nHttpFullResponse['body'],
					});
				});
			},
		);
		req.on('timeout', () => {
			req.destroy(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
		});
		req.on('error', (error: NodeJS.ErrnoException) => {
			// A keep-alive socket the server had already closed: the request never reached it.
			if (req.reusedSocket && error.code === 'ECONNRESET') error.code = 'ECONNRESET_STALE';
			reject(error);
		});
		req.end(payload);
	});
}

function answerOf(response: IN8nHttpFullResponse, step: string): Record<string, unknown> {
	if (response.statusCode !== 200 || typeof response.body !== 'object' || response.body === null) {
		throw new Mt5AuthError(`MetaTrader 5 ${step} failed with HTTP ${response.statusCode}`);
	}
	const body = response.body as Record<string, unknown>;
	const retcode = parseRetcode(body.retcode);
	if (retcode.code !== 0) throw new Mt5AuthError(`MetaTrader 5 refused the login: ${describeRetcode(retcode)}`);
	return body;
}

/** auth/start then auth/answer on the session's one connection, within the server's 10 s window. */
async function handshake(endpoint: Mt5Endpoint, session: Session, timeoutMs: number): Promise<void> {
	const start = answerOf(
		await send(endpoint, session, {
			method: 'GET',
			path: '/api/auth/start',
			query: { version: API_VERSION, agent: endpoint.agent.replace(/\s+/g, ''), login: endpoint.login, type: 'manager' },
			timeoutMs,
		}),
		'auth/start',
	);
	const serverRand = String(start.srv_rand ?? '');
	if (!/^[0-9a-f]{32}$/i.test(serverRand)) throw new Mt5AuthError('MetaTrader 5 auth/start answered without a valid srv_rand');
	const clientRand = newClientRand();
	const answer = answerOf(
		await send(endpoint, session, {
			method: 'GET',
			path: '/api/auth/answer',
			query: { srv_rand_answer: randAnswer(session.hash, serverRand), cli_rand: clientRand },
			timeoutMs,
		}),
		'auth/answer',
	);
	// The server proves it knows the password too; a mismatch means we are not talking to our server.
	if (!serverProofMatches(randAnswer(session.hash, clientRand), answer.cli_rand_answer)) {
		throw new Mt5AuthError('The MetaTrader 5 server failed to prove it knows the API password (cli_rand_answer mismatch)');
	}
}

async function ensureSession(endpoint: Mt5Endpoint, session: Session, timeoutMs: number): Promise<void> {
	if (session.authenticated) return;
	session.handshake ??= handshake(endpoint, session, timeoutMs)
		.then(() => {
			session.authenticated = true;
		})
		.finally(() => {
			session.handshake = undefined;
		});
	await session.handshake;
}

/**
 * Sends one Web API command in the credential's session, logging in first when needed. A 403 means
 * the server has no session for this connection (dropped after 180 s idle, restarted, or the
 * connection was replaced): nothing was executed, so we log in again and send the command once more.
 */
export async function mt5Send(endpoint: Mt5Endpoint, request: Mt5RawRequest): Promise<IN8nHttpFullResponse> {
	const session = sessionFor(endpoint);
	if (request.method === 'POST' && session.authenticated && Date.now() - session.lastUsedMs >= pingAfterIdleMs) {
		const ping = await sendOnce(endpoint, session, { method: 'GET', path: '/api/test/access', timeoutMs: request.timeoutMs });
		if (!ping.ok || ping.response.statusCode !== 200) session.authenticated = false;
	}
	for (let attempt = 1; ; attempt++) {
		if (!session.authenticated) await ensureSession(endpoint, session, request.timeoutMs);
		const sent = await sendOnce(endpoint, session, request);
		if (!sent.ok) {
			// The connection (and so the session) is gone. A read is sent again on a new connection;
			// a write is left to the caller, whose ledger check decides (the write may have landed).
			session.authenticated = false;
			if (sent.stale && request.method === 'GET' && attempt === 1) continue;
			throw sent.error;
		}
		const response = sent.response;
		session.lastUsedMs = Date.now();
		if (response.statusCode !== 403 || attempt === 2) return response;
		session.authenticated = false;
	}
}

function sendOnce(
	endpoint: Mt5Endpoint,
	session: Session,
	request: Mt5RawRequest,
): Promise<{ ok: true; response: IN8nHttpFullResponse } | { ok: false; error: Error; stale: boolean }> {
	return send(endpoint, session, request).then(
		(response) => ({ ok: true as const, response }),
		(error: NodeJS.ErrnoException) => {
			const stale = error.code === 'ECONNRESET_STALE';
			if (stale) error.code = 'ECONNRESET';
			return { ok: false as const, error, stale };
		},
	);
}

/** Logs in from scratch (the credential test): proves the address, login and password work. */
export async function mt5TestLogin(endpoint: Mt5Endpoint, timeoutMs: number): Promise<void> {
	const probe: Session = { ...sessionFor(endpoint), authenticated: false, handshake: undefined };
	await handshake(endpoint, probe, timeoutMs);
}

/** Forgets every session (tests; a credential whose password changed gets a new key anyway). */
export function closeMt5Sessions(): void {
	for (const session of sessions.values()) session.agent.destroy();
	sessions.clear();
}
