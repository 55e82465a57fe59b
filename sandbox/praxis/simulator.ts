/**
 * Praxis Cashier API v1.3, the card/APM cashier aggregator brokers put in front of their PSPs
 * (facts and sources: /work/shared/reference/psp_kyc.md §1).
 *
 * - Every request carries `GT-Authentication` = SHA-384 hex of its signed fields + merchant secret
 *   (signing.ts). A request that is not JSON, names another merchant or application, is unsigned or
 *   forged, or whose `timestamp` is more than 5 minutes off, is answered with the Praxis envelope and
 *   a positive `status` (application error; 0 = OK, negative = internal — manage_withdrawal_request
 *   page). [inference] The positive codes, their descriptions, HTTP 200 for them and the ±300 s
 *   window are ours: the sources give the sign convention only.
 * - `POST /cashier/cashier` opens a session for `intent` payment | withdrawal | authorization;
 *   `order_id` is unique per merchant. A withdrawal becomes a payout transaction in `requested`.
 * - The client's actions in the cashier are helpers: `completeDeposit`, `chargeback`, `reverse`,
 *   `startWithdrawalProcessing`. Each change is notified to the session's `notification_url`; a reply
 *   that is not `{"status":0,…}` signed over `status, timestamp` is recorded and the notification stays
 *   pending; Praxis resends after ~5 minutes, here `resendPending()` does it at once (no timers run).
 * - Agent API: manage-withdrawal-request, split-withdrawal-request, find-order.
 *
 * Notifications go through `webhookSenders.praxis`, so the control API's delivery faults apply.
 */
import { randomBytes, createHash } from 'node:crypto';

import { currencyDigits, fromMinorUnits, MoneyError, multiplyDecimal, parseDecimal, toMinorUnits } from '../../lib/money';
import { secureCompare } from '../../lib/signatures';
import {
	SandboxHttpError,
	Simulator,
	type Delivery,
	type Router,
	type SandboxRequest,
	type SandboxResponse,
	type WebhookEvent,
	WebhookSender,
	type ReceiverReply,
} from '../framework';
import {
	GT_AUTHENTICATION,
	PRAXIS_SIGNED_FIELDS,
	PraxisJsonError,
	praxisJson,
	praxisSignature,
	RawNumber,
	scalarTokens,
	signJsonText,
	type PraxisMessage,
} from './signing';

export const PRAXIS_VERSION = '1.3';

/** [inference] Our positive application codes; Praxis documents only "positive = logic error". */
export const PRAXIS_ERROR = {
	invalidRequest: 1,
	authentication: 2,
	staleTimestamp: 3,
	duplicateOrder: 4,
	notFound: 5,
	invalidState: 6,
} as const;

export const DEPOSIT_STATUSES = ['pending', 'pending_async', 'authorized', 'approved', 'rejected', 'cancelled', 'error'] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];
export type TransactionStatus = DepositStatus | 'requested' | 'in progress' | 'chargeback' | 'reversed';

export interface PraxisSimulatorOptions {
	merchantId?: string;
	applicationKey?: string;
	merchantSecret?: string;
	/** Clock in UTC milliseconds. */
	now?: () => number;
	/** [inference] Accepted clock skew of a request's `timestamp` (default 300 s). */
	timestampToleranceSeconds?: number;
	/** When an unacknowledged notification is due again (default 300 s, "about 5 minutes"). */
	resendAfterSeconds?: number;
}

export interface PraxisOrder {
	order_id: string;
	intent: 'payment' | 'withdrawal' | 'authorization';
	cid: string;
	currency: string;
	/** Integer minor units, as sent. */
	amount: number;
	notification_url: string;
	return_url: string | null;
	locale: string | null;
	customer_token: string;
	customer_data: Record<string, unknown>;
	auth_token: string;
	session_status: string;
	payment_method: string | null;
	gateway: string | null;
	created_at: number;
	tids: number[];
}

