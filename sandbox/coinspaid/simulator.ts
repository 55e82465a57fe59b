/**
 * CoinsPaid (now "Cryptoprocessing") API v2, the crypto processor a broker uses for BTC/ETH/USDT
 * funding: static deposit addresses, crypto withdrawals, balances, and signed callbacks.
 * Sources: coinspaid/docs `api-documentation/api-reference.md`, `authorization.md`,
 * `callbacks.md`, `integration-guide/withdrawals.md`, `integration-guide/callbacks.md`
 * (summarised in reference/psp_kyc.md §4a).
 *
 * Protocol as documented:
 * - Every request carries `X-Processing-Key` (the public key) and `X-Processing-Signature` = hex
 *   HMAC-SHA512(secret, the exact raw JSON body); the body must be a JSON object or array.
 * - `POST /api/v2/addresses/take {foreign_id, currency, convert_to?}` answers 201 with a static
 *   address: the same customer (foreign_id) gets the same address every time, it "can be reused
 *   unlimited amount of times".
 * - `POST /api/v2/withdrawal/crypto {foreign_id, amount, currency, convert_to?, address, tag?}`:
 *   "you should use the unique foreign_id every time you make a withdrawal request", so a repeated
 *   foreign_id is refused and is our idempotency key; the amount must be covered by the balance.
 * - `POST /api/v2/accounts/list` lists every balance, zero balances included.
 * - Validation errors are 400 `{"errors": {"<field>": "<message>"}}`.
 * - Callbacks are signed like requests (same headers, the merchant's own key and secret). Deposits
 *   may first arrive `not_confirmed` (seen in the mempool) and later `confirmed`; the root `id` is
 *   the same in both. Anything but HTTP 200 is retried at 1, 5, 10, … 240 minutes.
 *
 * [inference] (not in the public docs, chosen to be plausible and testable):
 * - auth failures: 401 `{"errors": {"X-Processing-Key": …}}` for a missing or unknown key, 403
 *   `{"errors": {"X-Processing-Signature": …}}` for a missing or wrong signature;
 * - the message for a repeated withdrawal foreign_id ("The foreign id has already been taken.",
 *   Laravel's unique-rule wording that the documented messages follow), for an insufficient
 *   balance, for an unknown currency and for too many decimals;
 * - an address is static per (foreign_id, currency, convert_to);
 * - the number of confirmations a deposit needs, the default deposit fee (0.99 %, the figure in the
 *   documented `currencies/list` example), withdrawal fees (none unless configured), the sandbox
 *   exchange rates, address formats, riskscore "0.1";
 * - the withdrawal amount (plus its fee) is held from the balance when the request is accepted and
 *   given back when the withdrawal fails; a failed withdrawal's callback has `status: "failed"` and
 *   the reason in `error`.
 *
 * Deliveries go through a WebhookSender registered as `webhookSenders.coinspaid`, so the control
 * API can inject duplicate, out-of-order and forged deliveries (a stale timestamp changes nothing:
 * CoinsPaid callbacks carry no timestamp). Callbacks are sent in order after the call that caused
 * them; `idle()` waits for them.
 */
import { createHash } from 'node:crypto';

import {
	addDecimal,
	compareDecimal,
	divideDecimal,
	isZero,
	MoneyError,
	multiplyDecimal,
	parseDecimal,
	roundDecimal,
	subtractDecimal,
} from '../../lib/money';
import { computeHmac, secureCompare } from '../../lib/signatures';
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

export const KEY_HEADER = 'X-Processing-Key';
export const SIGNATURE_HEADER = 'X-Processing-Signature';

/** CoinsPaid writes every amount with 8 decimals ("0.01000000"), fiat included. */
export const AMOUNT_DIGITS = 8;

/** Minutes after the first failed delivery at which CoinsPaid retries (integration-guide/callbacks.md). */
export const RETRY_SCHEDULE_MINUTES = [1, 5, 10, 15, 20, 30, 60, 90, 120, 150, 180, 210, 240] as const;

export interface CoinspaidCurrency {
	type: 'crypto' | 'fiat';
	/** Smallest withdrawal amount. */
	minimumAmount: string;
	/** Deposit fee in percent of the received amount. */
	depositFeePercent: string;
	/** Fixed fee per withdrawal, charged on top of the amount ([inference]). */
	withdrawalFee: string;
	/** Confirmations after which a deposit is `confirmed` ([inference]). */
	requiredConfirmations: number;
	/** The currency needs a destination tag or memo (XRP). */
	tagged?: boolean;
}

