/**
 * Meta Graph API as a broker's marketing integration uses it: the Conversions API (server events
 * for a pixel / dataset) and customer-file Custom Audiences (add, remove, replace users).
 * Sources: reference/ads.md §1 (M-USE, M-SE, M-CIP, M-FBC, M-DEDUP, NODE-SDK) and §2 (M-CAU).
 *
 * Protocol as documented:
 * - `POST /{version}/{pixel_id}/events` with `access_token` in the query string or the body
 *   (JSON or form); body `{data, test_event_code?, partner_agent?}`; answer
 *   `{events_received, messages, fbtrace_id}`.
 * - At most 1,000 events in `data`; "If any event you send in a batch is invalid, we reject the
 *   entire batch", and "If any event_time in data is greater than 7 days in the past, we return an
 *   error for the entire request and process no events" (62 days for `physical_store`).
 * - `action_source` is required; `website` also needs `event_source_url` and
 *   `user_data.client_user_agent`.
 * - `user_data` keys em, ph, fn, ln, db, ge, ct, st, zp, country, external_id are SHA-256 hashed
 *   (lowercase hex, 64 characters); client_ip_address, client_user_agent, fbc, fbp are sent raw.
 * - Dedup: the same `event_name` + `event_id` within 48 hours counts once (the first one).
 * - Custom Audiences: `POST /{audience_id}/users` (add), `DELETE /{audience_id}/users` (remove),
 *   `POST /{audience_id}/usersreplace` (replace), each with `payload {schema, data}` and an optional
 *   `session {session_id, batch_seq (1-based), last_batch_flag, estimated_num_total}`; at most
 *   10,000 rows per request; answer `{audience_id, session_id, num_received, num_invalid_entries,
 *   invalid_entry_samples}`.
 * - Errors are `{"error": {message, type, code, error_subcode, fbtrace_id}}`; throttling is code 17
 *   (subcode 2446079, "User request limit reached"), 613 (subcode 1487742, too many calls from this
 *   ad account), 80003 (too many calls to this ad account, Custom Audiences); 190 invalid token,
 *   2635 deprecated version, 100 invalid parameter, 1713230 audience upload blocked.
 *
 * [inference] (not in the stored sources, chosen to be plausible and testable):
 * - HTTP 400 for every Graph error except throttling on the audience endpoints (also 400) — Graph
 *   answers 400 for OAuthException and invalid parameters; the exact status per code is not stored;
 * - error subcodes and `error_user_title`/`error_user_msg` wording for a bad event (the stored
 *   sources give the whole-batch rule, not the text); the message names `data[i]` and the field;
 * - an `event_time` more than 60 seconds in the future is refused;
 * - a plain field (fbc, fbp, IP, user agent) that is a 64-character hex string was hashed by
 *   mistake and is refused; fbc/fbp must look like `fb.<0-2>.<ms>.<value>`;
 * - `Purchase` needs `custom_data.value` and `custom_data.currency`;
 * - `user_data` needs at least one customer information parameter;
 * - the oldest API version still served is v21.0 (older ones answer 2635);
 * - replace sessions: the first batch of a replace session has `batch_seq` 1; batches collect the
 *   new membership, which replaces the old one only when the batch with `last_batch_flag` arrives;
 *   an unfinished replace session changes nothing and expires after 90 minutes without a batch;
 *   while one is open, add/remove and another replace session on that audience are refused
 *   (code 2650); a batch resent with the same `batch_seq` is taken once (so a retry is harmless);
 * - audience members are matched on any shared identifier column (remove by e-mail alone removes a
 *   member added with e-mail and phone); EXTERN_ID is accepted unhashed as well (any non-empty
 *   string), every other column must be a SHA-256 hex digest or "" (unknown);
 * - invalid rows are counted in `num_invalid_entries`, not a reason to refuse the request.
 */
import { randomBytes } from 'node:crypto';

import { SandboxHttpError, Simulator, type Router, type SandboxRequest, type SandboxResponse } from '../framework';

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_AUDIENCE_ROWS_PER_REQUEST = 10_000;
export const MAX_EVENT_AGE_SECONDS = 7 * 24 * 3600;
export const MAX_PHYSICAL_STORE_EVENT_AGE_SECONDS = 62 * 24 * 3600;
export const DEDUP_WINDOW_SECONDS = 48 * 3600;
/** [inference] */
export const FUTURE_TOLERANCE_SECONDS = 60;
/** [inference] */
export const REPLACE_SESSION_TIMEOUT_MS = 90 * 60_000;
/** [inference] */
export const OLDEST_SUPPORTED_VERSION = 21;