export interface PraxisTransaction {
	tid: number;
	transaction_id: string;
	order_id: string;
	transaction_type: 'sale' | 'payout';
	transaction_status: TransactionStatus;
	currency: string;
	amount: number;
	/** Decimal text, written into bodies as a raw JSON number. */
	conversion_rate: string;
	processed_currency: string;
	processed_amount: number;
	fee: number;
	payment_method: string | null;
	withdrawal_request_id: number | null;
	trace_id: number | null;
	status_code: string | null;
	status_details: string;
	updated_at: number;
}

export interface NotificationAttempt {
	at: number;
	httpStatus: number | 'error';
	replyBody: string;
	replySignature: string | null;
	accepted: boolean;
	/** Why the reply was not an acknowledgement. */
	reason: string | null;
	forged: boolean;
}

export interface PraxisNotification {
	id: string;
	tid: number;
	order_id: string;
	transaction_status: TransactionStatus;
	url: string;
	/** The last body sent, byte for byte. */
	body: string | null;
	signature: string | null;
	acknowledged: boolean;
	/** When Praxis would resend (unix s); null once acknowledged. */
	nextAttemptAt: number | null;
	attempts: NotificationAttempt[];
}

export interface CompleteDepositOptions {
	status: DepositStatus;
	/**
	 * Integer minor units of `processedCurrency`; computed from the rate when omitted. Give it to
	 * settle another amount than the session asked for ("transaction and session amounts may change
	 * during processing"): the session keeps its `amount`, the notification carries this one.
	 */
	processedAmount?: number;
	processedCurrency?: string;
	/** Integer minor units. */
	fee?: number;
	/** Decimal text, e.g. "1.000000" (default) or "0.857300". */
	conversionRate?: string;
	paymentMethod?: string;
}

export interface NotificationResult {
	transaction: PraxisTransaction;
	notification: PraxisNotification;
	deliveries: Delivery[];
}

class PraxisError extends Error {
	constructor(
		readonly status: number,
		readonly description: string,
	) {
		super(description);
	}
}

interface Authenticated {
	body: Record<string, unknown>;
	tokens: Map<string, string | null>;
}

export class PraxisSimulator extends Simulator {
	readonly name = 'praxis';
	readonly title = 'Praxis Cashier API v1.3 (GT-Authentication SHA-384) with signed notifications';

	readonly merchantId: string;
	readonly applicationKey: string;
	private readonly merchantSecret: string;
	private readonly now: () => number;
	private readonly toleranceSeconds: number;
	private readonly resendAfterSeconds: number;
	private readonly sender: WebhookSender;
	private queue: Promise<unknown> = Promise.resolve();

	private orders = new Map<string, PraxisOrder>();
	private transactions = new Map<number, PraxisTransaction>();
	private notifications = new Map<string, PraxisNotification>();
	private payloads = new Map<string, Record<string, unknown>>();
	private nextTid = 0;
	private nextTransactionId = 0;
	private nextWithdrawalRequestId = 0;
	private nextNotification = 0;

	constructor(options: PraxisSimulatorOptions = {}) {
		super();
		this.merchantId = options.merchantId ?? 'praxis_sandbox_merchant';
		this.applicationKey = options.applicationKey ?? 'praxis_sandbox_app_3f9a';
		this.merchantSecret = options.merchantSecret ?? 'praxis_sandbox_secret_7c41e9d2';
		this.now = options.now ?? (() => Date.now());
		this.toleranceSeconds = options.timestampToleranceSeconds ?? 300;
		this.resendAfterSeconds = options.resendAfterSeconds ?? 300;
		this.sender = new WebhookSender(
			(event, { forge, timestampSeconds }) => this.signNotification(event, forge, timestampSeconds),
			() => this.nowSeconds(),
			(event, reply, delivery, sent) => this.recordReply(event, reply, delivery, sent.body),
		);
		this.webhookSenders.praxis = this.sender;
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.orders = new Map();
		this.transactions = new Map();
		this.notifications = new Map();
		this.payloads = new Map();
		this.nextTid = 756850;
		this.nextTransactionId = 13348;
		this.nextWithdrawalRequestId = 40001;
		this.nextNotification = 1;
	}

