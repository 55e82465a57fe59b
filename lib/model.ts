/**
 * The canonical model: the one vocabulary every node of the pack speaks, whatever the vendor.
 * A template built on MetaTrader 5 works on cTrader by swapping one node because both emit these
 * shapes. Vendor field names stop at each vendor's transport; what the vendor sent stays available
 * under `raw` when the user asks for it.
 *
 * Units are part of the contract:
 * - Money is exact. Amounts are decimal strings in major units ("1250.50") with an ISO 4217 (or
 *   crypto ticker) currency next to them; arithmetic goes through lib/money.ts, never through
 *   JavaScript numbers.
 * - Instants are ISO-8601 strings in UTC with a `Z` suffix (`timeUtc`, `createdAtUtc`...). Platform
 *   server time is converted at the boundary (lib/time.ts).
 * - Trade volume is in lots (`volumeLots`, a decimal string): MT5 volume / 10000, cTrader units /
 *   contract size.
 */

/** A decimal number written as a string, e.g. "1250.50" or "-20". Never a float. */
export type DecimalString = string;

/** An ISO-8601 instant in UTC, e.g. "2026-11-26T09:30:00.000Z". */
export type UtcTimestamp = string;

/** Which vendor a record came from or goes to. */
export type Platform = 'mt5' | 'ctrader' | 'mt4';
export type PaymentProvider = 'praxis' | 'coinspaid' | string;
export type KycProvider = 'sumsub' | 'onfido' | string;

/** An exact amount of money. `amount` is in major units of `currency`. */
export interface Money {
	amount: DecimalString;
	/** ISO 4217 code ("USD") or a crypto ticker ("USDT"). Upper case. */
	currency: string;
}

/** A person or company the brokerage serves. The CRM is the source of truth for these fields. */
export interface Client {
	/** The CRM's id for the client. */
	clientId: string;
	firstName?: string;
	lastName?: string;
	/** Lower-cased, trimmed. */
	email?: string;
	/** E.164, e.g. "+35799123456". */
	phone?: string;
	/** ISO 3166-1 alpha-2, upper case. */
	country?: string;
	/** ISO-8601 date (no time), e.g. "1990-04-01". */
	dateOfBirth?: string;
	language?: string;
	/** The CRM's own status words, kept as-is. */
	status?: string;
	kycStatus?: KycStatus;
	riskLevel?: 'low' | 'medium' | 'high';
	createdAtUtc?: UtcTimestamp;
	raw?: unknown;
}

/** A login on a trading platform. The platform is the source of truth for balance and equity. */
export interface TradingAccount {
	platform: Platform;
	/** The platform's account number (MT5 login, cTrader trader login), as a string. */
	login: string;
	clientId?: string;
	/** Platform group path, e.g. "real\\standard" on MT5 or a group name on cTrader. */
	group?: string;
	/** The account currency (deposit currency). */
	currency?: string;
	/** Leverage as the "N" in 1:N. */
	leverage?: number;
	balance?: DecimalString;
	credit?: DecimalString;
	equity?: DecimalString;
	margin?: DecimalString;
	freeMargin?: DecimalString;
	/** Equity / margin × 100, in percent; undefined when there is no margin in use. */
	marginLevelPercent?: DecimalString;
	name?: string;
	email?: string;
	/** False when the platform has trading disabled for the account (restricted), e.g. during a compliance review. */
	tradingEnabled?: boolean;
	createdAtUtc?: UtcTimestamp;
	raw?: unknown;
}

/** One status vocabulary for every payment provider. */
export type TransactionStatus = 'pending' | 'succeeded' | 'failed' | 'reversed' | 'chargeback';

export type TransactionType =
	| 'deposit'
	| 'withdrawal'
	| 'credit_in'
	| 'credit_out'
	| 'bonus'
	| 'correction'
	| 'chargeback'
	| 'reversal';

