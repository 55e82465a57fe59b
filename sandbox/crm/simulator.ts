/**
 * A generic white-label forex CRM: the system at the centre of a brokerage's integrations. Its REST
 * API (API key in `X-API-Key`, snake_case JSON) holds clients, their trading accounts, money
 * transactions and notes, and it sends HMAC-signed webhooks for every change.
 *
 * There is no single vendor behind this simulator: it is the shape most brokerage CRMs share,
 * with two conventions borrowed from Stripe because our trigger and nodes must handle them:
 * - `Idempotency-Key` on POST: the first answer for a key is stored and replayed (with
 *   `Idempotent-Replayed: true`) for the same key and the same request; the same key with a
 *   different request is refused; a request that failed validation stores nothing
 *   (https://docs.stripe.com/api/idempotent_requests).
 * - Webhook signatures `X-CRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw
 *   body>")>` (Stripe's scheme, https://docs.stripe.com/webhooks#verify-manually), verifiable with
 *   lib/signatures.ts `verifyTimestampedHeader({headerName: 'X-CRM-Signature'})`. A subscription can
 *   instead ask for `signature_mode: "plain"`: `X-CRM-Signature: <hex HMAC-SHA256(secret, raw body)>`
 *   and no timestamp anywhere. During a secret rotation with a grace period the timestamped header
 *   carries one `v1` per valid secret, the new one first, as Stripe does while a secret rolls.
 *
 * Transactions may carry a `reference` (text, at most 64 characters, unique across transactions): the
 * id of the money movement in the system it came from, e.g. "praxis:8823" (our templates' idempotency
 * key, which MT5 also keeps as the deal comment) or "mt5:500001:90001" (platform, login, deal). It
 * makes writes from several sources land on one record:
 * - `PUT /api/transactions/by-reference/:reference` creates the transaction (201, the body as for
 *   POST; `reference` in the body, if given, must equal the path's) when no transaction has that
 *   reference, and otherwise answers the existing one (200) changing nothing but `status`, when one
 *   is given and the change is allowed. A final status (completed, rejected, failed, cancelled)
 *   stays final, as with PATCH; here a late or replayed PUT asking for another status does not
 *   fail, it gets the transaction as it is. Replaying a PUT therefore never makes a second record.
 * - POST with a `reference` that is already used answers 409
 *   `{error: "duplicate_reference", message, transaction}` (the existing transaction).
 * - `GET /api/transactions?reference=...` filters by it; PATCH can set it once on a transaction
 *   that has none (a withdrawal the client asked for in the portal gets its payout key when it is
 *   released), never change it.
 * `occurred_at` (ISO-8601 UTC, ending in Z) is when the money moved in the source system, e.g. the
 * platform deal's time; it defaults to the creation time.
 *
 * `GET /api/trading-accounts/:platform/:login` finds the trading account (and so the client, and the
 * account currency) a platform login is linked to; 404 when no client has it.
 *
 * Deliveries go through a WebhookSender registered as `webhookSenders.crm`, so the control API can
 * inject duplicate, out-of-order, forged and stale deliveries. They are sent after the API call
 * answered (one queue, in order), like a real CRM's outbox; `idle()` waits for them.
 */
import { createHash, randomBytes } from 'node:crypto';

import { compareDecimal, CURRENCY_DIGITS, MoneyError, parseDecimal, toMinorUnits } from '../../lib/money';
import { computeHmac } from '../../lib/signatures';
import {
	SandboxHttpError,
	Simulator,
	WebhookSender,
	type Delivery,
	type Router,
	type SandboxRequest,
	type SandboxResponse,
	type WebhookEvent,
} from '../framework';

export const CRM_EVENT_TYPES = [
	'client.created',
	'client.updated',
	'client.kyc_approved',
	'client.kyc_rejected',
	'trading_account.created',
	'transaction.created',
	'transaction.updated',
	'transaction.approved',
	'transaction.completed',
	'transaction.rejected',
	'note.created',
	'touchpoint.created',
	'client.erasure_requested',
	'client.erased',
] as const;
export type CrmEventType = (typeof CRM_EVENT_TYPES)[number];