	state() {
		return {
			orders: [...this.orders.values()],
			transactions: [...this.transactions.values()],
			notifications: [...this.notifications.values()],
		};
	}

	credentials(): Record<string, string> {
		return { merchant_id: this.merchantId, application_key: this.applicationKey, merchant_secret: this.merchantSecret };
	}

	routes(router: Router): void {
		const api = (path: string, handler: (req: SandboxRequest) => Record<string, unknown>, message: PraxisMessage = 'envelope') =>
			router.add('POST', path, (req) => {
				try {
					return this.answer({ status: 0, description: 'OK', ...handler(req) }, message);
				} catch (error) {
					if (error instanceof PraxisError) return this.answer({ status: error.status, description: error.description }, 'envelope');
					if (error instanceof MoneyError) return this.answer({ status: PRAXIS_ERROR.invalidRequest, description: error.message }, 'envelope');
					throw error;
				}
			});
		api('/cashier/cashier', (req) => this.openCashier(req), 'cashierResponse');
		api('/agent/manage-withdrawal-request', (req) => this.manageWithdrawal(req));
		api('/agent/split-withdrawal-request', (req) => this.splitWithdrawal(req));
		api('/agent/find-order', (req) => this.findOrder(req));
		router.add('GET', '/cashier/session/:authToken', (req) => {
			const order = [...this.orders.values()].find((o) => o.auth_token === req.params.authToken);
			if (!order) throw new SandboxHttpError(404, 'no such cashier session');
			return {
				headers: { 'content-type': 'text/html; charset=utf-8' },
				body: `<!doctype html><title>Praxis sandbox cashier</title><p>Order ${escapeHtml(order.order_id)}: ${order.intent} of ${order.amount} ${order.currency} (minor units).</p>`,
			};
		});
	}

	/** Resolves when every queued notification has been delivered. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	// -------------------------------------------------------------------------------------------
	// Cashier helpers: what the client does inside the iframe
	// -------------------------------------------------------------------------------------------

	/** The client finished paying: creates the deposit transaction and notifies the merchant. */
	async completeDeposit(orderId: string, options: CompleteDepositOptions): Promise<NotificationResult> {
		const order = this.orders.get(orderId);
		if (!order) throw new Error(`no order "${orderId}"`);
		if (order.intent === 'withdrawal') throw new Error(`order "${orderId}" is a withdrawal session`);
		if (!DEPOSIT_STATUSES.includes(options.status)) throw new Error(`"${options.status}" is not a deposit status (${DEPOSIT_STATUSES.join(', ')})`);
		const conversionRate = parseDecimal(options.conversionRate ?? '1.000000', 'conversionRate');
		const processedCurrency = (options.processedCurrency ?? order.currency).toUpperCase();
		const processedAmount =
			options.processedAmount === undefined
				? convertMinor(order.amount, order.currency, conversionRate, processedCurrency)
				: wholeMinor(options.processedAmount, 'processedAmount');
		const transaction = this.createTransaction(order, {
			transaction_type: 'sale',
			transaction_status: options.status,
			conversion_rate: options.conversionRate ?? '1.000000',
			processed_currency: processedCurrency,
			processed_amount: processedAmount,
			fee: options.fee === undefined ? 0 : wholeMinor(options.fee, 'fee'),
			payment_method: options.paymentMethod ?? 'Credit Card',
			withdrawal_request_id: null,
		});
		order.session_status = options.status;
		return await this.enqueueNotification(transaction);
	}

	/** The card holder's bank charged an approved deposit back. */
	async chargeback(tid: number): Promise<NotificationResult> {
		const transaction = this.transactionOrThrow(tid);
		if (transaction.transaction_type !== 'sale' || transaction.transaction_status !== 'approved') {
			throw new Error(`transaction ${tid} is a ${transaction.transaction_type} in "${transaction.transaction_status}": only an approved deposit can be charged back`);
		}
		this.setStatus(transaction, 'chargeback', null, 'Chargeback received');
		return await this.enqueueNotification(transaction);
	}