/** A movement of money, from a PSP, a platform's ledger or the CRM. */
export interface Transaction {
	/** The source system's id for the transaction (PSP transaction id, platform ticket...). */
	transactionId: string;
	/** Which system `transactionId` belongs to, e.g. "praxis", "coinspaid", "mt5", "crm". */
	source: string;
	type: TransactionType;
	status: TransactionStatus;
	/** What the client paid or asked for, before fees. */
	gross: Money;
	/** What the provider or the brokerage kept. Same currency as `gross`. */
	fee?: Money;
	/** gross − fee: what is credited to (or paid out from) the trading account. */
	net?: Money;
	clientId?: string;
	/** The trading account the money goes to or comes from. */
	login?: string;
	platform?: Platform;
	/** Payment method as the provider names it ("card", "skrill", "btc"...). */
	method?: string;
	/** The key that makes crediting this transaction happen exactly once, e.g. "praxis:8823". */
	idempotencyKey?: string;
	createdAtUtc?: UtcTimestamp;
	updatedAtUtc?: UtcTimestamp;
	raw?: unknown;
}

export type KycStatus =
	| 'not_started'
	| 'pending'
	| 'on_hold'
	| 'approved'
	| 'rejected_retry'
	| 'rejected_final';

/** A verification case at a KYC vendor. The KYC vendor is the source of truth for its status. */
export interface KycCase {
	provider: KycProvider;
	/** The vendor's applicant id. */
	applicantId: string;
	/** Our (CRM) client id as sent to the vendor (Sumsub externalUserId). */
	clientId?: string;
	status: KycStatus;
	/** The vendor's own answer, e.g. Sumsub GREEN / RED, Onfido clear / consider. */
	reviewAnswer?: string;
	/** RETRY (the client may resubmit) or FINAL. */
	rejectType?: 'RETRY' | 'FINAL';
	rejectLabels?: string[];
	/** What to tell the client (Sumsub moderationComment); safe to show. */
	clientMessage?: string;
	/** Internal note for compliance (Sumsub clientComment); never shown to the client. */
	internalNote?: string;
	/** Screening outcomes the risk score uses: politically exposed, sanctioned, adverse media. */
	amlFlags?: { pep?: boolean; sanctions?: boolean; adverseMedia?: boolean };
	/** The vendor's verification level or workflow, e.g. Sumsub levelName. */
	level?: string;
	/** ISO 3166-1 alpha-2 issuing countries; expiresOn is a date (YYYY-MM-DD), no time zone. */
	documents?: Array<{ type: string; country?: string; expiresOn?: string }>;
	/** The vendor's event time, used so an older event never overrides a newer status. */
	eventTimeUtc?: UtcTimestamp;
	raw?: unknown;
}

/** An entry in a trading platform's ledger: a trade execution or a balance operation. */
export interface Deal {
	platform: Platform;
	/** The platform's deal ticket (MT5 Deal, cTrader deal id). */
	dealId: string;
	login: string;
	kind: 'trade' | 'balance' | 'credit' | 'bonus' | 'correction' | 'charge' | 'commission' | 'other';
	/** For trades: buy or sell; for entries: in/out. */
	side?: 'buy' | 'sell';
	entry?: 'in' | 'out' | 'inout' | 'out_by';
	symbol?: string;
	volumeLots?: DecimalString;
	price?: DecimalString;
	/** Profit in the account currency; for a balance operation, the amount (signed). */
	profit?: DecimalString;
	commission?: DecimalString;
	swap?: DecimalString;
	currency?: string;
	positionId?: string;
	comment?: string;
	timeUtc: UtcTimestamp;
	raw?: unknown;
}

/** One marketing touch: a landing with UTM parameters and click ids. */
export interface Touchpoint {
	clientId?: string;
	/** A visitor id from a cookie, when the client is not known yet. */
	visitorId?: string;
	timeUtc: UtcTimestamp;
	landingUrl?: string;
	utmSource?: string;
	utmMedium?: string;
	utmCampaign?: string;
	utmTerm?: string;
	utmContent?: string;
	/** Click ids are kept exactly as received: ad platforms reject altered ids. */
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	fbclid?: string;
	/** Meta click cookie, "fb.1.<ms>.<fbclid>". */
	fbc?: string;
	fbp?: string;
	ttclid?: string;
	msclkid?: string;
	/** LinkedIn (`li_fat_id`) and X (`twclid`) click ids, kept exactly as received. */
	liFatId?: string;
	twclid?: string;
	/** `utm_id`: the campaign id some ad platforms add next to utm_campaign. */
	utmId?: string;
	/** The referring page's URL (HTTP Referer), when the browser sent one. */
	referrer?: string;
	/**
	 * The gclid held in Google's `_gcl_aw` cookie (GCL.<seconds>.<gclid>): an earlier ad click, kept
	 * for offline conversion upload. It is not this visit's click, so it never decides the channel.
	 */
	cookieGclid?: string;
	/** TikTok's `_ttp` browser cookie, kept as is. */
	ttp?: string;
	/** The marketing channel, e.g. "paid_search", "paid_social", "email", "direct" (lib/attribution.ts). */
	channel?: string;
	raw?: unknown;
}