export const ACTION_SOURCES = ['website', 'app', 'chat', 'email', 'other', 'phone_call', 'physical_store', 'system_generated'] as const;
export const HASHED_USER_DATA_KEYS = ['em', 'ph', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country', 'external_id'] as const;
export const PLAIN_USER_DATA_KEYS = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id'] as const;
export const AUDIENCE_SCHEMA_KEYS = ['EXTERN_ID', 'EMAIL', 'PHONE', 'GEN', 'DOBY', 'DOBM', 'DOBD', 'LN', 'FN', 'FI', 'CT', 'ST', 'ZIP', 'COUNTRY', 'MADID'] as const;
/** Single-key schemas (M-CAU). */
export const SINGLE_KEY_SCHEMAS: Record<string, string> = { EMAIL_SHA256: 'EMAIL', PHONE_SHA256: 'PHONE', MOBILE_ADVERTISER_ID: 'MADID' };

/** Throttling answers as Meta documents them (reference/ads.md §1.6, §2). */
export const THROTTLING_ERRORS = {
	userRequestLimit: { code: 17, error_subcode: 2446079, message: '(#17) User request limit reached', type: 'OAuthException' },
	adAccountCalls: { code: 613, error_subcode: 1487742, message: 'There have been too many calls from this ad-account. Wait a bit and try again.', type: 'OAuthException' },
	audienceCalls: { code: 80003, error_subcode: 2446079, message: 'There have been too many calls to this ad-account. Wait a bit and try again.', type: 'OAuthException' },
} as const;
export type ThrottlingKind = keyof typeof THROTTLING_ERRORS;

const SHA256_HEX = /^[a-f0-9]{64}$/;
const COOKIE_ID = /^fb\.[0-2]\.\d{10,13}\.\S+$/;

export interface MetaGraphError {
	message: string;
	type: string;
	code: number;
	error_subcode?: number;
	error_user_title?: string;
	error_user_msg?: string;
	fbtrace_id: string;
}

/** One server event as Meta received it. */
export interface ReceivedEvent {
	pixelId: string;
	requestId: string;
	testEventCode: string | null;
	receivedAtMs: number;
	/** False when an earlier event with the same event_name + event_id (within 48 h) was kept instead. */
	counted: boolean;
	event: Record<string, unknown>;
}

export interface EventsRequestRecord {
	pixelId: string;
	fbtraceId: string;
	eventCount: number;
	accepted: boolean;
	error?: MetaGraphError;
	testEventCode: string | null;
}

export type AudienceMember = Record<string, string>;

export interface AudienceSession {
	sessionId: string;
	kind: 'add' | 'remove' | 'replace';
	batches: number[];
	estimatedNumTotal: number | null;
	numReceived: number;
	numInvalidEntries: number;
	finished: boolean;
	expired: boolean;
	lastBatchAtMs: number;
	/** Replace only: the membership being built. */
	staged: AudienceMember[];
}

export interface Audience {
	id: string;
	name: string;
	members: AudienceMember[];
	sessions: AudienceSession[];
	/** Set to 471 by `flagAudience`: updates then fail with code 100 subcode 1713230. */
	operationStatus: number;
}

export interface AudienceRequestRecord {
	audienceId: string;
	method: string;
	kind: 'add' | 'remove' | 'replace';
	rows: number;
	sessionId: string | null;
	batchSeq: number | null;
	lastBatchFlag: boolean;
	accepted: boolean;
	error?: MetaGraphError;
}

export interface MetaSimulatorOptions {
	accessToken?: string;
	pixelId?: string;
	adAccountId?: string;
	/** Audiences present after reset, by id. */
	audiences?: Record<string, { name: string }>;
	/** Clock in UTC milliseconds. */
	now?: () => number;
}

class GraphError extends SandboxHttpError {
	constructor(status: number, readonly error: MetaGraphError) {
		super(status, { error });
	}
}

function fbtraceId(): string {
	return randomBytes(8).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 11);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIp(value: string): boolean {
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
	if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
	return value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value);
}