export const CLIENT_STATUSES = ['lead', 'active', 'dormant', 'blocked'] as const;
/** `resubmission_requested`: the KYC vendor rejected with RETRY and the client was asked to resubmit. */
export const KYC_STATUSES = ['not_started', 'pending', 'resubmission_requested', 'approved', 'rejected'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const PLATFORMS = ['mt5', 'ctrader', 'mt4'] as const;
export const TRANSACTION_TYPES = ['deposit', 'withdrawal', 'credit_in', 'credit_out', 'bonus', 'correction'] as const;
export const TRANSACTION_STATUSES = ['pending', 'approved', 'completed', 'rejected', 'failed', 'cancelled'] as const;
/** The longest transaction `reference` the CRM stores. */
export const REFERENCE_MAX_LENGTH = 64;
/** A transaction in one of these states is final: its status cannot change any more. */
export const FINAL_TRANSACTION_STATUSES = ['completed', 'rejected', 'failed', 'cancelled'] as const;
export const SIGNATURE_MODES = ['timestamped', 'plain'] as const;
export type CrmSignatureMode = (typeof SIGNATURE_MODES)[number];

export const SIGNATURE_HEADER = 'X-CRM-Signature';

export interface CrmSimulatorOptions {
	/** The API key the CRM accepts in `X-API-Key` (default "crm_sandbox_key_5f2b9c1e"). */
	apiKey?: string;
	/** Clock in UTC milliseconds (timestamps and webhook signatures). */
	now?: () => number;
	/** Seed two clients, one trading account and one transaction on reset (default true). */
	seed?: boolean;
	/** Deliver webhooks to subscriptions (default true); when false events are only recorded. */
	deliverWebhooks?: boolean;
}

export interface CrmClient {
	id: number;
	first_name: string;
	last_name: string;
	email: string;
	phone: string | null;
	country: string | null;
	date_of_birth: string | null;
	language: string;
	status: (typeof CLIENT_STATUSES)[number];
	kyc_status: (typeof KYC_STATUSES)[number];
	risk_level: (typeof RISK_LEVELS)[number] | null;
	/** The KYC vendor's applicant id and vendor (e.g. sumsub), once an applicant exists. */
	kyc_applicant_id: string | null;
	kyc_provider: string | null;
	/** The earliest expiry of the client's verified documents, YYYY-MM-DD (a date, no time zone). */
	kyc_document_expires_on: string | null;
	/** When the client's KYC must be reviewed again (by risk level), YYYY-MM-DD. */
	kyc_next_review_on: string | null;
	/** Whether the client agreed to marketing (ad platforms, audiences, lifecycle e-mails), and since when (UTC). */
	marketing_consent: boolean;
	marketing_consent_at: string | null;
	/** Set once the client's personal data was erased on request (GDPR art. 17); the record stays as a shell. */
	erased_at: string | null;
	created_at: string;
	updated_at: string;
}

/** A marketing touchpoint of a client (the canonical Touchpoint of lib/model.ts, as JSON). */
export interface CrmTouchpoint {
	id: number;
	client_id: number;
	/** When the visit or click happened, ISO-8601 UTC. */
	time_utc: string;
	channel: string | null;
	data: Record<string, unknown>;
	created_at: string;
}

export interface CrmTradingAccount {
	id: number;
	client_id: number;
	platform: (typeof PLATFORMS)[number];
	login: string;
	group: string;
	leverage: number;
	currency: string;
	created_at: string;
	/** Figures synced from the platform (the platform is their source of truth), decimal strings. */
	balance?: string;
	credit?: string;
	equity?: string;
	margin?: string;
	free_margin?: string;
	margin_level?: string;
	figures_updated_at?: string;
}

/** The fields a platform sync may write on a trading account. */
const FIGURE_FIELDS = ['balance', 'credit', 'equity', 'margin', 'free_margin', 'margin_level'] as const;

export interface CrmTransaction {
	id: number;
	client_id: number;
	login: string | null;
	type: (typeof TRANSACTION_TYPES)[number];
	/** Decimal string, e.g. "250.00". */
	amount: string;
	currency: string;
	status: (typeof TRANSACTION_STATUSES)[number];
	method: string | null;
	psp: string | null;
	psp_transaction_id: string | null;
	/** Where a withdrawal is paid to: a wallet address, an IBAN or a card mask (set at creation). */
	destination: string | null;
	/** Why a transaction was rejected, cancelled or failed; shown to the client by the CRM. */
	reason: string | null;
	/** The id of the money movement in its source system ("praxis:8823", "mt5:500001:90001"); unique. */
	reference: string | null;
	/** When the money moved, in UTC (e.g. the platform deal's time); the creation time if not given. */
	occurred_at: string;
	created_at: string;
	updated_at: string;
}

export interface CrmNote {
	id: number;
	client_id: number;
	body: string;
	author: string | null;
	created_at: string;
}

export interface CrmEvent {
	id: string;
	type: string;
	created_at: string;
	data: Record<string, unknown>;
}

export interface CrmWebhookSubscription {
	id: string;
	url: string;
	events: string[];
	secret: string;
	signature_mode: CrmSignatureMode;
	/** The secret before the last rotation, still signed with until `expiresAtMs`. */
	previous_secret?: { secret: string; expiresAtMs: number };
	active: boolean;
	created_at: string;
}

type FieldErrors = Record<string, string[]>;

class Validation {
	readonly errors: FieldErrors = {};
	add(field: string, message: string): void {
		(this.errors[field] ??= []).push(message);
	}
	get failed(): boolean {
		return Object.keys(this.errors).length > 0;
	}
	/** 422 with every field and its messages; `message` names them all in one line. */
	throwIfFailed(): void {
		if (!this.failed) return;
		const message = Object.entries(this.errors)
			.map(([field, messages]) => `${field}: ${messages.join(', ')}`)
			.join('; ');
		throw new SandboxHttpError(422, { error: 'validation_failed', message, errors: this.errors });
	}
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function notFound(what: string): never {
	throw new SandboxHttpError(404, { error: 'not_found', message: `${what} not found` });
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

function isValidDate(text: string): boolean {
	const match = ISO_DATE.exec(text);
	if (!match) return false;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
	return date.toISOString().slice(0, 10) === text;
}

/** JSON with sorted keys: two requests with the same parameters in another order are the same. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export class CrmSimulator extends Simulator {
	readonly name = 'crm';
	readonly title = 'Forex CRM REST API (X-API-Key) with HMAC-signed webhooks';

	private readonly apiKey: string;
	private readonly now: () => number;
	private readonly seed: boolean;
	private readonly deliverWebhooks: boolean;
	private readonly sender: WebhookSender;
	/** Which subscription a queued delivery belongs to (the sender's signer gets only the event). */
	private readonly deliveryTarget = new WeakMap<WebhookEvent, CrmWebhookSubscription>();
	private queue: Promise<unknown> = Promise.resolve();

	private clients = new Map<number, CrmClient>();
	private accounts: CrmTradingAccount[] = [];
	private transactions = new Map<number, CrmTransaction>();
	private notes: CrmNote[] = [];
	private touchpoints: CrmTouchpoint[] = [];
	private subscriptions = new Map<string, CrmWebhookSubscription>();
	private events: CrmEvent[] = [];
	private idempotency = new Map<string, { fingerprint: string; response: SandboxResponse }>();
	private nextClientId = 0;
	private nextAccountId = 0;
	private nextTransactionId = 0;
	private nextNoteId = 0;
	private nextTouchpointId = 0;

	constructor(options: CrmSimulatorOptions = {}) {
		super();
		this.apiKey = options.apiKey ?? 'crm_sandbox_key_5f2b9c1e';
		this.now = options.now ?? (() => Date.now());
		this.seed = options.seed ?? true;
		this.deliverWebhooks = options.deliverWebhooks ?? true;
		this.sender = new WebhookSender(
			(event, { forge, timestampSeconds }) => this.sign(event, forge, timestampSeconds),
			() => Math.floor(this.now() / 1000),
		);
		this.webhookSenders.crm = this.sender;
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.clients = new Map();
		this.accounts = [];
		this.transactions = new Map();
		this.notes = [];
		this.touchpoints = [];
		this.nextTouchpointId = 9001;
		this.subscriptions = new Map();
		this.events = [];
		this.idempotency = new Map();
		this.nextClientId = 1001;
		this.nextAccountId = 3001;
		this.nextTransactionId = 5001;
		this.nextNoteId = 7001;
		this.figureUpdates.length = 0;
		this.trades = new Map();
		this.sender.clear();
		if (this.seed) this.seedDefaults();
	}

	state() {
		return {
			clients: [...this.clients.values()],
			tradingAccounts: this.accounts,
			trades: [...this.trades.values()],
			transactions: [...this.transactions.values()],
			notes: this.notes,
			touchpoints: this.touchpoints,
			webhooks: [...this.subscriptions.values()],
			events: this.events,
			idempotencyKeys: this.idempotency.size,
		};
	}

	credentials(): Record<string, string> {
		return { apiKey: this.apiKey, apiKeyHeader: 'X-API-Key' };
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	/** Records an event and queues its delivery to every matching subscription; returns the event. */
	emit(type: string, data: Record<string, unknown>): CrmEvent {
		const event = this.record(type, data);
		// Delivery failures are recorded by the sender; nothing here may reject unobserved.
		if (this.deliverWebhooks) this.deliver(event).catch(() => undefined);
		return event;
	}

	/** Like emit, but resolves with the deliveries (each with the receiver's status and body). */
	async sendEvent(type: string, data: Record<string, unknown>): Promise<Delivery[]> {
		return await this.deliver(this.record(type, data));
	}

	/** Resolves once every queued delivery has been answered. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	/** Every delivery made so far (the control API serves the same list). */
	get deliveries(): Delivery[] {
		return this.sender.deliveries;
	}

	/** Events recorded so far, oldest first. */
	get emittedEvents(): CrmEvent[] {
		return this.events;
	}

	/** Adds a webhook subscription directly; returns it with its secret. */
	subscribe(url: string, events: string[] = ['*'], options: { secret?: string; signatureMode?: CrmSignatureMode } = {}): CrmWebhookSubscription {
		const subscription: CrmWebhookSubscription = {
			id: `wh_${randomBytes(8).toString('hex')}`,
			url,
			events,
			secret: options.secret ?? CrmSimulator.newSecret(),
			signature_mode: options.signatureMode ?? 'timestamped',
			active: true,
			created_at: iso(this.now()),
		};
		this.subscriptions.set(subscription.id, subscription);
		return subscription;
	}

	client(id: number): CrmClient | undefined {
		return this.clients.get(id);
	}

	transaction(id: number): CrmTransaction | undefined {
		return this.transactions.get(id);
	}

	static newSecret(): string {
		return `whsec_${randomBytes(24).toString('base64url')}`;
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		const api = (method: string, path: string, handler: (req: SandboxRequest) => SandboxResponse) =>
			router.add(method, path, (req) => {
				this.authenticate(req);
				return method === 'POST' ? this.idempotent(req, handler) : handler(req);
			});
		api('GET', '/api/clients', (req) => this.listClients(req));
		api('POST', '/api/clients', (req) => this.createClient(req));
		api('GET', '/api/clients/:id', (req) => ({ body: this.requireClient(req.params.id) }));
		api('PATCH', '/api/clients/:id', (req) => this.updateClient(req));
		api('GET', '/api/clients/:id/trading-accounts', (req) => ({ body: { data: this.accountsOf(this.requireClient(req.params.id).id) } }));
		api('POST', '/api/clients/:id/trading-accounts', (req) => this.createTradingAccount(req));
		api('GET', '/api/trading-accounts/:platform/:login', (req) => ({ body: this.requireAccount(req.params.platform, req.params.login) }));
		api('PATCH', '/api/trading-accounts/:platform/:login', (req) => this.updateAccountFigures(req));
		api('PUT', '/api/trades/:platform/:dealId', (req) => this.putTrade(req));
		api('GET', '/api/trades', (req) => ({ body: { data: [...this.trades.values()].filter((t) => !req.query.get('login') || t.login === req.query.get('login')) } }));
		api('GET', '/api/clients/:id/notes', (req) => {
			const client = this.requireClient(req.params.id);
			return { body: { data: this.notes.filter((n) => n.client_id === client.id) } };
		});
		api('POST', '/api/clients/:id/notes', (req) => this.createNote(req));
		api('GET', '/api/clients/:id/touchpoints', (req) => {
			const client = this.requireClient(req.params.id);
			return { body: { data: this.touchpoints.filter((t) => t.client_id === client.id).sort((a, b) => a.time_utc.localeCompare(b.time_utc)) } };
		});
		api('POST', '/api/clients/:id/touchpoints', (req) => this.createTouchpoint(req));
		api('POST', '/api/clients/:id/erasure-requests', (req) => this.requestErasure(req));
		api('POST', '/api/clients/:id/erase', (req) => this.erase(req));
		api('GET', '/api/transactions', (req) => this.listTransactions(req));
		api('POST', '/api/transactions', (req) => this.createTransaction(req));
		api('PUT', '/api/transactions/by-reference/:reference', (req) => this.putTransactionByReference(req));
		api('GET', '/api/transactions/:id', (req) => ({ body: this.requireTransaction(req.params.id) }));
		api('PATCH', '/api/transactions/:id', (req) => this.updateTransaction(req));
		api('GET', '/api/events', (req) => this.listEvents(req));
		api('GET', '/api/webhooks', () => ({ body: { data: [...this.subscriptions.values()].map((s) => this.subscriptionJson(s, false)) } }));
		api('POST', '/api/webhooks', (req) => this.createSubscription(req));
		api('DELETE', '/api/webhooks/:id', (req) => {
			if (!this.subscriptions.delete(req.params.id)) notFound(`webhook ${req.params.id}`);
			return { status: 204 };
		});
		api('POST', '/api/webhooks/:id/rotate-secret', (req) => this.rotateSecret(req));
	}

	private authenticate(req: SandboxRequest): void {
		const key = req.headers['x-api-key'];
		if (typeof key !== 'string' || key !== this.apiKey) {
			throw new SandboxHttpError(401, { error: 'unauthorized', message: 'The X-API-Key header is missing or not a valid API key' });
		}
	}

	/** Stripe's Idempotency-Key semantics for POST (see the header comment). */
	private idempotent(req: SandboxRequest, handler: (req: SandboxRequest) => SandboxResponse): SandboxResponse {
		const header = req.headers['idempotency-key'];
		const key = Array.isArray(header) ? header[0] : header;
		if (key === undefined || key === '') return handler(req);
		if (key.length > 255) throw new SandboxHttpError(400, { error: 'invalid_request', message: 'Idempotency-Key must be at most 255 characters' });
		let parsed: unknown;
		try {
			parsed = JSON.parse(req.rawBody.toString('utf8') || 'null');
		} catch {
			parsed = req.rawBody.toString('base64');
		}
		const fingerprint = createHash('sha256').update(`${req.method} ${req.path} ${canonicalJson(parsed)}`).digest('hex');
		const saved = this.idempotency.get(key);
		if (saved) {
			if (saved.fingerprint !== fingerprint) {
				throw new SandboxHttpError(400, {
					error: 'idempotency_key_reused',
					message: `Idempotency-Key "${key}" was already used with different parameters; keys can only be reused for the same request`,
				});
			}
			return { ...saved.response, headers: { ...(saved.response.headers ?? {}), 'idempotent-replayed': 'true' } };
		}
		const response = handler(req);
		this.idempotency.set(key, { fingerprint, response });
		return response;
	}

	private objectBody(req: SandboxRequest): Record<string, unknown> {
		const body = req.json<unknown>();
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			throw new SandboxHttpError(400, { error: 'invalid_request', message: 'The request body must be a JSON object' });
		}
		return body as Record<string, unknown>;
	}

	// -------------------------------------------------------------------------------------------
	// Clients
	// -------------------------------------------------------------------------------------------

	private listClients(req: SandboxRequest): SandboxResponse {
		const filters = { email: req.query.get('email')?.trim().toLowerCase(), status: req.query.get('status'), kyc_status: req.query.get('kyc_status') };
		const updatedSince = this.optionalTime(req, 'updated_since');
		const matching = [...this.clients.values()].filter(
			(c) =>
				(!filters.email || c.email === filters.email) &&
				(!filters.status || c.status === filters.status) &&
				(!filters.kyc_status || c.kyc_status === filters.kyc_status) &&
				(updatedSince === undefined || Date.parse(c.updated_at) >= updatedSince),
		);
		return { body: this.page(req, matching) };
	}

	private createClient(req: SandboxRequest): SandboxResponse {
		const values = this.validateClient(this.objectBody(req), undefined);
		const now = iso(this.now());
		const client: CrmClient = {
			id: this.nextClientId++,
			first_name: '',
			last_name: '',
			email: '',
			phone: null,
			country: null,
			date_of_birth: null,
			language: 'en',
			status: 'lead',
			kyc_status: 'not_started',
			risk_level: null,
			kyc_applicant_id: null,
			kyc_provider: null,
			kyc_document_expires_on: null,
			kyc_next_review_on: null,
			marketing_consent: false,
			marketing_consent_at: null,
			erased_at: null,
			...values,
			created_at: now,
			updated_at: now,
		};
		this.clients.set(client.id, client);
		this.emit('client.created', { ...client });
		return { status: 201, body: client };
	}

	private updateClient(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		const values = this.validateClient(this.objectBody(req), client);
		const changed = Object.entries(values).filter(([field, value]) => client[field as keyof CrmClient] !== value);
		if (changed.length === 0) return { body: client };
		const previousKyc = client.kyc_status;
		Object.assign(client, values, { updated_at: iso(this.now()) });
		this.emit('client.updated', { ...client });
		if (client.kyc_status !== previousKyc && client.kyc_status === 'approved') this.emit('client.kyc_approved', { ...client });
		if (client.kyc_status !== previousKyc && client.kyc_status === 'rejected') this.emit('client.kyc_rejected', { ...client });
		return { body: client };
	}

	/** Checks a create (existing undefined) or an update; returns the normalised values given. */
	private validateClient(body: Record<string, unknown>, existing: CrmClient | undefined): Partial<CrmClient> {
		const check = new Validation();
		const values: Partial<CrmClient> = {};
		const known = [
			'first_name',
			'last_name',
			'email',
			'phone',
			'country',
			'date_of_birth',
			'language',
			'status',
			'kyc_status',
			'risk_level',
			'kyc_applicant_id',
			'kyc_provider',
			'kyc_document_expires_on',
			'kyc_next_review_on',
			'marketing_consent',
		];
		for (const field of Object.keys(body)) {
			if (['id', 'created_at', 'updated_at'].includes(field)) check.add(field, 'is read-only');
			else if (!known.includes(field)) check.add(field, 'is not a known client field');
		}
		for (const field of ['first_name', 'last_name'] as const) {
			if (body[field] === undefined) {
				if (!existing) check.add(field, 'is required');
				continue;
			}
			const text = typeof body[field] === 'string' ? (body[field] as string).trim() : '';
			if (text === '') check.add(field, 'must be a non-empty string');
			else if (text.length > 100) check.add(field, 'must be at most 100 characters');
			else values[field] = text;
		}
		if (body.email === undefined) {
			if (!existing) check.add('email', 'is required');
		} else {
			const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
			if (!EMAIL.test(email)) check.add('email', 'must be a valid email address');
			else if ([...this.clients.values()].some((c) => c.email === email && c.id !== existing?.id)) check.add('email', 'has already been taken');
			else values.email = email;
		}
		const nullable = (field: 'phone' | 'country' | 'date_of_birth', normalise: (text: string) => string, valid: (text: string) => boolean, message: string) => {
			if (body[field] === undefined) return;
			if (body[field] === null) {
				values[field] = null;
				return;
			}
			const text = typeof body[field] === 'string' ? normalise(body[field] as string) : '';
			if (!valid(text)) check.add(field, message);
			else values[field] = text;
		};
		nullable('phone', (t) => t.replace(/[\s()-]/g, ''), (t) => E164.test(t), 'must be in E.164 format, e.g. +35799123456');
		nullable('country', (t) => t.trim().toUpperCase(), (t) => /^[A-Z]{2}$/.test(t), 'must be an ISO 3166-1 alpha-2 code, e.g. CY');
		nullable(
			'date_of_birth',
			(t) => t.trim(),
			(t) => isValidDate(t) && Date.parse(t) < this.now(),
			'must be a past date in YYYY-MM-DD format',
		);
		if (body.language !== undefined) {
			const language = typeof body.language === 'string' ? body.language.trim().toLowerCase() : '';
			if (!/^[a-z]{2}$/.test(language)) check.add('language', 'must be an ISO 639-1 code, e.g. en');
			else values.language = language;
		}
		const oneOf = <T extends string>(field: 'status' | 'kyc_status' | 'risk_level', allowed: readonly T[], allowNull = false) => {
			if (body[field] === undefined) return;
			if (body[field] === null && allowNull) {
				(values as Record<string, unknown>)[field] = null;
				return;
			}
			if (!allowed.includes(body[field] as T)) check.add(field, `must be one of ${allowed.join(', ')}${allowNull ? ' or null' : ''}`);
			else (values as Record<string, unknown>)[field] = body[field];
		};
		oneOf('status', CLIENT_STATUSES);
		oneOf('kyc_status', KYC_STATUSES);
		oneOf('risk_level', RISK_LEVELS, true);
		for (const field of ['kyc_applicant_id', 'kyc_provider'] as const) {
			if (body[field] === undefined) continue;
			if (body[field] === null) values[field] = null;
			else if (typeof body[field] !== 'string' || (body[field] as string).trim() === '' || (body[field] as string).length > 100) check.add(field, 'must be a non-empty string of at most 100 characters, or null');
			else values[field] = (body[field] as string).trim();
		}
		for (const field of ['kyc_document_expires_on', 'kyc_next_review_on'] as const) {
			if (body[field] === undefined) continue;
			if (body[field] === null) values[field] = null;
			else if (typeof body[field] !== 'string' || !isValidDate((body[field] as string).trim())) check.add(field, 'must be a date in YYYY-MM-DD format, or null');
			else values[field] = (body[field] as string).trim();
		}
		if (body.marketing_consent !== undefined) {
			if (typeof body.marketing_consent !== 'boolean') check.add('marketing_consent', 'must be true or false');
			else if (body.marketing_consent !== existing?.marketing_consent) {
				values.marketing_consent = body.marketing_consent;
				values.marketing_consent_at = body.marketing_consent ? iso(this.now()) : null;
			}
		}
		if (existing?.erased_at) check.add('client', `was erased on ${existing.erased_at}; an erased client cannot be changed`);
		check.throwIfFailed();
		return values;
	}

	// -------------------------------------------------------------------------------------------
	// Trading accounts and notes
	// -------------------------------------------------------------------------------------------

	private accountsOf(clientId: number): CrmTradingAccount[] {
		return this.accounts.filter((a) => a.client_id === clientId);
	}

	/** Trade history for client reporting, one record per platform deal (PUT makes re-sends harmless). */
	trades = new Map<string, Record<string, unknown>>();

	private putTrade(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const check = new Validation();
		const login = typeof body.login === 'string' ? body.login : '';
		if (!/^\d+$/.test(login)) check.add('login', 'must be the platform account number (digits, as text)');
		if (typeof body.time_utc !== 'string' || !/Z$/.test(body.time_utc) || Number.isNaN(Date.parse(body.time_utc))) {
			check.add('time_utc', 'must be an ISO-8601 time in UTC ending in Z');
		}
		for (const field of ['volume_lots', 'profit']) {
			if (typeof body[field] !== 'string' || !/^-?\d+(\.\d+)?$/.test(body[field] as string)) check.add(field, 'must be a decimal string');
		}
		check.throwIfFailed();
		const key = `${req.params.platform}:${req.params.dealId}`;
		const existed = this.trades.has(key);
		const trade = { platform: req.params.platform, deal_id: req.params.dealId, ...body, received_at: iso(this.now()) };
		this.trades.set(key, trade);
		return { status: existed ? 200 : 201, body: trade };
	}

	/** Every figures update received, for tests of "only changed fields are sent". */
	readonly figureUpdates: Array<{ platform: string; login: string; fields: Record<string, string> }> = [];

	/** The platform sync writes balance/equity/margin figures on a linked trading account. */
	private updateAccountFigures(req: SandboxRequest): SandboxResponse {
		const account = this.requireAccount(req.params.platform, req.params.login);
		const body = this.objectBody(req);
		const check = new Validation();
		const fields: Record<string, string> = {};
		for (const [field, value] of Object.entries(body)) {
			if (!(FIGURE_FIELDS as readonly string[]).includes(field)) check.add(field, `is not a figure field (${FIGURE_FIELDS.join(', ')})`);
			else if (value === null) fields[field] = '';
			else if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) check.add(field, 'must be a decimal string such as "1250.50"');
			else fields[field] = value;
		}
		if (Object.keys(body).length === 0) check.add('body', 'has no figures to update');
		check.throwIfFailed();
		Object.assign(account, fields, { figures_updated_at: iso(this.now()) });
		this.figureUpdates.push({ platform: account.platform, login: account.login, fields });
		return { body: account };
	}

	private requireAccount(platform: string, login: string): CrmTradingAccount {
		return this.accounts.find((a) => a.platform === platform && a.login === login) ?? notFound(`trading account ${platform} ${login}`);
	}

	private createTradingAccount(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		const body = this.objectBody(req);
		const check = new Validation();
		for (const field of Object.keys(body)) {
			if (!['platform', 'login', 'group', 'leverage', 'currency'].includes(field)) check.add(field, 'is not a known trading account field');
		}
		if (!PLATFORMS.includes(body.platform as (typeof PLATFORMS)[number])) check.add('platform', `must be one of ${PLATFORMS.join(', ')}`);
		const login = typeof body.login === 'number' && Number.isSafeInteger(body.login) ? String(body.login) : typeof body.login === 'string' ? body.login.trim() : '';
		if (!/^\d{1,12}$/.test(login)) check.add('login', 'must be the platform account number (digits)');
		else {
			const owner = this.accounts.find((a) => a.platform === body.platform && a.login === login);
			if (owner) check.add('login', `is already linked to client ${owner.client_id}`);
		}
		if (typeof body.group !== 'string' || body.group.trim() === '') check.add('group', 'is required');
		if (typeof body.leverage !== 'number' || !Number.isInteger(body.leverage) || body.leverage < 1 || body.leverage > 1000) {
			check.add('leverage', 'must be a whole number from 1 to 1000 (the N in 1:N)');
		}
		const currency = typeof body.currency === 'string' ? body.currency.trim().toUpperCase() : '';
		if (!/^[A-Z]{3,5}$/.test(currency)) check.add('currency', 'must be a currency code such as USD');
		check.throwIfFailed();
		const account: CrmTradingAccount = {
			id: this.nextAccountId++,
			client_id: client.id,
			platform: body.platform as CrmTradingAccount['platform'],
			login,
			group: (body.group as string).trim(),
			leverage: body.leverage as number,
			currency,
			created_at: iso(this.now()),
		};
		this.accounts.push(account);
		this.emit('trading_account.created', { ...account });
		return { status: 201, body: account };
	}

	private createNote(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		const body = this.objectBody(req);
		const check = new Validation();
		const text = typeof body.body === 'string' ? body.body.trim() : '';
		if (text === '') check.add('body', 'is required');
		else if (text.length > 5000) check.add('body', 'must be at most 5000 characters');
		if (body.author !== undefined && body.author !== null && typeof body.author !== 'string') check.add('author', 'must be a string');
		check.throwIfFailed();
		const note: CrmNote = { id: this.nextNoteId++, client_id: client.id, body: text, author: (body.author as string | undefined) ?? null, created_at: iso(this.now()) };
		this.notes.push(note);
		this.emit('note.created', { ...note });
		return { status: 201, body: note };
	}

	/** Stores a marketing touchpoint; the same one sent again (same time and click ids / UTM) is answered, not stored twice. */
	private createTouchpoint(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		const body = this.objectBody(req);
		const check = new Validation();
		const time = body.timeUtc;
		if (typeof time !== 'string' || !/Z$/.test(time) || Number.isNaN(Date.parse(time))) check.add('timeUtc', 'must be an ISO-8601 time in UTC ending in Z');
		if (body.channel !== undefined && body.channel !== null && typeof body.channel !== 'string') check.add('channel', 'must be a string');
		if (client.erased_at) check.add('client', `was erased on ${client.erased_at}`);
		check.throwIfFailed();
		const data = { ...body };
		const same = this.touchpoints.find((t) => t.client_id === client.id && canonicalJson(t.data) === canonicalJson(data));
		if (same) return { status: 200, body: same };
		const touchpoint: CrmTouchpoint = {
			id: this.nextTouchpointId++,
			client_id: client.id,
			time_utc: new Date(Date.parse(time as string)).toISOString(),
			channel: typeof body.channel === 'string' ? body.channel : null,
			data,
			created_at: iso(this.now()),
		};
		this.touchpoints.push(touchpoint);
		this.emit('touchpoint.created', { ...touchpoint });
		return { status: 201, body: touchpoint };
	}

	/**
	 * A client asked to be forgotten: announced with the personal data still present, so integrations
	 * can remove the client from ad audiences first; `POST .../erase` completes it.
	 */
	private requestErasure(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		if (client.erased_at) throw new SandboxHttpError(409, { error: 'already_erased', message: `client ${client.id} was erased on ${client.erased_at}` });
		const event = this.emit('client.erasure_requested', { ...client });
		return { status: 202, body: { client_id: client.id, event_id: event.id } };
	}

	/** Replaces the personal data with placeholders, withdraws marketing consent, drops touchpoints. */
	private erase(req: SandboxRequest): SandboxResponse {
		const client = this.requireClient(req.params.id);
		if (client.erased_at) return { body: client };
		const at = iso(this.now());
		Object.assign(client, {
			first_name: 'Erased',
			last_name: 'Client',
			email: `erased-${client.id}@erased.invalid`,
			phone: null,
			date_of_birth: null,
			marketing_consent: false,
			marketing_consent_at: null,
			erased_at: at,
			updated_at: at,
		});
		this.touchpoints = this.touchpoints.filter((t) => t.client_id !== client.id);
		this.emit('client.erased', { id: client.id, erased_at: at });
		return { body: client };
	}

	// -------------------------------------------------------------------------------------------
	// Transactions
	// -------------------------------------------------------------------------------------------

	private listTransactions(req: SandboxRequest): SandboxResponse {
		const clientId = req.query.get('client_id');
		const filters: Array<[keyof CrmTransaction, string | null]> = [
			['status', req.query.get('status')],
			['type', req.query.get('type')],
			['psp_transaction_id', req.query.get('psp_transaction_id')],
			['login', req.query.get('login')],
			['reference', req.query.get('reference')],
		];
		const updatedSince = this.optionalTime(req, 'updated_since');
		const matching = [...this.transactions.values()].filter(
			(t) =>
				(clientId === null || String(t.client_id) === clientId) &&
				filters.every(([field, value]) => value === null || t[field] === value) &&
				(updatedSince === undefined || Date.parse(t.updated_at) >= updatedSince),
		);
		return { body: this.page(req, matching) };
	}

	private createTransaction(req: SandboxRequest): SandboxResponse {
		const transaction = this.validNewTransaction(this.objectBody(req), undefined);
		const taken = transaction.reference === null ? undefined : this.byReference(transaction.reference);
		if (taken) {
			throw new SandboxHttpError(409, {
				error: 'duplicate_reference',
				message: `reference "${transaction.reference}" is already used by transaction ${taken.id}; PUT /api/transactions/by-reference/<reference> answers it without creating another`,
				transaction: taken,
			});
		}
		return { status: 201, body: this.store(transaction) };
	}

	/** Create-or-get by reference (see the header comment). */
	private putTransactionByReference(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const check = new Validation();
		const reference = this.validReference(req.params.reference, 'reference', check);
		if (body.reference !== undefined && body.reference !== req.params.reference) check.add('reference', `must be the reference in the path ("${req.params.reference}") or left out`);
		check.throwIfFailed();
		const existing = this.byReference(reference as string);
		if (!existing) return { status: 201, body: this.store(this.validNewTransaction(body, reference as string)) };
		if (body.status !== undefined) {
			if (!TRANSACTION_STATUSES.includes(body.status as CrmTransaction['status'])) check.add('status', `must be one of ${TRANSACTION_STATUSES.join(', ')}`);
			check.throwIfFailed();
			const final = (FINAL_TRANSACTION_STATUSES as readonly string[]).includes(existing.status);
			if (body.status !== existing.status && !final) this.changeStatus(existing, { status: body.status as CrmTransaction['status'] });
		}
		return { status: 200, body: existing };
	}

	private byReference(reference: string): CrmTransaction | undefined {
		return [...this.transactions.values()].find((t) => t.reference === reference);
	}

	private validReference(value: unknown, field: string, check: Validation): string | null | undefined {
		if (value === undefined || value === null) return null;
		if (typeof value !== 'string' || value.trim() === '') check.add(field, 'must be a non-empty string such as "praxis:8823"');
		else if (value.trim().length > REFERENCE_MAX_LENGTH) check.add(field, `must be at most ${REFERENCE_MAX_LENGTH} characters`);
		else if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) check.add(field, 'must not contain control characters');
		else return value.trim();
		return undefined;
	}

	private store(transaction: CrmTransaction): CrmTransaction {
		this.transactions.set(transaction.id, transaction);
		this.emit('transaction.created', { ...transaction });
		return transaction;
	}

	/**
	 * Checks a new transaction (POST, or PUT by reference when the reference is new); throws 422
	 * naming every invalid field. `pathReference` is the PUT's reference, already checked.
	 */
	private validNewTransaction(body: Record<string, unknown>, pathReference: string | undefined): CrmTransaction {
		const check = new Validation();
		const known = ['client_id', 'login', 'type', 'amount', 'currency', 'status', 'method', 'psp', 'psp_transaction_id', 'destination', 'reason', 'reference', 'occurred_at'];
		for (const field of Object.keys(body)) {
			if (['id', 'created_at', 'updated_at'].includes(field)) check.add(field, 'is read-only');
			else if (!known.includes(field)) check.add(field, 'is not a known transaction field');
		}
		const client = typeof body.client_id === 'number' ? this.clients.get(body.client_id) : undefined;
		if (body.client_id === undefined) check.add('client_id', 'is required');
		else if (!client) check.add('client_id', `does not match a client (${String(body.client_id)})`);
		let login: string | null = null;
		if (body.login !== undefined && body.login !== null) {
			login = String(body.login);
			if (client && !this.accountsOf(client.id).some((a) => a.login === login)) check.add('login', `is not a trading account of client ${client.id}`);
		}
		if (!TRANSACTION_TYPES.includes(body.type as (typeof TRANSACTION_TYPES)[number])) check.add('type', `must be one of ${TRANSACTION_TYPES.join(', ')}`);
		const currency = typeof body.currency === 'string' ? body.currency.trim().toUpperCase() : '';
		if (!/^[A-Z]{3,5}$/.test(currency)) check.add('currency', 'must be a currency code such as USD');
		const amount = this.validAmount(body.amount, currency, check);
		const status = body.status ?? 'pending';
		if (!TRANSACTION_STATUSES.includes(status as (typeof TRANSACTION_STATUSES)[number])) check.add('status', `must be one of ${TRANSACTION_STATUSES.join(', ')}`);
		const optionalText = (field: 'method' | 'psp' | 'psp_transaction_id' | 'destination' | 'reason'): string | null => {
			if (body[field] === undefined || body[field] === null) return null;
			if (typeof body[field] !== 'string' || (body[field] as string).trim() === '') {
				check.add(field, 'must be a non-empty string');
				return null;
			}
			return (body[field] as string).trim();
		};
		const method = optionalText('method');
		const psp = optionalText('psp');
		const pspTransactionId = optionalText('psp_transaction_id');
		const destination = optionalText('destination');
		const reason = optionalText('reason');
		const reference = pathReference ?? this.validReference(body.reference, 'reference', check);
		let occurredAt: string | undefined;
		if (body.occurred_at !== undefined && body.occurred_at !== null) {
			const text = typeof body.occurred_at === 'string' ? body.occurred_at.trim() : '';
			if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(text) || Number.isNaN(Date.parse(text))) check.add('occurred_at', 'must be an ISO-8601 time in UTC ending in Z, e.g. 2026-11-25T14:03:00Z');
			else occurredAt = new Date(text).toISOString();
		}
		check.throwIfFailed();
		const now = iso(this.now());
		return {
			id: this.nextTransactionId++,
			client_id: client!.id,
			login,
			type: body.type as CrmTransaction['type'],
			amount: amount!,
			currency,
			status: status as CrmTransaction['status'],
			method,
			psp,
			psp_transaction_id: pspTransactionId,
			destination,
			reason,
			reference: reference ?? null,
			occurred_at: occurredAt ?? now,
			created_at: now,
			updated_at: now,
		};
	}

	private validAmount(value: unknown, currency: string, check: Validation): string | undefined {
		if (value === undefined) {
			check.add('amount', 'is required');
			return undefined;
		}
		if (typeof value !== 'string') {
			check.add('amount', 'must be a decimal string such as "250.00" (not a JSON number)');
			return undefined;
		}
		try {
			const amount = parseDecimal(value, 'amount');
			if (compareDecimal(amount, '0') <= 0) {
				check.add('amount', 'must be greater than 0');
				return undefined;
			}
			toMinorUnits(amount, CURRENCY_DIGITS[currency] ?? 8, undefined, 'amount');
			return amount;
		} catch (error) {
			if (!(error instanceof MoneyError)) throw error;
			check.add('amount', /decimals/.test(error.message) ? `has more decimals than ${currency || 'the currency'} allows` : 'must be a decimal string such as "250.00"');
			return undefined;
		}
	}

	private updateTransaction(req: SandboxRequest): SandboxResponse {
		const transaction = this.requireTransaction(req.params.id);
		const body = this.objectBody(req);
		const check = new Validation();
		const editable = ['status', 'method', 'psp', 'psp_transaction_id', 'reason', 'reference'];
		for (const field of Object.keys(body)) {
			if (editable.includes(field)) continue;
			if (field in transaction) check.add(field, 'cannot be changed after the transaction was created');
			else check.add(field, 'is not a known transaction field');
		}
		const values: Partial<CrmTransaction> = {};
		if (body.status !== undefined) {
			const status = body.status as CrmTransaction['status'];
			if (!TRANSACTION_STATUSES.includes(status)) check.add('status', `must be one of ${TRANSACTION_STATUSES.join(', ')}`);
			else if (status !== transaction.status && (FINAL_TRANSACTION_STATUSES as readonly string[]).includes(transaction.status)) {
				check.add('status', `cannot change from ${transaction.status} (final) to ${status}`);
			} else values.status = status;
		}
		for (const field of ['method', 'psp', 'psp_transaction_id', 'reason'] as const) {
			if (body[field] === undefined) continue;
			if (body[field] !== null && (typeof body[field] !== 'string' || (body[field] as string).trim() === '')) check.add(field, 'must be a non-empty string or null');
			else values[field] = body[field] === null ? null : (body[field] as string).trim();
		}
		if (body.reference !== undefined && body.reference !== transaction.reference) {
			// Set once: a record the client created in the portal gets its payout key when released.
			const reference = this.validReference(body.reference, 'reference', check);
			if (transaction.reference !== null) check.add('reference', `cannot be changed once set (it is "${transaction.reference}")`);
			else if (reference === null) check.add('reference', 'must be a non-empty string such as "praxis:8823"');
			else if (reference !== undefined && this.byReference(reference)) check.add('reference', `"${reference}" is already used by transaction ${this.byReference(reference)!.id}`);
			else if (reference !== undefined) values.reference = reference;
		}
		check.throwIfFailed();
		this.changeStatus(transaction, values);
		return { body: transaction };
	}

	/** Applies checked changes and announces them (nothing, when nothing changes). */
	private changeStatus(transaction: CrmTransaction, values: Partial<CrmTransaction>): void {
		const changed = Object.entries(values).some(([field, value]) => transaction[field as keyof CrmTransaction] !== value);
		if (!changed) return;
		const previousStatus = transaction.status;
		Object.assign(transaction, values, { updated_at: iso(this.now()) });
		this.emit('transaction.updated', { ...transaction });
		if (transaction.status !== previousStatus && ['approved', 'completed', 'rejected'].includes(transaction.status)) {
			this.emit(`transaction.${transaction.status}`, { ...transaction });
		}
	}

	// -------------------------------------------------------------------------------------------
	// Events and webhook subscriptions
	// -------------------------------------------------------------------------------------------

	private listEvents(req: SandboxRequest): SandboxResponse {
		const type = req.query.get('type');
		const since = this.optionalTime(req, 'created_since');
		const matching = this.events.filter((e) => (type === null || e.type === type) && (since === undefined || Date.parse(e.created_at) >= since));
		return { body: this.page(req, matching) };
	}

	private createSubscription(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const check = new Validation();
		for (const field of Object.keys(body)) {
			if (!['url', 'events', 'secret', 'signature_mode'].includes(field)) check.add(field, 'is not a known webhook field');
		}
		let url: URL | undefined;
		try {
			url = typeof body.url === 'string' ? new URL(body.url) : undefined;
		} catch {
			url = undefined;
		}
		if (!url || !['http:', 'https:'].includes(url.protocol)) check.add('url', 'must be an http(s) URL');
		const events = body.events;
		if (!Array.isArray(events) || events.length === 0) check.add('events', 'must be a non-empty list of event types');
		else {
			const unknown = events.filter((e) => e !== '*' && !CRM_EVENT_TYPES.includes(e as CrmEventType));
			if (unknown.length > 0) check.add('events', `unknown event type(s) ${unknown.map(String).join(', ')}; known: ${CRM_EVENT_TYPES.join(', ')} or *`);
		}
		if (body.secret !== undefined && (typeof body.secret !== 'string' || body.secret.length < 16)) check.add('secret', 'must be a string of at least 16 characters');
		if (body.signature_mode !== undefined && !SIGNATURE_MODES.includes(body.signature_mode as CrmSignatureMode)) {
			check.add('signature_mode', `must be one of ${SIGNATURE_MODES.join(', ')}`);
		}
		check.throwIfFailed();
		const subscription = this.subscribe(String(body.url), (events as string[]).map(String), {
			secret: body.secret as string | undefined,
			signatureMode: body.signature_mode as CrmSignatureMode | undefined,
		});
		// The secret is shown here and on rotation only.
		return { status: 201, body: this.subscriptionJson(subscription, true) };
	}

	private rotateSecret(req: SandboxRequest): SandboxResponse {
		const subscription = this.subscriptions.get(req.params.id) ?? notFound(`webhook ${req.params.id}`);
		const body = req.rawBody.length === 0 ? {} : this.objectBody(req);
		const check = new Validation();
		const grace = body.grace_period_seconds ?? 0;
		if (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0 || grace > 7 * 86_400) {
			check.add('grace_period_seconds', 'must be a whole number of seconds from 0 to 604800');
		}
		if (body.secret !== undefined && (typeof body.secret !== 'string' || body.secret.length < 16)) check.add('secret', 'must be a string of at least 16 characters');
		check.throwIfFailed();
		const graceMs = (grace as number) * 1000;
		subscription.previous_secret = graceMs > 0 ? { secret: subscription.secret, expiresAtMs: this.now() + graceMs } : undefined;
		subscription.secret = (body.secret as string | undefined) ?? CrmSimulator.newSecret();
		return {
			body: {
				id: subscription.id,
				secret: subscription.secret,
				previous_secret_expires_at: subscription.previous_secret ? iso(subscription.previous_secret.expiresAtMs) : null,
			},
		};
	}

	private subscriptionJson(subscription: CrmWebhookSubscription, withSecret: boolean): Record<string, unknown> {
		const { previous_secret: _previous, secret, ...rest } = subscription;
		return withSecret ? { ...rest, secret } : rest;
	}

	private record(type: string, data: Record<string, unknown>): CrmEvent {
		const event: CrmEvent = { id: `evt_${randomBytes(12).toString('hex')}`, type, created_at: iso(this.now()), data };
		this.events.push(event);
		return event;
	}

	/** Queues delivery of one event to every matching subscription, in order behind earlier events. */
	private deliver(event: CrmEvent): Promise<Delivery[]> {
		const targets = [...this.subscriptions.values()].filter((s) => s.active && (s.events.includes('*') || s.events.includes(event.type)));
		const run = async () => {
			const deliveries: Delivery[] = [];
			for (const subscription of targets) {
				const outgoing: WebhookEvent = { id: event.id, type: event.type, payload: { ...event } };
				this.deliveryTarget.set(outgoing, subscription);
				deliveries.push(...(await this.sender.send(subscription.url, outgoing)));
			}
			return deliveries;
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private sign(event: WebhookEvent, forge: boolean, timestampSeconds: number) {
		const subscription = this.deliveryTarget.get(event);
		if (!subscription) throw new Error(`no subscription recorded for event ${event.id}`);
		const body = JSON.stringify(event.payload);
		const previous = subscription.previous_secret && subscription.previous_secret.expiresAtMs > this.now() ? [subscription.previous_secret.secret] : [];
		const secrets = forge ? [CrmSimulator.newSecret()] : [subscription.secret, ...previous];
		const signature =
			subscription.signature_mode === 'plain'
				? computeHmac('sha256', secrets[0], body, 'hex')
				: [`t=${timestampSeconds}`, ...secrets.map((secret) => `v1=${computeHmac('sha256', secret, `${timestampSeconds}.${body}`, 'hex')}`)].join(',');
		return {
			headers: {
				[SIGNATURE_HEADER]: signature,
				'X-CRM-Event': event.type,
				'X-CRM-Event-Id': event.id,
				'User-Agent': 'SandboxCRM-Webhooks/1.0',
			},
			body,
		};
	}

	// -------------------------------------------------------------------------------------------
	// Shared helpers and seed
	// -------------------------------------------------------------------------------------------

	private page<T>(req: SandboxRequest, items: T[]): { data: T[]; meta: { page: number; per_page: number; total: number; total_pages: number } } {
		const check = new Validation();
		const number = (name: string, fallback: number, max: number) => {
			const text = req.query.get(name);
			if (text === null) return fallback;
			if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
				check.add(name, `must be a whole number from 1 to ${max}`);
				return fallback;
			}
			return Number(text);
		};
		const page = number('page', 1, 1_000_000);
		const perPage = number('per_page', 25, 100);
		check.throwIfFailed();
		return {
			data: items.slice((page - 1) * perPage, page * perPage),
			meta: { page, per_page: perPage, total: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) },
		};
	}

	private optionalTime(req: SandboxRequest, name: string): number | undefined {
		const text = req.query.get(name);
		if (text === null) return undefined;
		const ms = Date.parse(text);
		if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
			throw new SandboxHttpError(422, { error: 'validation_failed', message: `${name}: must be an ISO-8601 time such as 2024-03-01T00:00:00Z`, errors: { [name]: ['must be an ISO-8601 time'] } });
		}
		return ms;
	}

	private requireClient(id: string): CrmClient {
		return (/^\d+$/.test(id) ? this.clients.get(Number(id)) : undefined) ?? notFound(`client ${id}`);
	}

	private requireTransaction(id: string): CrmTransaction {
		return (/^\d+$/.test(id) ? this.transactions.get(Number(id)) : undefined) ?? notFound(`transaction ${id}`);
	}

	private seedDefaults(): void {
		const at = iso(Date.UTC(2024, 0, 15, 9, 0, 0));
		const maria: CrmClient = {
			id: this.nextClientId++,
			first_name: 'Maria',
			last_name: 'Georgiou',
			email: 'maria.georgiou@example.com',
			phone: '+35799123456',
			country: 'CY',
			date_of_birth: '1988-04-12',
			language: 'en',
			status: 'active',
			kyc_status: 'approved',
			risk_level: 'low',
			kyc_applicant_id: null,
			kyc_provider: null,
			kyc_document_expires_on: '2031-04-11',
			kyc_next_review_on: '2029-01-15',
			marketing_consent: true,
			marketing_consent_at: at,
			erased_at: null,
			created_at: at,
			updated_at: at,
		};
		const jonas: CrmClient = {
			...maria,
			id: this.nextClientId++,
			first_name: 'Jonas',
			last_name: 'Weber',
			email: 'jonas.weber@example.com',
			phone: '+4915112345678',
			country: 'DE',
			date_of_birth: '1992-11-03',
			language: 'de',
			status: 'lead',
			kyc_status: 'not_started',
			risk_level: null,
			kyc_document_expires_on: null,
			kyc_next_review_on: null,
			marketing_consent: false,
			marketing_consent_at: null,
		};
		this.clients.set(maria.id, maria);
		this.clients.set(jonas.id, jonas);
		// The same person and login as the cTrader sandbox's first seeded trader.
		this.accounts.push({ id: this.nextAccountId++, client_id: maria.id, platform: 'ctrader', login: '3100001', group: 'Standard', leverage: 100, currency: 'USD', created_at: at });
		// And the MT5 sandbox's seeded real accounts (sandbox/mt5/demo.ts), so platform syncs find them.
		this.accounts.push({ id: this.nextAccountId++, client_id: maria.id, platform: 'mt5', login: '500001', group: 'real\\standard', leverage: 100, currency: 'USD', created_at: at });
		this.accounts.push({ id: this.nextAccountId++, client_id: jonas.id, platform: 'mt5', login: '500002', group: 'real\\vip', leverage: 200, currency: 'USD', created_at: at });
		const deposit: CrmTransaction = {
			id: this.nextTransactionId++,
			client_id: maria.id,
			login: '3100001',
			type: 'deposit',
			amount: '500.00',
			currency: 'USD',
			status: 'completed',
			method: 'card',
			psp: 'praxis',
			psp_transaction_id: 'praxis-8800',
			destination: null,
			reason: null,
			reference: null,
			occurred_at: at,
			created_at: at,
			updated_at: at,
		};
		this.transactions.set(deposit.id, deposit);
	}
}