	/** The processor reversed an approved deposit or payout. */
	async reverse(tid: number): Promise<NotificationResult> {
		const transaction = this.transactionOrThrow(tid);
		if (transaction.transaction_status !== 'approved') throw new Error(`transaction ${tid} is "${transaction.transaction_status}": only an approved one can be reversed`);
		this.setStatus(transaction, 'reversed', null, 'Transaction reversed');
		return await this.enqueueNotification(transaction);
	}

	/** Processing of a withdrawal began: from now on it can be completed but no longer cancelled. */
	async startWithdrawalProcessing(withdrawalRequestId: number): Promise<NotificationResult> {
		const transaction = this.withdrawalOrThrow(withdrawalRequestId, Error);
		if (transaction.transaction_status !== 'requested') throw new Error(`withdrawal request ${withdrawalRequestId} is "${transaction.transaction_status}"`);
		this.setStatus(transaction, 'in progress', null, 'Withdrawal in progress');
		return await this.enqueueNotification(transaction);
	}

	/**
	 * Sends again every notification the merchant has not acknowledged (Praxis waits about 5
	 * minutes; tests call this instead). `dueOnly` keeps those whose resend time has come.
	 */
	async resendPending(options: { dueOnly?: boolean } = {}): Promise<Delivery[]> {
		const due = [...this.notifications.values()].filter(
			(n) => !n.acknowledged && n.attempts.length > 0 && (!options.dueOnly || (n.nextAttemptAt ?? Infinity) <= this.nowSeconds()),
		);
		const deliveries: Delivery[] = [];
		for (const notification of due) deliveries.push(...(await this.deliver(notification)));
		return deliveries;
	}

	/** The notifications sent so far, with the merchant's replies. */
	notificationsFor(orderId: string): PraxisNotification[] {
		return [...this.notifications.values()].filter((n) => n.order_id === orderId);
	}

	// -------------------------------------------------------------------------------------------
	// Endpoints
	// -------------------------------------------------------------------------------------------