export class MetaSimulator extends Simulator {
	readonly name = 'meta';
	readonly title = 'Meta Graph API: Conversions API events and Custom Audience users (access_token)';

	private readonly accessToken: string;
	private readonly pixelId: string;
	private readonly adAccountId: string;
	private readonly initialAudiences: Record<string, { name: string }>;
	private readonly now: () => number;

	private received: ReceivedEvent[] = [];
	private eventRequests: EventsRequestRecord[] = [];
	private audiences = new Map<string, Audience>();
	private audienceRequests: AudienceRequestRecord[] = [];
	private throttles: Array<{ kind: ThrottlingKind; remaining: number; path: 'events' | 'audience' | 'any' }> = [];

	constructor(options: MetaSimulatorOptions = {}) {
		super();
		this.accessToken = options.accessToken ?? 'meta_sandbox_token_EAAB7c1d2e3f';
		this.pixelId = options.pixelId ?? '1234567890123456';
		this.adAccountId = options.adAccountId ?? 'act_987654321';
		this.initialAudiences = options.audiences ?? {
			'23850000000000001': { name: 'Registered, no deposit' },
			'23850000000000002': { name: 'Newsletter readers' },
		};
		this.now = options.now ?? (() => Date.now());
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.received = [];
		this.eventRequests = [];
		this.audienceRequests = [];
		this.throttles = [];
		this.audiences = new Map();
		for (const [id, { name }] of Object.entries(this.initialAudiences)) {
			this.audiences.set(id, { id, name, members: [], sessions: [], operationStatus: 200 });
		}
	}

	state() {
		return {
			pixelId: this.pixelId,
			adAccountId: this.adAccountId,
			events: this.received,
			eventRequests: this.eventRequests,
			audiences: [...this.audiences.values()].map((a) => ({ ...a, sessions: a.sessions.map((s) => ({ ...s, staged: s.staged.length })) })),
			audienceRequests: this.audienceRequests,
		};
	}