export const DEFAULT_CURRENCIES: Readonly<Record<string, CoinspaidCurrency>> = {
	BTC: { type: 'crypto', minimumAmount: '0.001', depositFeePercent: '0.99', withdrawalFee: '0', requiredConfirmations: 2 },
	ETH: { type: 'crypto', minimumAmount: '0.01', depositFeePercent: '0.99', withdrawalFee: '0', requiredConfirmations: 12 },
	LTC: { type: 'crypto', minimumAmount: '0.01', depositFeePercent: '0.99', withdrawalFee: '0', requiredConfirmations: 6 },
	USDT: { type: 'crypto', minimumAmount: '10', depositFeePercent: '0.99', withdrawalFee: '0', requiredConfirmations: 12 },
	XRP: { type: 'crypto', minimumAmount: '20', depositFeePercent: '0.99', withdrawalFee: '0', requiredConfirmations: 1, tagged: true },
	EUR: { type: 'fiat', minimumAmount: '25', depositFeePercent: '0', withdrawalFee: '0', requiredConfirmations: 0 },
	USD: { type: 'fiat', minimumAmount: '30', depositFeePercent: '0', withdrawalFee: '0', requiredConfirmations: 0 },
};

/** Sandbox rates "FROM/TO" → units of TO for one FROM ([inference]: fixed, no spread). */
export const DEFAULT_RATES: Readonly<Record<string, string>> = {
	'BTC/EUR': '60000',
	'BTC/USD': '65000',
	'ETH/EUR': '3000',
	'ETH/USD': '3250',
	'USDT/EUR': '0.92',
	'USDT/USD': '1',
	'EUR/BTC': '0.00001650',
	'USD/BTC': '0.00001520',
	'EUR/USDT': '1.08',
	'USD/USDT': '1',
};

export const DEFAULT_BALANCES: Readonly<Record<string, string>> = {
	BTC: '2.00000000',
	ETH: '25.00000000',
	LTC: '0.00000000',
	USDT: '10000.00000000',
	XRP: '0.00000000',
	EUR: '50000.00000000',
	USD: '0.00000000',
};

export interface CoinspaidSimulatorOptions {
	/** Public key expected in X-Processing-Key (default "cp_sandbox_public_7d1e4a"). */
	publicKey?: string;
	/** Secret for request and callback signatures (default "cp_sandbox_secret_93b0f2c85e"). */
	secret?: string;
	/** Where callbacks go; also settable with `setCallbackUrl`. */
	callbackUrl?: string;
	/** Merchant balances after reset, decimal strings per currency. */
	balances?: Record<string, string>;
	currencies?: Record<string, CoinspaidCurrency>;
	rates?: Record<string, string>;
	/** Clock in UTC milliseconds (retry schedule). */
	now?: () => number;
}

export interface CoinspaidAddress {
	id: number;
	currency: string;
	convert_to: string | null;
	address: string;
	tag: string | null;
	foreign_id: string;
}

export type CoinspaidStatus = 'not_confirmed' | 'confirmed' | 'processing' | 'failed';

export interface CoinspaidFee {
	type: 'deposit' | 'mining' | 'withdrawal' | 'exchange' | 'transfer';
	currency: string;
	amount: string;
}

/** A deposit or a withdrawal as CoinsPaid tracks it; `callback()` renders the documented body. */
export interface CoinspaidTransaction {
	id: number;
	type: 'deposit' | 'deposit_exchange' | 'withdrawal' | 'withdrawal_exchange';
	foreign_id: string;
	status: CoinspaidStatus;
	crypto_address: { id: number; currency: string; convert_to?: string; address: string; tag: string | null; foreign_id?: string };
	currency_sent: { currency: string; amount: string };
	currency_received: { currency: string; amount: string; amount_minus_fee?: string };
	/** The blockchain transaction (and the exchange leg when converted). */
	blockchainTxId: number;
	exchangeTxId?: number;
	txid: string;
	confirmations: number;
	fees: CoinspaidFee[];
	error: string;
	/** Deposits only: the compliance score CoinsPaid reports for BTC, BCH and ETH. */
	riskscore?: string;
	/** What the merchant balance was charged (withdrawals) or credited (confirmed deposits). */
	balanceEffect?: { currency: string; amount: string };
}