/** A conversion sent (or to be sent) to an ad platform. */
export interface Conversion {
	/** Deduplication id shared by browser and server events, e.g. "ftd:<clientId>". */
	eventId: string;
	eventName: 'CompleteRegistration' | 'Lead' | 'Purchase' | string;
	timeUtc: UtcTimestamp;
	clientId?: string;
	value?: Money;
	/** Whether the client consented to ad measurement; nothing is sent without it. */
	consent: boolean;
	touchpoint?: Touchpoint;
	destination?: 'meta' | 'google_ads' | string;
	raw?: unknown;
}

/**
 * What an ad platform made of one conversion (or audience member) sent to it: a row of an upload,
 * so templates route on `status` whatever the platform.
 */
export interface ConversionUploadResult {
	destination: 'google_ads' | 'meta' | string;
	/**
	 * uploaded: accepted; alreadyUploaded: the platform had it already (a resend); notMatched:
	 * accepted but matched to no click (can be ignored); retryLater: refused for now, send again after
	 * `retryAfterUtc`; done / running: an audience job finished, or still runs.
	 */
	status: 'uploaded' | 'alreadyUploaded' | 'notMatched' | 'retryLater' | 'done' | 'running';
	conversion?: Conversion;
	/** The platform's own refusal, when there was one: its code, the field, its message. */
	vendorError?: { code: string; field?: string; message: string };
	retryAfterUtc?: UtcTimestamp;
	raw?: unknown;
}

/**
 * One client's row in an ad platform's audience sync (Meta Custom Audiences): what was done, in
 * which upload session and batch, and what the platform reported for that batch.
 */
export interface AudienceMembershipChange {
	audienceId: string;
	operation: 'add' | 'remove' | 'replace';
	/** The upload session all batches of one run share (Meta session_id). */
	sessionId: string;
	/** 1-based batch number within the session, and how many batches there were. */
	batch: number;
	batchCount: number;
	lastBatch: boolean;
	/** Rows the platform received and rows it could not use, for the whole batch. */
	numReceived: number;
	numInvalidEntries: number;
	/** The identifier columns sent (Meta schema keys). */
	schema: string[];
	clientId?: string;
	destination?: 'meta' | string;
}

/** The names of the canonical shapes, for mapping profiles and validation messages. */
export const CANONICAL_ENTITIES = [
	'client',
	'tradingAccount',
	'transaction',
	'kycCase',
	'deal',
	'touchpoint',
	'conversion',
] as const;
export type CanonicalEntity = (typeof CANONICAL_ENTITIES)[number];

/** What became of an audited change: done now, found already done (a replay), or failed. */
export type AuditOutcome = 'applied' | 'alreadyApplied' | 'failed';

/**
 * One change our workflows made (or tried to make) in another system, as stored in the audit trail
 * (an n8n Data Table). Records are hash-chained (lib/audit.ts): `hash` covers every other field and
 * the previous record's hash, so an edited, deleted or reordered record is detectable. No secrets,
 * and personal data only as far as the job needs it: ids, never names or e-mail addresses.
 */
export interface AuditRecord {
	/** When the change happened, e.g. "2026-11-26T09:30:00.000Z". */
	atUtc: UtcTimestamp;
	workflowId: string;
	workflowName: string;
	executionId: string;
	/** The system changed: "mt5", "ctrader", "praxis", "coinspaid", "sumsub", "onfido", "meta", "google_ads", "crm"... */
	system: string;
	/** What was done, "<thing>.<verb>": "account.created", "balance.deposit", "withdrawal.released"... */
	action: string;
	/** Whom or what it was done to: a login, client id or audience id ('' when none). */
	subject: string;
	/** The key that made the change happen once, e.g. "praxis:8823" ('' when none). */
	idempotencyKey: string;
	outcome: AuditOutcome;
	/** A short note ('' when none). */
	detail: string;
	/** 1 for the first record of the chain, then 2, 3... */
	sequence: number;
	/** The hash of the record before; 64 zeros before the first. */
	previousHash: string;
	/** Lowercase hex SHA-256 of the record (lib/audit.ts `auditHash`). */
	hash: string;
}