	credentials(): Record<string, string> {
		return { accessToken: this.accessToken, pixelId: this.pixelId, adAccountId: this.adAccountId, apiVersion: 'v25.0' };
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	/** Every event received, duplicates included (see `counted`). */
	get events(): ReceivedEvent[] {
		return this.received;
	}

	/** The events Meta keeps after dedup by event_name + event_id. */
	countedEvents(): ReceivedEvent[] {
		return this.received.filter((e) => e.counted);
	}

	/** Every `/events` request, accepted or refused, in order. */
	get eventRequestLog(): EventsRequestRecord[] {
		return this.eventRequests;
	}

	/** Every audience request, accepted or refused, in order. */
	get audienceRequestLog(): AudienceRequestRecord[] {
		return this.audienceRequests;
	}

	audience(id: string): Audience | undefined {
		return this.audiences.get(id);
	}

	/** The current members of an audience (rows as {schema key: hash}). */
	audienceMembers(id: string): AudienceMember[] {
		return this.audiences.get(id)?.members ?? [];
	}

	createAudience(id: string, name = `Audience ${id}`, members: AudienceMember[] = []): Audience {
		const audience: Audience = { id, name, members: members.map((m) => ({ ...m })), sessions: [], operationStatus: 200 };
		this.audiences.set(id, audience);
		return audience;
	}

	/** Marks an audience as flagged (operation_status 471): updates fail with subcode 1713230. */
	flagAudience(id: string): void {
		const audience = this.audiences.get(id);
		if (!audience) throw new Error(`no audience ${id}`);
		audience.operationStatus = 471;
	}

	/**
	 * Meta's throttling answer for the next `times` matching requests (fault injection with Meta's
	 * own error body; the generic `status` fault of the framework works too).
	 */
	throttle(kind: ThrottlingKind, times = 1, path: 'events' | 'audience' | 'any' = 'any'): void {
		this.throttles.push({ kind, remaining: times, path });
	}

	/** Lets a replace session time out as if 90 minutes passed without a batch. */
	expireReplaceSessions(): void {
		for (const audience of this.audiences.values()) {
			for (const session of audience.sessions) {
				if (session.kind === 'replace' && !session.finished) {
					session.expired = true;
					session.finished = true;
				}
			}
		}
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		const graph = (handler: (req: SandboxRequest, body: Record<string, unknown>) => SandboxResponse) => (req: SandboxRequest) => {
			try {
				const body = this.body(req);
				this.authenticate(req, body);
				return handler(req, body);
			} catch (error) {
				if (error instanceof GraphError) return { status: error.status, body: { error: error.error } };
				throw error;
			}
		};
		router.add('POST', '/:version/:pixelId/events', graph((req, body) => this.events_(req, body)));
		for (const prefix of ['/:version', '']) {
			router.add(['POST', 'DELETE'], `${prefix}/:audienceId/users`, graph((req, body) => this.audienceUsers(req, body, req.method === 'DELETE' ? 'remove' : 'add')));
			router.add('POST', `${prefix}/:audienceId/usersreplace`, graph((req, body) => this.audienceUsers(req, body, 'replace')));
		}
		router.add('GET', '/:version/:objectId', graph((req) => this.readObject(req)));
	}

	private graphError(status: number, code: number, message: string, extra: Partial<MetaGraphError> = {}): GraphError {
		return new GraphError(status, { message, type: extra.type ?? 'OAuthException', code, fbtrace_id: fbtraceId(), ...extra });
	}

	private invalidParameter(userMessage: string, subcode = 2804003, title = 'Invalid parameter'): GraphError {
		return this.graphError(400, 100, '(#100) Invalid parameter', { error_subcode: subcode, error_user_title: title, error_user_msg: userMessage });
	}

	/** JSON or form body; form fields `data`, `payload`, `session` hold JSON text. */
	private body(req: SandboxRequest): Record<string, unknown> {
		const text = req.rawBody.toString('utf8');
		if (!text.trim()) return {};
		const type = String(req.headers['content-type'] ?? '');
		if (type.includes('application/x-www-form-urlencoded')) {
			const out: Record<string, unknown> = {};
			for (const [key, value] of new URLSearchParams(text)) {
				if (['data', 'payload', 'session'].includes(key)) {
					try {
						out[key] = JSON.parse(value) as unknown;
					} catch {
						throw this.invalidParameter(`The parameter ${key} is not valid JSON.`);
					}
				} else out[key] = value;
			}
			return out;
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			throw this.invalidParameter('The request body is not valid JSON.');
		}
		if (!isObject(parsed)) throw this.invalidParameter('The request body must be a JSON object.');
		return parsed;
	}

	private authenticate(req: SandboxRequest, body: Record<string, unknown>): void {
		const version = req.params.version;
		if (version !== undefined) {
			const match = /^v(\d+)\.0$/.exec(version);
			if (!match) throw this.graphError(400, 2500, `Unknown path components: /${version}`);
			if (Number(match[1]) < OLDEST_SUPPORTED_VERSION) {
				throw this.graphError(400, 2635, `(#2635) You are calling a deprecated version of the Graph API. Please update to the latest version: v25.0.`);
			}
		}
		const token = req.query.get('access_token') ?? (typeof body.access_token === 'string' ? body.access_token : undefined);
		if (!token) throw this.graphError(400, 104, 'An access token is required to request this resource.');
		if (token !== this.accessToken) throw this.graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token', { error_subcode: 463 });
	}

	private takeThrottle(path: 'events' | 'audience'): void {
		const rule = this.throttles.find((t) => t.remaining > 0 && (t.path === 'any' || t.path === path));
		if (!rule) return;
		rule.remaining--;
		this.throttles = this.throttles.filter((t) => t.remaining > 0);
		this.faults.fired.push({ kind: 'status', method: 'POST', path: `meta:${rule.kind}`, at: this.now() });
		const error = THROTTLING_ERRORS[rule.kind];
		throw this.graphError(400, error.code, error.message, { error_subcode: error.error_subcode, type: error.type });
	}

	private readObject(req: SandboxRequest): SandboxResponse {
		const id = req.params.objectId;
		if (id === this.pixelId) return { body: { id, name: 'Sandbox Pixel' } };
		const audience = this.audiences.get(id);
		if (audience) return { body: { id, name: audience.name, operation_status: { code: audience.operationStatus } } };
		if (id === this.adAccountId) return { body: { id, name: 'Sandbox Ad Account' } };
		throw this.graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33, type: 'GraphMethodException' });
	}

	// -------------------------------------------------------------------------------------------
	// Conversions API
	// -------------------------------------------------------------------------------------------

	private events_(req: SandboxRequest, body: Record<string, unknown>): SandboxResponse {
		const pixelId = req.params.pixelId;
		const testEventCode = typeof body.test_event_code === 'string' && body.test_event_code ? body.test_event_code : null;
		const data = Array.isArray(body.data) ? (body.data as unknown[]) : undefined;
		const record: EventsRequestRecord = { pixelId, fbtraceId: '', eventCount: data?.length ?? 0, accepted: false, testEventCode };
		this.eventRequests.push(record);
		try {
			this.takeThrottle('events');
			if (pixelId !== this.pixelId) {
				throw this.graphError(400, 100, `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33, type: 'GraphMethodException' });
			}
			if (body.data === undefined) throw this.invalidParameter('The parameter data is required.', 2804001, 'Missing data');
			if (!data) throw this.invalidParameter('The parameter data must be an array of events.', 2804001);
			if (data.length === 0) throw this.invalidParameter('The parameter data must contain at least one event.', 2804001);
			if (data.length > MAX_EVENTS_PER_REQUEST) {
				throw this.invalidParameter(`You can send up to ${MAX_EVENTS_PER_REQUEST} events in data; this request has ${data.length}.`, 2804019, 'Too many events');
			}
			// Whole-batch rule: the first invalid event rejects the request; nothing is recorded.
			const nowSeconds = Math.floor(this.now() / 1000);
			data.forEach((event, index) => this.validateEvent(event, index, nowSeconds));
		} catch (error) {
			if (error instanceof GraphError) {
				record.error = error.error;
				record.fbtraceId = error.error.fbtrace_id;
			}
			throw error;
		}
		const trace = fbtraceId();
		record.fbtraceId = trace;
		record.accepted = true;
		const receivedAtMs = this.now();
		for (const event of data as Array<Record<string, unknown>>) {
			this.received.push({ pixelId, requestId: trace, testEventCode, receivedAtMs, counted: !this.isDuplicate(pixelId, event, receivedAtMs), event });
		}
		return { body: { events_received: data.length, messages: [], fbtrace_id: trace } };
	}

	private isDuplicate(pixelId: string, event: Record<string, unknown>, atMs: number): boolean {
		if (typeof event.event_id !== 'string' || !event.event_id) return false;
		return this.received.some(
			(e) =>
				e.counted &&
				e.pixelId === pixelId &&
				e.event.event_id === event.event_id &&
				e.event.event_name === event.event_name &&
				atMs - e.receivedAtMs <= DEDUP_WINDOW_SECONDS * 1000,
		);
	}

	private validateEvent(event: unknown, index: number, nowSeconds: number): void {
		const at = `data[${index}]`;
		const bad = (field: string, problem: string, subcode = 2804003) => this.invalidParameter(`${at}.${field}: ${problem}`, subcode);
		if (!isObject(event)) throw this.invalidParameter(`${at} must be an object.`);
		if (typeof event.event_name !== 'string' || !event.event_name.trim()) throw bad('event_name', 'is required.');
		if (event.event_time === undefined) throw bad('event_time', 'is required.');
		const time = typeof event.event_time === 'string' && /^\d+$/.test(event.event_time) ? Number(event.event_time) : event.event_time;
		if (typeof time !== 'number' || !Number.isInteger(time) || time <= 0) throw bad('event_time', 'must be a Unix timestamp in seconds.');
		if (time > 1e11) throw bad('event_time', 'must be a Unix timestamp in seconds, not milliseconds.');
		const source = event.action_source;
		if (source === undefined || source === null || source === '') throw bad('action_source', 'is required.', 2804050);
		if (!ACTION_SOURCES.includes(source as (typeof ACTION_SOURCES)[number])) {
			throw bad('action_source', `must be one of ${ACTION_SOURCES.join(', ')}.`, 2804050);
		}
		const maxAge = source === 'physical_store' ? MAX_PHYSICAL_STORE_EVENT_AGE_SECONDS : MAX_EVENT_AGE_SECONDS;
		if (nowSeconds - time > maxAge) {
			throw this.invalidParameter(
				`${at}.event_time: the timestamp is more than ${maxAge / 86400} days in the past; events must be sent within ${maxAge / 86400} days of when they occurred.`,
				2804004,
				'Event Timestamp Too Old',
			);
		}
		if (time - nowSeconds > FUTURE_TOLERANCE_SECONDS) {
			throw this.invalidParameter(`${at}.event_time: the timestamp is in the future.`, 2804005, 'Event Timestamp In The Future');
		}
		if (event.event_id !== undefined && (typeof event.event_id !== 'string' || !event.event_id)) throw bad('event_id', 'must be a non-empty string.');
		const userData = event.user_data;
		if (!isObject(userData)) throw bad('user_data', 'is required.', 2804008);
		if (source === 'website') {
			if (typeof event.event_source_url !== 'string' || !event.event_source_url) throw bad('event_source_url', 'is required when action_source is website.');
			if (typeof userData.client_user_agent !== 'string' || !userData.client_user_agent) throw bad('user_data.client_user_agent', 'is required when action_source is website.');
		}
		let identifiers = 0;
		for (const key of HASHED_USER_DATA_KEYS) {
			const value = userData[key];
			if (value === undefined) continue;
			const values = Array.isArray(value) ? value : [value];
			for (const entry of values) {
				if (typeof entry !== 'string' || !SHA256_HEX.test(entry)) {
					throw bad(`user_data.${key}`, 'must be hashed: a lowercase hex SHA-256 digest of 64 characters of the normalised value.', 2804010);
				}
				identifiers++;
			}
		}
		for (const key of PLAIN_USER_DATA_KEYS) {
			const value = userData[key];
			if (value === undefined) continue;
			if (typeof value !== 'string' && !(key === 'lead_id' && typeof value === 'number')) throw bad(`user_data.${key}`, 'must be a string.');
			const text = String(value);
			if (SHA256_HEX.test(text)) throw bad(`user_data.${key}`, 'must not be hashed: send it as it is.', 2804011);
			if ((key === 'fbc' || key === 'fbp') && !COOKIE_ID.test(text)) throw bad(`user_data.${key}`, 'must look like fb.1.<creation time in ms>.<value>.', 2804012);
			if (key === 'client_ip_address' && !isIp(text)) throw bad(`user_data.${key}`, 'must be an IPv4 or IPv6 address.');
			identifiers++;
		}
		if (identifiers === 0) throw bad('user_data', 'needs at least one customer information parameter.', 2804008);
		const custom = event.custom_data;
		if (custom !== undefined && !isObject(custom)) throw bad('custom_data', 'must be an object.');
		if (isObject(custom)) {
			if (custom.value !== undefined && (typeof custom.value !== 'number' || !Number.isFinite(custom.value))) throw bad('custom_data.value', 'must be a number.');
			if (custom.currency !== undefined && (typeof custom.currency !== 'string' || !/^[A-Za-z]{3}$/.test(custom.currency))) {
				throw bad('custom_data.currency', 'must be a three-letter ISO 4217 code.');
			}
		}
		if (event.event_name === 'Purchase' && (!isObject(custom) || custom.value === undefined || custom.currency === undefined)) {
			throw bad('custom_data', 'value and currency are required for Purchase events.', 2804009);
		}
	}

	// -------------------------------------------------------------------------------------------
	// Custom Audiences
	// -------------------------------------------------------------------------------------------

	private audienceUsers(req: SandboxRequest, body: Record<string, unknown>, kind: 'add' | 'remove' | 'replace'): SandboxResponse {
		const audienceId = req.params.audienceId;
		const sessionIn = isObject(body.session) ? body.session : undefined;
		const record: AudienceRequestRecord = {
			audienceId,
			method: req.method,
			kind,
			rows: 0,
			sessionId: sessionIn?.session_id === undefined ? null : String(sessionIn.session_id),
			batchSeq: typeof sessionIn?.batch_seq === 'number' ? sessionIn.batch_seq : null,
			lastBatchFlag: sessionIn?.last_batch_flag === true,
			accepted: false,
		};
		this.audienceRequests.push(record);
		try {
			this.takeThrottle('audience');
			const answer = this.applyAudienceChange(audienceId, body, kind, record);
			record.accepted = true;
			return { body: answer };
		} catch (error) {
			if (error instanceof GraphError) record.error = error.error;
			throw error;
		}
	}

	private applyAudienceChange(audienceId: string, body: Record<string, unknown>, kind: 'add' | 'remove' | 'replace', record: AudienceRequestRecord) {
		const audience = this.audiences.get(audienceId);
		if (!audience) {
			throw this.graphError(400, 100, `Unsupported post request. Object with ID '${audienceId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33, type: 'GraphMethodException' });
		}
		if (audience.operationStatus === 471) {
			throw this.invalidParameter(
				'Before updating user memberships, you must resolve integrity restrictions on this Data File Custom Audience. Go to Audience Manager to appeal the restrictions or create a new audience with updated data',
				1713230,
				'Audience Upload Blocked',
			);
		}
		const payload = typeof body.payload === 'string' ? this.parseJson(body.payload, 'payload') : body.payload;
		if (!isObject(payload)) throw this.invalidParameter('The parameter payload is required.', 1870034);
		const schema = this.schemaOf(payload.schema);
		if (!Array.isArray(payload.data)) throw this.invalidParameter('payload.data must be an array of rows.', 1870034);
		const data = payload.data as unknown[];
		record.rows = data.length;
		if (data.length === 0) throw this.invalidParameter('payload.data must contain at least one row.', 1870034);
		if (data.length > MAX_AUDIENCE_ROWS_PER_REQUEST) {
			throw this.invalidParameter(`You can send at most ${MAX_AUDIENCE_ROWS_PER_REQUEST} rows at a time; this request has ${data.length}.`, 1870036, 'Too many users');
		}
		const rawSession = typeof body.session === 'string' ? this.parseJson(body.session, 'session') : body.session;
		const requestedId = isObject(rawSession) ? String(rawSession.session_id ?? '') : '';
		const open = audience.sessions.find((s) => s.kind === 'replace' && !s.finished && s.sessionId !== requestedId);
		if (open) {
			this.expireIfStale(open);
			if (!open.finished) {
				throw this.graphError(400, 2650, `(#2650) Failed to update the custom audience: replace session ${open.sessionId} is still in progress on this audience; finish it (last_batch_flag) before other changes.`, { error_subcode: 1870145 });
			}
		}
		const session = this.session(audience, rawSession, kind);

		const valid: AudienceMember[] = [];
		const invalidSamples: string[] = [];
		let invalid = 0;
		for (const row of data) {
			const member = this.memberOf(schema, row);
			if (member) valid.push(member);
			else {
				invalid++;
				if (invalidSamples.length < 10) invalidSamples.push(JSON.stringify(row).slice(0, 200));
			}
		}

		const batchSeq = session?.batchSeq;
		const repeated = session && batchSeq !== undefined && session.record.batches.includes(batchSeq);
		if (session && !repeated) {
			session.record.batches.push(batchSeq!);
			session.record.numReceived += data.length;
			session.record.numInvalidEntries += invalid;
			session.record.lastBatchAtMs = this.now();
		}
		if (!repeated) {
			if (kind === 'replace') session!.record.staged.push(...valid);
			else if (kind === 'add') for (const member of valid) this.addMember(audience, member);
			else for (const member of valid) audience.members = audience.members.filter((m) => !this.sameUser(m, member));
		}
		if (session?.last && !repeated) {
			session.record.finished = true;
			if (kind === 'replace') {
				const members: AudienceMember[] = [];
				for (const member of session.record.staged) {
					const existing = members.find((m) => this.sameUser(m, member));
					if (existing) Object.assign(existing, member);
					else members.push({ ...member });
				}
				audience.members = members;
				session.record.staged = [];
			}
		}
		return {
			audience_id: audienceId,
			session_id: session ? session.record.sessionId : String(Math.floor(this.now())),
			num_received: data.length,
			num_invalid_entries: invalid,
			invalid_entry_samples: Object.fromEntries(invalidSamples.map((s, i) => [String(i), s])),
		};
	}

	private parseJson(text: string, field: string): unknown {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			throw this.invalidParameter(`The parameter ${field} is not valid JSON.`);
		}
	}

	private schemaOf(schema: unknown): string[] {
		if (typeof schema === 'string') {
			const single = SINGLE_KEY_SCHEMAS[schema];
			if (single) return [single];
			if ((AUDIENCE_SCHEMA_KEYS as readonly string[]).includes(schema)) return [schema];
			throw this.invalidParameter(`payload.schema: "${schema}" is not a schema Meta knows.`, 1870033);
		}
		if (!Array.isArray(schema) || schema.length === 0) throw this.invalidParameter('payload.schema is required.', 1870033);
		for (const key of schema) {
			if (typeof key !== 'string' || !(AUDIENCE_SCHEMA_KEYS as readonly string[]).includes(key)) {
				throw this.invalidParameter(`payload.schema: "${String(key)}" is not one of ${AUDIENCE_SCHEMA_KEYS.join(', ')}.`, 1870033);
			}
		}
		if (new Set(schema).size !== schema.length) throw this.invalidParameter('payload.schema lists a key twice.', 1870033);
		return schema as string[];
	}

	/** A row as {key: value}; undefined when invalid (wrong width, unhashed value, nothing known). */
	private memberOf(schema: string[], row: unknown): AudienceMember | undefined {
		const cells = Array.isArray(row) ? row : schema.length === 1 ? [row] : undefined;
		if (!cells || cells.length !== schema.length) return undefined;
		const member: AudienceMember = {};
		for (let i = 0; i < schema.length; i++) {
			const cell = cells[i];
			if (typeof cell !== 'string') return undefined;
			if (cell === '') continue;
			const key = schema[i];
			if (key !== 'EXTERN_ID' && key !== 'MADID' && !SHA256_HEX.test(cell)) return undefined;
			member[key] = cell;
		}
		return Object.keys(member).length ? member : undefined;
	}

	private sameUser(a: AudienceMember, b: AudienceMember): boolean {
		return Object.entries(b).some(([key, value]) => a[key] === value);
	}

	private addMember(audience: Audience, member: AudienceMember): void {
		const existing = audience.members.find((m) => this.sameUser(m, member));
		if (existing) Object.assign(existing, member);
		else audience.members.push({ ...member });
	}

	private expireIfStale(session: AudienceSession): void {
		if (!session.finished && this.now() - session.lastBatchAtMs > REPLACE_SESSION_TIMEOUT_MS) {
			session.expired = true;
			session.finished = true;
		}
	}

	private session(
		audience: Audience,
		raw: unknown,
		kind: 'add' | 'remove' | 'replace',
	): { record: AudienceSession; batchSeq: number; last: boolean } | undefined {
		if (raw === undefined || raw === null) {
			if (kind === 'replace') throw this.invalidParameter('session is required for usersreplace (session_id, batch_seq, last_batch_flag).', 1870040);
			return undefined;
		}
		const session = typeof raw === 'string' ? this.parseJson(raw, 'session') : raw;
		if (!isObject(session)) throw this.invalidParameter('session must be an object.', 1870040);
		const idText = String(session.session_id ?? '');
		if (!/^\d{1,19}$/.test(idText)) throw this.invalidParameter('session.session_id must be a positive 64-bit integer.', 1870040);
		const batchSeq = Number(session.batch_seq);
		if (!Number.isInteger(batchSeq) || batchSeq < 1) throw this.invalidParameter('session.batch_seq must be a whole number starting at 1.', 1870040);
		if (session.last_batch_flag !== undefined && typeof session.last_batch_flag !== 'boolean') {
			throw this.invalidParameter('session.last_batch_flag must be true or false.', 1870040);
		}
		const last = session.last_batch_flag === true;
		const estimated = session.estimated_num_total === undefined ? null : Number(session.estimated_num_total);
		let record = audience.sessions.find((s) => s.sessionId === idText);
		if (record) {
			if (record.kind !== kind) throw this.invalidParameter(`session ${idText} was started for ${record.kind}, not ${kind}.`, 1870041);
			this.expireIfStale(record);
			if (record.expired) throw this.invalidParameter(`session ${idText} expired: no batch arrived for 90 minutes. Start a new session.`, 1870042);
			if (record.finished && !record.batches.includes(batchSeq)) {
				throw this.invalidParameter(`session ${idText} is finished (its last batch was received); start a new session.`, 1870043);
			}
		} else {
			if (kind === 'replace' && batchSeq !== 1) throw this.invalidParameter('A replace session must start with batch_seq 1.', 1870044);
			record = {
				sessionId: idText,
				kind,
				batches: [],
				estimatedNumTotal: estimated,
				numReceived: 0,
				numInvalidEntries: 0,
				finished: false,
				expired: false,
				lastBatchAtMs: this.now(),
				staged: [],
			};
			audience.sessions.push(record);
		}
		return { record, batchSeq, last };
	}
}