export interface CoinspaidCallback {
	/** Delivery key: "<transaction id>:<status>". */
	eventId: string;
	transactionId: number;
	status: CoinspaidStatus;
	/** The exact body sent (and re-sent on retry). */
	body: string;
	attempts: number;
	delivered: boolean;
	/** The receiver's last answer: an HTTP status, "error" (no connection) or "no_callback_url". */
	lastStatus: number | 'error' | 'no_callback_url' | null;
	/** When the documented schedule would retry next; null once delivered or out of retries. */
	nextRetryAt: string | null;
	firstFailedAtMs?: number;
}

export interface DepositOptions {
	amount: string | number;
	/** Defaults to the address's currency; a different currency is refused. */
	currency?: string;
	txid?: string;
	/** The deposit fee in the received currency; default: the currency's fee percent. */
	fee?: string | number;
	/** Confirmations seen so far; below the currency's requirement the first callback is `not_confirmed`. */
	confirmations?: number;
	riskscore?: string;
	/** The destination tag, for currencies that share one address (XRP). */
	tag?: string;
}

type FieldErrors = Record<string, string>;

function badRequest(errors: FieldErrors): never {
	throw new SandboxHttpError(400, { errors });
}

function amount8(value: unknown): string {
	return roundDecimal(value, AMOUNT_DIGITS, 'half-up');
}

function decimalsOf(text: string): number {
	const point = text.indexOf('.');
	return point < 0 ? 0 : text.length - point - 1;
}