	private openCashier(req: SandboxRequest): Record<string, unknown> {
		const { body, tokens } = this.authenticate(req, 'cashier');
		const intent = body.intent;
		if (intent !== 'payment' && intent !== 'withdrawal' && intent !== 'authorization') {
			throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'intent must be one of payment, withdrawal, authorization');
		}
		if (body.version !== PRAXIS_VERSION) throw new PraxisError(PRAXIS_ERROR.invalidRequest, `version must be "${PRAXIS_VERSION}"`);
		const cid = requiredString(body, 'cid');
		const orderId = requiredString(body, 'order_id');
		const currency = requiredString(body, 'currency').toUpperCase();
		currencyDigits(currency, 'currency');
		const amount = wholeMinor(tokens.get('amount'), 'amount');
		if (amount <= 0) throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'amount must be a positive whole number of minor units');
		const notificationUrl = requiredString(body, 'notification_url');
		if (!/^https?:\/\//.test(notificationUrl)) throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'notification_url must be an http(s) URL');
		if (this.orders.has(orderId)) {
			throw new PraxisError(PRAXIS_ERROR.duplicateOrder, `order_id "${orderId}" was already used by this merchant; every session needs a new order_id`);
		}
		const order: PraxisOrder = {
			order_id: orderId,
			intent,
			cid,
			currency,
			amount,
			notification_url: notificationUrl,
			return_url: optionalString(body, 'return_url'),
			locale: optionalString(body, 'locale'),
			customer_token: createHash('sha256').update(`${this.merchantId}:${cid}`).digest('hex').slice(0, 32),
			customer_data: isRecord(body.customer_data) ? body.customer_data : {},
			auth_token: randomBytes(16).toString('hex'),
			session_status: 'created',
			payment_method: optionalString(body, 'payment_method'),
			gateway: optionalString(body, 'gateway'),
			created_at: this.nowSeconds(),
			tids: [],
		};
		this.orders.set(orderId, order);
		if (intent === 'withdrawal') {
			// The reference's lifecycle: a submitted withdrawal waits in `requested` for the merchant.
			const transaction = this.createTransaction(order, {
				transaction_type: 'payout',
				transaction_status: 'requested',
				conversion_rate: '1.000000',
				processed_currency: currency,
				processed_amount: amount,
				fee: 0,
				payment_method: order.payment_method,
				withdrawal_request_id: this.nextWithdrawalRequestId++,
			});
			void this.enqueueNotification(transaction).catch(() => undefined);
		}
		return {
			redirect_url: `${this.baseUrl}/cashier/session/${order.auth_token}`,
			customer: { customer_token: order.customer_token },
			session: this.sessionJson(order),
		};
	}

	private manageWithdrawal(req: SandboxRequest): Record<string, unknown> {
		const { body } = this.authenticate(req, 'manageWithdrawal');
		const transaction = this.withdrawalOrThrow(body.withdrawal_request_id);
		if (body.intent === 'complete-withdrawal-request') {
			if (transaction.transaction_status !== 'requested' && transaction.transaction_status !== 'in progress') {
				throw new PraxisError(PRAXIS_ERROR.invalidState, `withdrawal request ${transaction.withdrawal_request_id} is "${transaction.transaction_status}" and cannot be completed`);
			}
			this.setStatus(transaction, 'approved', 'SC-002', 'Transaction approved');
		} else if (body.intent === 'cancel-withdrawal-request') {
			if (transaction.transaction_status !== 'requested') {
				throw new PraxisError(PRAXIS_ERROR.invalidState, `withdrawal request ${transaction.withdrawal_request_id} is "${transaction.transaction_status}": only a request whose processing has not started can be cancelled`);
			}
			this.setStatus(transaction, 'cancelled', null, 'Withdrawal request cancelled by merchant');
		} else {
			throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'intent must be complete-withdrawal-request or cancel-withdrawal-request');
		}
		void this.enqueueNotification(transaction).catch(() => undefined);
		return { transaction: this.transactionJson(transaction) };
	}

	/**
	 * [inference] The split's body and answer: `amount` (minor units) is carved out of the request
	 * into a new withdrawal request in `requested`; both carry the parent's id as `trace_id`.
	 */
	private splitWithdrawal(req: SandboxRequest): Record<string, unknown> {
		const { body, tokens } = this.authenticate(req, 'splitWithdrawal');
		const parent = this.withdrawalOrThrow(body.withdrawal_request_id);
		if (parent.transaction_status !== 'requested') {
			throw new PraxisError(PRAXIS_ERROR.invalidState, `withdrawal request ${parent.withdrawal_request_id} is "${parent.transaction_status}" and cannot be split`);
		}
		const amount = wholeMinor(tokens.get('amount'), 'amount');
		if (amount <= 0 || amount >= parent.amount) {
			throw new PraxisError(PRAXIS_ERROR.invalidRequest, `amount must be between 1 and ${parent.amount - 1} minor units (the request holds ${parent.amount})`);
		}
		const order = this.orders.get(parent.order_id) as PraxisOrder;
		parent.amount -= amount;
		parent.processed_amount = parent.amount;
		parent.trace_id = parent.withdrawal_request_id;
		parent.updated_at = this.nowSeconds();
		const child = this.createTransaction(order, {
			transaction_type: 'payout',
			transaction_status: 'requested',
			conversion_rate: parent.conversion_rate,
			processed_currency: parent.processed_currency,
			processed_amount: amount,
			fee: 0,
			payment_method: parent.payment_method,
			withdrawal_request_id: this.nextWithdrawalRequestId++,
		});
		child.amount = amount;
		child.trace_id = parent.withdrawal_request_id;
		return { withdrawal_requests: [this.transactionJson(parent), this.transactionJson(child)] };
	}

	/** [inference] Answer shape: the session, the customer token and every transaction of the order. */
	private findOrder(req: SandboxRequest): Record<string, unknown> {
		const { body } = this.authenticate(req, 'findOrder');
		const order = this.orders.get(String(body.order_id ?? ''));
		if (!order) throw new PraxisError(PRAXIS_ERROR.notFound, `order_id "${String(body.order_id)}" not found`);
		return {
			customer: { customer_token: order.customer_token },
			session: this.sessionJson(order),
			transactions: order.tids.map((tid) => this.transactionJson(this.transactions.get(tid) as PraxisTransaction)),
		};
	}

	// -------------------------------------------------------------------------------------------
	// Authentication and answers
	// -------------------------------------------------------------------------------------------

	private authenticate(req: SandboxRequest, message: PraxisMessage): Authenticated {
		const text = req.rawBody.toString('utf8');
		let tokens: Map<string, string | null>;
		let body: unknown;
		try {
			tokens = scalarTokens(text);
			body = JSON.parse(text);
		} catch (error) {
			if (error instanceof PraxisJsonError || error instanceof SyntaxError) throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'the request body is not valid JSON');
			throw error;
		}
		if (!isRecord(body)) throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'the request body must be a JSON object');
		if (body.merchant_id !== this.merchantId) throw new PraxisError(PRAXIS_ERROR.authentication, 'unknown merchant_id');
		if (body.application_key !== this.applicationKey) throw new PraxisError(PRAXIS_ERROR.authentication, 'application_key does not belong to this merchant');
		const header = req.headers['gt-authentication'];
		const received = Array.isArray(header) ? header[0] : header;
		if (!received) throw new PraxisError(PRAXIS_ERROR.authentication, `${GT_AUTHENTICATION} header is missing`);
		const fields = PRAXIS_SIGNED_FIELDS[message];
		const expected = praxisSignature(
			fields.map((field) => tokens.get(field)),
			this.merchantSecret,
		);
		if (!secureCompare(received.toLowerCase(), expected)) {
			throw new PraxisError(PRAXIS_ERROR.authentication, `${GT_AUTHENTICATION} does not match sha384(${fields.join(' + ')} + secret)`);
		}
		const timestamp = tokens.get('timestamp');
		if (!timestamp || !/^\d+$/.test(timestamp)) throw new PraxisError(PRAXIS_ERROR.invalidRequest, 'timestamp must be unix seconds');
		const skew = Math.abs(this.nowSeconds() - Number(timestamp));
		if (skew > this.toleranceSeconds) {
			throw new PraxisError(PRAXIS_ERROR.staleTimestamp, `timestamp is ${skew} s away from the server clock (at most ${this.toleranceSeconds} s)`);
		}
		return { body, tokens };
	}

	private answer(fields: Record<string, unknown>, message: PraxisMessage): SandboxResponse {
		const text = praxisJson({ ...fields, version: PRAXIS_VERSION, timestamp: this.nowSeconds() });
		return {
			headers: { 'content-type': 'application/json; charset=utf-8', [GT_AUTHENTICATION]: signJsonText(text, message, this.merchantSecret) },
			body: text,
		};
	}

	// -------------------------------------------------------------------------------------------
	// Notifications
	// -------------------------------------------------------------------------------------------

	private enqueueNotification(transaction: PraxisTransaction): Promise<NotificationResult> {
		const order = this.orders.get(transaction.order_id) as PraxisOrder;
		const id = `ntf_${this.nextNotification++}`;
		const notification: PraxisNotification = {
			id,
			tid: transaction.tid,
			order_id: order.order_id,
			transaction_status: transaction.transaction_status,
			url: order.notification_url,
			body: null,
			signature: null,
			acknowledged: false,
			nextAttemptAt: null,
			attempts: [],
		};
		this.notifications.set(id, notification);
		// The payload is frozen now: a resend repeats this status even if the transaction moved on.
		this.payloads.set(id, {
			merchant_id: this.merchantId,
			application_key: this.applicationKey,
			conversion_rate: new RawNumber(transaction.conversion_rate),
			customer: { customer_token: order.customer_token, country: order.customer_data.country ?? null, first_name: order.customer_data.first_name ?? null, last_name: order.customer_data.last_name ?? null, avs_alert: 0, verification_alert: null },
			session: {
				...this.sessionJson(order),
				conversion_rate: new RawNumber(transaction.conversion_rate),
				processed_currency: transaction.processed_currency,
				processed_amount: transaction.processed_amount,
			},
			transaction: this.transactionJson(transaction),
			version: PRAXIS_VERSION,
		});
		const run = async (): Promise<NotificationResult> => ({ transaction, notification, deliveries: await this.deliver(notification) });
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private async deliver(notification: PraxisNotification): Promise<Delivery[]> {
		const payload = this.payloads.get(notification.id) as Record<string, unknown>;
		return await this.sender.send(notification.url, { id: notification.id, type: `transaction.${notification.transaction_status}`, payload });
	}

	private signNotification(event: WebhookEvent, forge: boolean, timestampSeconds: number) {
		const body = praxisJson({ ...event.payload, timestamp: timestampSeconds });
		const signature = signJsonText(body, 'notification', forge ? `${this.merchantSecret}-forged` : this.merchantSecret);
		return { headers: { 'content-type': 'application/json; charset=utf-8', [GT_AUTHENTICATION]: signature }, body };
	}

	private recordReply(event: WebhookEvent, reply: ReceiverReply, delivery: Delivery, sentBody: string): void {
		const notification = this.notifications.get(event.id);
		if (!notification) return;
		const verdict = this.judgeReply(reply);
		const signature = reply.headers['gt-authentication'] ?? null;
		notification.body = sentBody;
		notification.signature = signJsonText(sentBody, 'notification', delivery.forged ? `${this.merchantSecret}-forged` : this.merchantSecret);
		notification.attempts.push({
			at: this.nowSeconds(),
			httpStatus: reply.status,
			replyBody: reply.body.slice(0, 4000),
			replySignature: signature,
			accepted: verdict === null,
			reason: verdict,
			forged: delivery.forged,
		});
		if (verdict === null) {
			notification.acknowledged = true;
			notification.nextAttemptAt = null;
		} else if (!notification.acknowledged) {
			notification.nextAttemptAt = this.nowSeconds() + this.resendAfterSeconds;
		}
	}

	/** Null when the reply acknowledges the notification, else why it does not. */
	private judgeReply(reply: ReceiverReply): string | null {
		if (reply.status === 'error') return `receiver unreachable: ${reply.body}`;
		if (reply.status < 200 || reply.status > 299) return `receiver answered HTTP ${reply.status}`;
		let tokens: Map<string, string | null>;
		try {
			tokens = scalarTokens(reply.body);
		} catch {
			return 'reply is not JSON';
		}
		const status = tokens.get('status');
		if (status === '-1') return 'merchant asked for a resend (status -1)';
		if (status !== '0') return `unrecognised reply status ${String(status)}`;
		const signature = reply.headers['gt-authentication'];
		if (!signature) return `reply carries no ${GT_AUTHENTICATION}`;
		const expected = praxisSignature(
			PRAXIS_SIGNED_FIELDS.notificationReply.map((field) => tokens.get(field)),
			this.merchantSecret,
		);
		if (!secureCompare(signature.toLowerCase(), expected)) return `reply ${GT_AUTHENTICATION} does not match sha384(status + timestamp + secret)`;
		return null;
	}

	// -------------------------------------------------------------------------------------------
	// Records
	// -------------------------------------------------------------------------------------------

	private createTransaction(
		order: PraxisOrder,
		fields: Pick<PraxisTransaction, 'transaction_type' | 'transaction_status' | 'conversion_rate' | 'processed_currency' | 'processed_amount' | 'fee' | 'payment_method' | 'withdrawal_request_id'>,
	): PraxisTransaction {
		const approved = fields.transaction_status === 'approved';
		const transaction: PraxisTransaction = {
			tid: this.nextTid++,
			transaction_id: String(this.nextTransactionId++),
			order_id: order.order_id,
			currency: order.currency,
			amount: order.amount,
			trace_id: null,
			status_code: approved ? 'SC-002' : null,
			status_details: approved ? 'Transaction approved' : `Transaction ${fields.transaction_status}`,
			updated_at: this.nowSeconds(),
			...fields,
		};
		this.transactions.set(transaction.tid, transaction);
		order.tids.push(transaction.tid);
		return transaction;
	}

	private setStatus(transaction: PraxisTransaction, status: TransactionStatus, code: string | null, details: string): void {
		transaction.transaction_status = status;
		transaction.status_code = code;
		transaction.status_details = details;
		transaction.updated_at = this.nowSeconds();
	}

	private transactionOrThrow(tid: number): PraxisTransaction {
		const transaction = this.transactions.get(tid);
		if (!transaction) throw new Error(`no transaction with tid ${tid}`);
		return transaction;
	}

	private withdrawalOrThrow(id: unknown, errorType: 'praxis' | typeof Error = 'praxis'): PraxisTransaction {
		const transaction = [...this.transactions.values()].find((t) => t.withdrawal_request_id !== null && String(t.withdrawal_request_id) === String(id));
		if (transaction) return transaction;
		const description = `withdrawal_request_id ${String(id)} not found`;
		throw errorType === 'praxis' ? new PraxisError(PRAXIS_ERROR.notFound, description) : new Error(description);
	}

	private sessionJson(order: PraxisOrder): Record<string, unknown> {
		return {
			auth_token: order.auth_token,
			intent: order.intent,
			session_status: order.session_status,
			order_id: order.order_id,
			currency: order.currency,
			amount: order.amount,
			payment_method: order.payment_method,
			gateway: order.gateway,
			cid: order.cid,
		};
	}

	private transactionJson(t: PraxisTransaction): Record<string, unknown> {
		return {
			transaction_type: t.transaction_type,
			transaction_status: t.transaction_status,
			tid: t.tid,
			transaction_id: t.transaction_id,
			currency: t.currency,
			amount: t.amount,
			conversion_rate: new RawNumber(t.conversion_rate),
			processed_currency: t.processed_currency,
			processed_amount: t.processed_amount,
			fee: t.fee,
			fee_included: 0,
			fee_type: 'flat',
			payment_method: t.payment_method,
			payment_processor: 'SandboxProcessor',
			gateway: null,
			withdrawal_request_id: t.withdrawal_request_id,
			trace_id: t.trace_id,
			status_code: t.status_code,
			status_details: t.status_details,
		};
	}

	private nowSeconds(): number {
		return Math.floor(this.now() / 1000);
	}
}

/** A whole number of minor units (Praxis sends amounts in cents; JPY and the like as is). */
function wholeMinor(value: unknown, field: string): number {
	if (value === undefined || value === null) throw new PraxisError(PRAXIS_ERROR.invalidRequest, `${field} is required`);
	const text = String(value);
	if (!/^-?\d+$/.test(text)) throw new PraxisError(PRAXIS_ERROR.invalidRequest, `${field} must be a whole number of minor units, got ${text}`);
	return Number(toMinorUnits(text, 0, undefined, field));
}

/** Minor units of one currency to another at a decimal rate, rounded half-up to the target's digits. */
function convertMinor(amountMinor: number, currency: string, rate: string, target: string): number {
	const major = fromMinorUnits(amountMinor, currencyDigits(currency));
	const converted = multiplyDecimal(major, rate);
	return Number(toMinorUnits(converted, currencyDigits(target), 'half-up'));
}

function requiredString(body: Record<string, unknown>, field: string): string {
	const value = body[field];
	if (typeof value !== 'string' || value.trim() === '') throw new PraxisError(PRAXIS_ERROR.invalidRequest, `${field} is required`);
	return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | null {
	const value = body[field];
	return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