function hash(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

export class CoinspaidSimulator extends Simulator {
	readonly name = 'coinspaid';
	readonly title = 'CoinsPaid / Cryptoprocessing API v2 (X-Processing-Key + HMAC-SHA512) with signed callbacks';

	private readonly publicKey: string;
	private readonly secret: string;
	private readonly initialCallbackUrl: string | undefined;
	private readonly initialBalances: Record<string, string>;
	private readonly currencies: Record<string, CoinspaidCurrency>;
	private readonly rates: Record<string, string>;
	private readonly now: () => number;
	private readonly sender: WebhookSender;
	private queue: Promise<unknown> = Promise.resolve();

	private callbackUrl: string | undefined;
	private balances = new Map<string, string>();
	private addresses: CoinspaidAddress[] = [];
	private transactions = new Map<number, CoinspaidTransaction>();
	private withdrawalForeignIds = new Map<string, number>();
	private callbacks: CoinspaidCallback[] = [];
	private nextAddressId = 0;
	private nextTransactionId = 0;
	private nextChainTxId = 0;

	constructor(options: CoinspaidSimulatorOptions = {}) {
		super();
		this.publicKey = options.publicKey ?? 'cp_sandbox_public_7d1e4a';
		this.secret = options.secret ?? 'cp_sandbox_secret_93b0f2c85e';
		this.initialCallbackUrl = options.callbackUrl;
		this.currencies = { ...DEFAULT_CURRENCIES, ...options.currencies };
		this.initialBalances = { ...DEFAULT_BALANCES, ...options.balances };
		this.rates = { ...DEFAULT_RATES, ...options.rates };
		this.now = options.now ?? (() => Date.now());
		this.sender = new WebhookSender((event, { forge }) => this.sign(event, forge));
		this.webhookSenders.coinspaid = this.sender;
		this.reset();
	}

	// -------------------------------------------------------------------------------------------
	// Simulator contract
	// -------------------------------------------------------------------------------------------

	reset(): void {
		this.callbackUrl = this.initialCallbackUrl;
		this.balances = new Map();
		for (const currency of Object.keys(this.currencies)) this.balances.set(currency, amount8(this.initialBalances[currency] ?? '0'));
		this.addresses = [];
		this.transactions = new Map();
		this.withdrawalForeignIds = new Map();
		this.callbacks = [];
		this.nextAddressId = 381001;
		this.nextTransactionId = 2686001;
		this.nextChainTxId = 714001;
		this.sender.clear();
	}

	state() {
		return {
			callbackUrl: this.callbackUrl ?? null,
			balances: Object.fromEntries(this.balances),
			addresses: this.addresses,
			transactions: [...this.transactions.values()].map((t) => this.callbackBody(t)),
			callbacks: this.callbacks,
		};
	}

	credentials(): Record<string, string> {
		return { publicKey: this.publicKey, secret: this.secret, keyHeader: KEY_HEADER, signatureHeader: SIGNATURE_HEADER };
	}

	// -------------------------------------------------------------------------------------------
	// Test helpers
	// -------------------------------------------------------------------------------------------

	setCallbackUrl(url: string | undefined): void {
		this.callbackUrl = url;
	}

	balance(currency: string): string {
		return this.balances.get(currency.toUpperCase()) ?? amount8('0');
	}

	/** Sets the merchant's balance in one currency, e.g. the fiat float crypto payouts convert from. */
	setBalance(currency: string, amount: string): void {
		this.balances.set(currency.toUpperCase(), amount8(parseDecimal(amount, 'amount')));
	}

	transaction(id: number): CoinspaidTransaction | undefined {
		return this.transactions.get(id);
	}

	/** The address record for a deposit address string. */
	addressRecord(address: string, tag?: string | null): CoinspaidAddress | undefined {
		return this.addresses.find((a) => a.address === address && (tag === undefined || a.tag === tag));
	}

	get callbackLog(): CoinspaidCallback[] {
		return this.callbacks;
	}

	/** Every delivery attempt (the control API serves the same list). */
	get deliveries(): Delivery[] {
		return this.sender.deliveries;
	}

	/** A client sends funds to a deposit address: one callback, `not_confirmed` or (enough confirmations) `confirmed`. */
	async depositToAddress(address: string, options: DepositOptions): Promise<CoinspaidTransaction> {
		const record = this.addresses.find((a) => a.address === address && (options.tag === undefined || a.tag === options.tag));
		if (!record) throw new Error(`no deposit address ${address} was handed out`);
		const currency = (options.currency ?? record.currency).toUpperCase();
		if (currency !== record.currency) throw new Error(`address ${address} receives ${record.currency}, not ${currency}`);
		const sent = amount8(options.amount);
		if (compareDecimal(sent, '0') <= 0) throw new Error('a deposit amount must be positive');
		const rules = this.currencies[currency];
		const convertTo = record.convert_to;
		const received = convertTo ? this.convert(sent, currency, convertTo) : sent;
		const receivedCurrency = convertTo ?? currency;
		const fee = amount8(
			options.fee ?? roundDecimal(divideDecimal(multiplyDecimal(received, rules.depositFeePercent), '100', AMOUNT_DIGITS + 4), AMOUNT_DIGITS, 'half-up'),
		);
		if (compareDecimal(fee, received) > 0) throw new Error('the fee is larger than the received amount');
		const confirmations = options.confirmations ?? rules.requiredConfirmations;
		const transaction: CoinspaidTransaction = {
			id: this.nextTransactionId++,
			type: convertTo ? 'deposit_exchange' : 'deposit',
			foreign_id: record.foreign_id,
			status: confirmations >= rules.requiredConfirmations ? 'confirmed' : 'not_confirmed',
			crypto_address: {
				id: record.id,
				currency: record.currency,
				...(convertTo ? { convert_to: convertTo } : {}),
				address: record.address,
				tag: record.tag,
				foreign_id: record.foreign_id,
			},
			currency_sent: { currency, amount: sent },
			currency_received: { currency: receivedCurrency, amount: received, amount_minus_fee: subtractDecimal(received, fee) },
			blockchainTxId: this.nextChainTxId++,
			exchangeTxId: convertTo ? this.nextChainTxId++ : undefined,
			txid: options.txid ?? hash(`deposit:${address}:${this.nextTransactionId}:${sent}`),
			confirmations,
			fees: isZero(fee) ? [] : [{ type: convertTo ? 'exchange' : 'deposit', currency: receivedCurrency, amount: fee }],
			error: '',
			riskscore: options.riskscore ?? '0.1',
		};
		this.transactions.set(transaction.id, transaction);
		if (transaction.status === 'confirmed') this.creditDeposit(transaction);
		await this.notify(transaction);
		return transaction;
	}

	/** The deposit reached its confirmations: credits `amount_minus_fee` and sends `confirmed`. */
	async confirm(depositId: number, options: { confirmations?: number } = {}): Promise<CoinspaidTransaction> {
		const transaction = this.requireTransaction(depositId, ['deposit', 'deposit_exchange']);
		if (transaction.status === 'confirmed') throw new Error(`deposit ${depositId} is already confirmed`);
		transaction.status = 'confirmed';
		transaction.confirmations = Math.max(options.confirmations ?? 0, this.currencies[transaction.currency_sent.currency].requiredConfirmations);
		this.creditDeposit(transaction);
		await this.notify(transaction);
		return transaction;
	}

	/** The withdrawal was mined: sends `confirmed` (the balance was charged when it was accepted). */
	async confirmWithdrawal(id: number, options: { txid?: string; confirmations?: number } = {}): Promise<CoinspaidTransaction> {
		const transaction = this.requireTransaction(id, ['withdrawal', 'withdrawal_exchange']);
		if (transaction.status !== 'processing') throw new Error(`withdrawal ${id} is ${transaction.status}, not processing`);
		transaction.status = 'confirmed';
		if (options.txid) transaction.txid = options.txid;
		transaction.confirmations = options.confirmations ?? 1;
		await this.notify(transaction);
		return transaction;
	}

	/** The withdrawal could not be sent: gives the held amount back and sends `failed`. */
	async failWithdrawal(id: number, error = 'Withdrawal was rejected by the processing'): Promise<CoinspaidTransaction> {
		const transaction = this.requireTransaction(id, ['withdrawal', 'withdrawal_exchange']);
		if (transaction.status !== 'processing') throw new Error(`withdrawal ${id} is ${transaction.status}, not processing`);
		transaction.status = 'failed';
		transaction.error = error;
		if (transaction.balanceEffect) {
			const { currency, amount } = transaction.balanceEffect;
			this.balances.set(currency, addDecimal(this.balance(currency), amount));
		}
		await this.notify(transaction);
		return transaction;
	}

	/** Re-sends every callback not yet answered 200 (the retry schedule, without the wait). */
	async retryFailedCallbacks(): Promise<CoinspaidCallback[]> {
		// attempts 0: still held by an out-of-order fault, the sender will deliver it with its batch.
		const pending = this.callbacks.filter((c) => !c.delivered && c.attempts > 0 && c.attempts <= RETRY_SCHEDULE_MINUTES.length);
		for (const callback of pending) await this.enqueue(callback);
		return pending;
	}

	/** Resolves once every queued callback has been answered. */
	async idle(): Promise<void> {
		let seen: Promise<unknown>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	/** The documented body of a callback for this transaction in its current state. */
	callbackBody(transaction: CoinspaidTransaction): Record<string, unknown> {
		const withdrawal = transaction.type === 'withdrawal' || transaction.type === 'withdrawal_exchange';
		const riskscore = transaction.riskscore;
		const chainCurrency = withdrawal ? transaction.currency_received.currency : transaction.currency_sent.currency;
		const chainAmount = withdrawal ? transaction.currency_received.amount : transaction.currency_sent.amount;
		const blockchain: Record<string, unknown> = {
			id: transaction.blockchainTxId,
			currency: chainCurrency,
			transaction_type: 'blockchain',
			type: withdrawal ? 'withdrawal' : 'deposit',
			address: transaction.crypto_address.address,
			tag: transaction.crypto_address.tag,
			amount: chainAmount,
			txid: transaction.txid,
			...(riskscore !== undefined ? { riskscore } : {}),
			confirmations: transaction.confirmations,
		};
		const exchange = transaction.exchangeTxId
			? {
					id: transaction.exchangeTxId,
					currency: transaction.currency_sent.currency,
					currency_to: transaction.currency_received.currency,
					transaction_type: 'exchange',
					type: 'exchange',
					amount: transaction.currency_sent.amount,
					amount_to: transaction.currency_received.amount,
				}
			: undefined;
		// Deposits list the chain leg first, withdrawals with exchange the exchange first (callbacks.md).
		const transactions = exchange ? (withdrawal ? [exchange, blockchain] : [blockchain, exchange]) : [blockchain];
		return {
			id: transaction.id,
			...(withdrawal ? { foreign_id: transaction.foreign_id } : {}),
			type: transaction.type,
			crypto_address: transaction.crypto_address,
			currency_sent: transaction.currency_sent,
			currency_received: transaction.currency_received,
			transactions,
			fees: transaction.fees,
			error: transaction.error,
			status: transaction.status,
		};
	}

	// -------------------------------------------------------------------------------------------
	// Routes
	// -------------------------------------------------------------------------------------------

	routes(router: Router): void {
		const api = (method: string, path: string, handler: (req: SandboxRequest) => SandboxResponse) =>
			router.add(method, `/api/v2${path}`, (req) => {
				this.authenticate(req);
				return handler(req);
			});
		api('GET', '/ping', () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' }));
		api('POST', '/accounts/list', () => ({ body: { data: this.accountList() } }));
		api('POST', '/addresses/take', (req) => this.takeAddress(req));
		api('POST', '/withdrawal/crypto', (req) => this.withdrawCrypto(req));
	}

	private authenticate(req: SandboxRequest): void {
		const key = req.headers['x-processing-key'];
		if (typeof key !== 'string' || key === '') {
			throw new SandboxHttpError(401, { errors: { [KEY_HEADER]: 'The X-Processing-Key header is required.' } });
		}
		if (!secureCompare(key, this.publicKey)) {
			throw new SandboxHttpError(401, { errors: { [KEY_HEADER]: 'The X-Processing-Key is not a known public key.' } });
		}
		const signature = req.headers['x-processing-signature'];
		if (typeof signature !== 'string' || signature === '') {
			throw new SandboxHttpError(403, { errors: { [SIGNATURE_HEADER]: 'The X-Processing-Signature header is required.' } });
		}
		const expected = computeHmac('sha512', this.secret, req.rawBody, 'hex');
		if (!secureCompare(signature.trim().toLowerCase(), expected)) {
			throw new SandboxHttpError(403, {
				errors: { [SIGNATURE_HEADER]: 'The signature does not match the request body (hex HMAC-SHA512 of the raw body with your secret key).' },
			});
		}
	}

	/** "Body must be a valid json object or array, example: {}" (api-reference.md). */
	private objectBody(req: SandboxRequest): Record<string, unknown> {
		let body: unknown;
		try {
			body = JSON.parse(req.rawBody.toString('utf8'));
		} catch {
			badRequest({ body: 'Body must be a valid json object or array.' });
		}
		if (body === null || typeof body !== 'object' || Array.isArray(body)) badRequest({ body: 'Body must be a valid json object.' });
		return body as Record<string, unknown>;
	}

	private accountList(): Array<{ currency: string; type: string; balance: string }> {
		return [...this.balances.entries()].map(([currency, balance]) => ({ currency, type: this.currencies[currency].type, balance }));
	}

	private takeAddress(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const errors: FieldErrors = {};
		const foreignId = this.text(body.foreign_id);
		if (!foreignId) errors.foreign_id = 'The foreign id field is required.';
		const currency = this.currencyField(body.currency, 'currency', errors, 'crypto');
		const convertTo = body.convert_to === undefined || body.convert_to === null || body.convert_to === '' ? null : this.currencyField(body.convert_to, 'convert_to', errors);
		if (currency && convertTo && !this.rates[`${currency}/${convertTo}`]) errors.convert_to = 'Exchange is unavailable for given currencies';
		if (Object.keys(errors).length) badRequest(errors);
		const existing = this.addresses.find((a) => a.foreign_id === foreignId && a.currency === currency && a.convert_to === (convertTo ?? null));
		if (existing) return { status: 201, body: { data: existing } };
		const id = this.nextAddressId++;
		const record: CoinspaidAddress = {
			id,
			currency: currency!,
			convert_to: convertTo ?? null,
			address: this.newAddress(currency!, id),
			tag: this.currencies[currency!].tagged ? String(100000 + id) : null,
			foreign_id: foreignId!,
		};
		this.addresses.push(record);
		return { status: 201, body: { data: record } };
	}

	private withdrawCrypto(req: SandboxRequest): SandboxResponse {
		const body = this.objectBody(req);
		const errors: FieldErrors = {};
		const foreignId = this.text(body.foreign_id);
		if (!foreignId) errors.foreign_id = 'The foreign id field is required.';
		else if (this.withdrawalForeignIds.has(foreignId)) errors.foreign_id = 'The foreign id has already been taken.';
		const currency = this.currencyField(body.currency, 'currency', errors);
		const convertTo = body.convert_to === undefined || body.convert_to === null || body.convert_to === '' ? null : this.currencyField(body.convert_to, 'convert_to', errors, 'crypto');
		if (currency && convertTo && !this.rates[`${currency}/${convertTo}`]) errors.convert_to = 'Exchange is unavailable for given currencies';
		if (currency && !convertTo && this.currencies[currency].type !== 'crypto') errors.currency = 'A fiat currency needs convert_to: the cryptocurrency to send.';
		const receiverCurrency = convertTo ?? currency;
		const address = this.text(body.address);
		if (!address) errors.address = 'The address field is required.';
		else if (/\s/.test(address) || address.length < 20) errors.address = 'The address is invalid.';
		const tag = this.text(body.tag) ?? null;
		if (receiverCurrency && this.currencies[receiverCurrency]?.tagged && !tag) errors.tag = 'The tag field is required for this currency.';
		let amount: string | undefined;
		if (body.amount === undefined || body.amount === null || body.amount === '') errors.amount = 'The amount field is required.';
		else {
			try {
				const text = parseDecimal(body.amount, 'amount');
				if (decimalsOf(text) > AMOUNT_DIGITS) errors.amount = `The amount may not have more than ${AMOUNT_DIGITS} decimal places.`;
				else if (compareDecimal(text, '0') <= 0) errors.amount = 'The amount must be greater than 0.';
				else if (currency && compareDecimal(text, this.currencies[currency].minimumAmount) < 0) {
					errors.amount = `The amount must be at least ${this.currencies[currency].minimumAmount}.`;
				} else amount = amount8(text);
			} catch (error) {
				if (!(error instanceof MoneyError)) throw error;
				errors.amount = 'The amount must be a number.';
			}
		}
		if (Object.keys(errors).length) badRequest(errors);
		const fee = amount8(this.currencies[currency!].withdrawalFee);
		const charged = addDecimal(amount!, fee);
		if (compareDecimal(charged, this.balance(currency!)) > 0) {
			badRequest({ amount: `Insufficient funds: the ${currency} balance is ${this.balance(currency!)}.` });
		}
		this.balances.set(currency!, amount8(subtractDecimal(this.balance(currency!), charged)));
		const received = convertTo ? this.convert(amount!, currency!, convertTo, 'down') : amount!;
		const transaction: CoinspaidTransaction = {
			id: this.nextTransactionId++,
			type: convertTo ? 'withdrawal_exchange' : 'withdrawal',
			foreign_id: foreignId!,
			status: 'processing',
			crypto_address: { id: this.nextAddressId++, currency: currency!, ...(convertTo ? { convert_to: convertTo } : {}), address: address!, tag },
			currency_sent: { currency: currency!, amount: amount! },
			currency_received: { currency: receiverCurrency!, amount: received },
			exchangeTxId: convertTo ? this.nextChainTxId++ : undefined,
			blockchainTxId: this.nextChainTxId++,
			txid: hash(`withdrawal:${foreignId}:${address}`),
			confirmations: 0,
			fees: isZero(fee) ? [] : [{ type: 'withdrawal', currency: currency!, amount: fee }],
			error: '',
			balanceEffect: { currency: currency!, amount: charged },
		};
		this.transactions.set(transaction.id, transaction);
		this.withdrawalForeignIds.set(foreignId!, transaction.id);
		return {
			status: 201,
			body: {
				data: {
					id: transaction.id,
					foreign_id: transaction.foreign_id,
					type: transaction.type,
					status: transaction.status,
					amount: amount,
					sender_amount: amount,
					sender_currency: currency,
					receiver_amount: received,
					receiver_currency: receiverCurrency,
				},
			},
		};
	}

	// -------------------------------------------------------------------------------------------
	// Callbacks
	// -------------------------------------------------------------------------------------------

	private async notify(transaction: CoinspaidTransaction): Promise<void> {
		const callback: CoinspaidCallback = {
			eventId: `${transaction.id}:${transaction.status}`,
			transactionId: transaction.id,
			status: transaction.status,
			body: JSON.stringify(this.callbackBody(transaction)),
			attempts: 0,
			delivered: false,
			lastStatus: null,
			nextRetryAt: null,
		};
		this.callbacks.push(callback);
		await this.enqueue(callback);
	}

	/** Sends one callback in order behind the others and records the answer. */
	private enqueue(callback: CoinspaidCallback): Promise<void> {
		const run = async () => {
			const url = this.callbackUrl;
			if (!url) {
				this.recordAnswer(callback, 'no_callback_url');
				return;
			}
			const event: WebhookEvent = { id: callback.eventId, type: callback.status, payload: { body: callback.body } };
			const deliveries = await this.sender.send(url, event);
			// An out-of-order fault holds events and later sends a batch: record each by its id.
			for (const delivery of deliveries) {
				const target = this.callbacks.find((c) => c.eventId === delivery.eventId && !c.delivered) ?? (delivery.eventId === callback.eventId ? callback : undefined);
				if (target) this.recordAnswer(target, delivery.status);
			}
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private recordAnswer(callback: CoinspaidCallback, status: CoinspaidCallback['lastStatus']): void {
		callback.attempts++;
		callback.lastStatus = status;
		// "Respond HTTP 200 … or it retries": any other answer, 2xx included, counts as failed.
		if (status === 200) {
			callback.delivered = true;
			callback.nextRetryAt = null;
			return;
		}
		callback.firstFailedAtMs ??= this.now();
		const minutes = RETRY_SCHEDULE_MINUTES[callback.attempts - 1];
		callback.nextRetryAt = minutes === undefined ? null : new Date(callback.firstFailedAtMs + minutes * 60_000).toISOString();
	}

	private sign(event: WebhookEvent, forge: boolean) {
		const body = String(event.payload.body);
		const secret = forge ? `${this.secret}-forged` : this.secret;
		return {
			headers: {
				[KEY_HEADER]: this.publicKey,
				[SIGNATURE_HEADER]: computeHmac('sha512', secret, body, 'hex'),
				'User-Agent': 'SandboxCoinsPaid-Callbacks/2.0',
			},
			body,
		};
	}

	// -------------------------------------------------------------------------------------------
	// Shared helpers
	// -------------------------------------------------------------------------------------------

	private creditDeposit(transaction: CoinspaidTransaction): void {
		const { currency, amount_minus_fee: net } = transaction.currency_received;
		this.balances.set(currency, amount8(addDecimal(this.balance(currency), net ?? transaction.currency_received.amount)));
		transaction.balanceEffect = { currency, amount: net ?? transaction.currency_received.amount };
	}

	private convert(amount: string, from: string, to: string, rounding: 'half-up' | 'down' = 'half-up'): string {
		const rate = this.rates[`${from}/${to}`];
		if (!rate) throw new Error(`no sandbox rate for ${from}/${to}`);
		return roundDecimal(multiplyDecimal(amount, rate), AMOUNT_DIGITS, rounding);
	}

	private text(value: unknown): string | undefined {
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
		if (typeof value !== 'string' || value.trim() === '') return undefined;
		return value.trim();
	}

	private currencyField(value: unknown, field: string, errors: FieldErrors, type?: 'crypto' | 'fiat'): string | undefined {
		const code = this.text(value)?.toUpperCase();
		if (!code) {
			errors[field] = `The ${field.replace('_', ' ')} field is required.`;
			return undefined;
		}
		const known = this.currencies[code];
		if (!known || (type && known.type !== type)) {
			errors[field] = `The selected ${field.replace('_', ' ')} is invalid.`;
			return undefined;
		}
		return code;
	}

	private newAddress(currency: string, id: number): string {
		const digest = hash(`${this.publicKey}:${currency}:${id}`);
		switch (currency) {
			case 'BTC':
				return `bc1q${digest.slice(0, 38)}`;
			case 'LTC':
				return `ltc1q${digest.slice(0, 38)}`;
			case 'XRP':
				// One shared XRP wallet; customers are told apart by the destination tag.
				return 'rCoinsPaidSandboxXrpWa11et1111';
			default:
				return `0x${digest.slice(0, 40)}`;
		}
	}

	private requireTransaction(id: number, types: Array<CoinspaidTransaction['type']>): CoinspaidTransaction {
		const transaction = this.transactions.get(id);
		if (!transaction || !types.includes(transaction.type)) throw new Error(`no ${types[0]} with id ${id}`);
		return transaction;
	}
}
