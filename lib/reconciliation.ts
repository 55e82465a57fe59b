/**
 * Daily reconciliation: PSP transactions vs the trading platform's balance deals vs the CRM's
 * transactions, joined on our idempotency key. Each system is the authority for one thing
 * (DESIGN.md, "Sources of truth"): the PSP for payment status, the platform for the balance, the
 * CRM for nothing here — its records only mirror the other two. So a difference is reported, never
 * "fixed" by copying one system into another.
 *
 * Keys (as the templates write them):
 * - a deposit is credited with `<provider>:<transaction id>` (praxis:8823, coinspaid:77): the MT5
 *   deal comment and the CRM transaction's `reference`;
 * - a withdrawal is debited with `<provider>:withdrawal:<request id>`; the PSP transaction names the
 *   request by `withdrawalRequestId` (Praxis) or carries the key itself as `foreignId` (CoinsPaid);
 * - a chargeback or reversal of a deposit is debited with `<deposit key>:<status>`.
 * MT5 keeps at most 31 characters of a comment, so a longer key is stored shortened by
 * lib/idempotency.ts `fitKey`; a comment or reference is matched in either form.
 *
 * What is compared: the PSP transactions of the period (by their updatedAtUtc, else createdAtUtc;
 * one without a time is taken as the period's) and the deals of the period widened by a grace on
 * both sides, so a deposit that succeeded at 23:50 and was credited at 00:10 still matches. A deal
 * inside the grace but outside the period is only used to match; it is checked on its own day. A
 * deal inside the period whose key belongs to a PSP transaction given from outside the period
 * (yesterday's 23:55 deposit credited at 00:05) was checked that day and is skipped — so give the
 * PSP transactions from at least one grace before the period. CRM transactions are found by
 * reference, whatever their date.
 *
 * Findings, one per key and kind:
 * - missingCredit: the PSP says a deposit succeeded (or a payout was made, or a deposit was charged
 *   back) and the platform has no deal with its key;
 * - duplicateCredit: more than one deal for one key, or more than one CRM transaction for one
 *   reference;
 * - amountMismatch: the PSP's amount (net for a deposit, gross for a withdrawal: the template
 *   debits what the client asked for), the deal's and the CRM's differ — exact decimals, signed
 *   (a deposit is +, a withdrawal or chargeback −);
 * - missingCrmRecord: a deal with our key and no CRM transaction with that reference;
 * - unknownCredit: a deal with our key format whose PSP transaction is not in the list — flagged
 *   for a look at the PSP, not assumed wrong;
 * - statusMismatch: a deal for a PSP transaction the PSP says failed (or still pending, for a
 *   deposit): money moved that the PSP has not confirmed.
 */

import { DateTime } from 'luxon';

import { attempt, FieldError } from './errors';
import { fitKey } from './idempotency';
import type { DecimalString } from './model';
import { addDecimal, compareDecimal, negateDecimal, parseDecimal } from './money';
import { displayAmount, readInstant } from './withdrawalPolicy';

/** MT5 deal comment: 31 characters (lib/idempotency.ts fitKey, MQ docs `webapi_trade_balance`). */
export const MT5_COMMENT_MAX = 31;
export const DEFAULT_KEY_PROVIDERS = 'praxis, coinspaid';
export const DEFAULT_GRACE_MINUTES = 60;

export const FINDING_KINDS = [
	'missingCredit',
	'duplicateCredit',
	'amountMismatch',
	'missingCrmRecord',
	'unknownCredit',
	'statusMismatch',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface ReconciliationPeriod {
	fromUtc: DateTime<true>;
	/** Exclusive. */
	toUtc: DateTime<true>;
	graceMinutes: number;
}

/** A PSP transaction as far as reconciliation needs it. */
export interface PspTransaction {
	transactionId: string;
	source: string;
	type: string;
	status: string;
	gross: { amount: DecimalString; currency: string };
	net?: { amount: DecimalString; currency: string };
	idempotencyKey: string;
	withdrawalRequestId?: string;
	foreignId?: string;
	login?: string;
	clientId?: string;
	timeUtc?: DateTime<true>;
}

export interface PlatformDeal {
	platform: string;
	dealId: string;
	login: string;
	kind: string;
	profit: DecimalString;
	currency?: string;
	/** The comment (MT5) or external id (cTrader) that holds our key. */
	comment: string;
	timeUtc: DateTime<true>;
}

export interface CrmTransaction {
	id?: string;
	reference: string;
	type: string;
	amount: DecimalString;
	currency?: string;
	status?: string;
	clientId?: string;
	login?: string;
}

export interface ReconciliationInput {
	pspTransactions: PspTransaction[];
	deals: PlatformDeal[];
	crmTransactions: CrmTransaction[];
	period: ReconciliationPeriod;
	/** Providers whose keys we write, lower case (praxis, coinspaid). */
	keyProviders: string[];
}

export interface FindingDeal {
	dealId: string;
	login: string;
	amount: DecimalString;
	comment: string;
	timeUtc: string;
}

export interface FindingCrmTransaction {
	id: string | null;
	reference: string;
	type: string;
	amount: DecimalString;
	status: string | null;
	clientId: string | null;
	login: string | null;
}

export interface Finding {
	kind: FindingKind;
	key: string;
	provider: string;
	/** credit (money in) or debit (money out), as the key's movement goes. */
	movement: 'credit' | 'debit';
	currency: string | null;
	login: string | null;
	/** Signed amounts per system; null where the system has none (or several: see deals/crmTransactions). */
	amounts: { psp: DecimalString | null; platform: DecimalString | null; crm: DecimalString | null };
	psp: { transactionId: string; type: string; status: string; amount: DecimalString; currency: string; timeUtc: string | null } | null;
	deals: FindingDeal[];
	crmTransactions: FindingCrmTransaction[];
	message: string;
}

export interface Totals {
	[currency: string]: { count: number; amount: DecimalString };
}

export interface ReconciliationSummary {
	kind: 'summary';
	clean: boolean;
	period: { fromUtc: string; toUtc: string; graceMinutes: number };
	counts: Record<FindingKind, number> & { total: number };
	totals: { psp: Totals; platform: Totals; crm: Totals };
	compared: { pspTransactions: number; deals: number; crmTransactions: number };
	message: string;
}

export interface ReconciliationResult {
	findings: Finding[];
	summary: ReconciliationSummary;
}

// ---------------------------------------------------------------------------------------------
// Reading the input. Every problem names the parameter and the entry (index from 0, as in n8n
// expressions), so ops can find the record at fault.

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
	if (text === undefined) return String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function list(value: unknown, field: string, what: string): Array<Record<string, unknown>> {
	// A list that is not there (a field name mistyped) must not read as a day without money moving.
	if (isBlank(value)) throw new FieldError(field, `is required: a list of ${what} ([] when there are none), got nothing`);
	let parsed = value;
	if (typeof parsed === 'string') {
		const json = attempt(() => JSON.parse(parsed as string) as unknown);
		if (!json.ok) throw new FieldError(field, `must be a list of ${what}; the text given is not valid JSON (${json.error.message})`);
		parsed = json.value;
	}
	if (!Array.isArray(parsed)) throw new FieldError(field, `must be a list of ${what} ([] when there are none), got ${show(value)}`);
	return parsed.map((entry: unknown, index) => {
		if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
			throw new FieldError(field, `the entry at index ${index} must be an object, got ${show(entry)}`);
		}
		// An n8n item ({ json: {...} }) is read as its JSON, so `$('Node').all()` can be given as it is.
		const record = entry as Record<string, unknown>;
		const json = record.json;
		return typeof json === 'object' && json !== null && !Array.isArray(json) && Object.keys(record).every((k) => ['json', 'pairedItem', 'binary'].includes(k))
			? (json as Record<string, unknown>)
			: record;
	});
}

function text(value: unknown): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	return undefined;
}

function requiredText(record: Record<string, unknown>, name: string, field: string, at: string): string {
	const value = text(record[name]);
	if (value === undefined) throw new FieldError(field, `${at}: ${name} must be text or a number, got ${show(record[name])}`);
	return value;
}

function decimal(value: unknown, field: string, at: string): DecimalString {
	if (typeof value === 'string' || typeof value === 'number') {
		const parsed = attempt(() => parseDecimal(value, field));
		if (parsed.ok) return parsed.value;
	}
	throw new FieldError(field, `${at} must be a decimal number such as "97.20" (no thousands separators), got ${show(value)}`);
}

function money(value: unknown, field: string, at: string): { amount: DecimalString; currency: string } {
	if (typeof value !== 'object' || value === null) throw new FieldError(field, `${at} must be {amount, currency}, got ${show(value)}`);
	const { amount, currency } = value as Record<string, unknown>;
	const code = text(currency)?.toUpperCase();
	if (!code || !/^[A-Z0-9]{2,10}$/.test(code)) throw new FieldError(field, `${at}.currency must be a currency code such as USD, got ${show(currency)}`);
	return { amount: decimal(amount, field, `${at}.amount`), currency: code };
}

function optionalInstant(value: unknown, field: string, at: string): DateTime<true> | undefined {
	if (isBlank(value)) return undefined;
	return readInstant(value, field, `${at} must`);
}

/** The PSP transactions, canonical as the Praxis and CoinsPaid nodes emit them. */
export function readPspTransactions(value: unknown, field = 'PSP Transactions'): PspTransaction[] {
	return list(value, field, 'PSP transactions').map((record, index) => {
		const id = text(record.transactionId);
		const at = `the transaction at index ${index}${id !== undefined ? ` (${id})` : ''}`;
		const transactionId = requiredText(record, 'transactionId', field, at);
		const source = requiredText(record, 'source', field, at).toLowerCase();
		const gross = money(record.gross, field, `${at}: gross`);
		const net = isBlank(record.net) ? undefined : money(record.net, field, `${at}: net`);
		const timeUtc = optionalInstant(record.updatedAtUtc, field, `${at}: updatedAtUtc`) ?? optionalInstant(record.createdAtUtc, field, `${at}: createdAtUtc`);
		return {
			transactionId,
			source,
			type: requiredText(record, 'type', field, at).toLowerCase(),
			status: requiredText(record, 'status', field, at).toLowerCase(),
			gross,
			...(net ? { net } : {}),
			idempotencyKey: text(record.idempotencyKey) ?? `${source}:${transactionId}`,
			...(text(record.withdrawalRequestId) ? { withdrawalRequestId: text(record.withdrawalRequestId) } : {}),
			...(text(record.foreignId) ? { foreignId: text(record.foreignId) } : {}),
			...(text(record.login) ? { login: text(record.login) } : {}),
			...(text(record.clientId) ? { clientId: text(record.clientId) } : {}),
			...(timeUtc ? { timeUtc } : {}),
		};
	});
}

/** The platform's deals (canonical Deal); trade deals are left out, they never carry our keys. */
export function readDeals(value: unknown, field = 'Platform Deals'): PlatformDeal[] {
	const deals: PlatformDeal[] = [];
	list(value, field, 'deals').forEach((record, index) => {
		const id = text(record.dealId);
		const at = `the deal at index ${index}${id !== undefined ? ` (${id})` : ''}`;
		const kind = (text(record.kind) ?? 'balance').toLowerCase();
		if (kind === 'trade') return;
		const comment = text(record.comment) ?? text(record.externalId) ?? '';
		deals.push({
			platform: (text(record.platform) ?? 'mt5').toLowerCase(),
			dealId: requiredText(record, 'dealId', field, at),
			login: requiredText(record, 'login', field, at),
			kind,
			profit: decimal(record.profit, field, `${at}: profit`),
			...(text(record.currency) ? { currency: text(record.currency)?.toUpperCase() } : {}),
			comment,
			timeUtc: readInstant(record.timeUtc, field, `${at}: timeUtc must`),
		});
	});
	return deals;
}

/** The CRM's transactions (snake_case as the CRM answers, camelCase read too); those without a reference are not ours. */
export function readCrmTransactions(value: unknown, field = 'CRM Transactions'): CrmTransaction[] {
	const records: CrmTransaction[] = [];
	list(value, field, 'CRM transactions').forEach((record, index) => {
		const reference = text(record.reference);
		if (reference === undefined) return;
		const id = text(record.id);
		const at = `the transaction at index ${index} (${id !== undefined ? `id ${id}, ` : ''}reference ${reference})`;
		const clientId = text(record.client_id) ?? text(record.clientId);
		records.push({
			...(id !== undefined ? { id } : {}),
			reference,
			type: requiredText(record, 'type', field, at).toLowerCase(),
			amount: decimal(record.amount, field, `${at}: amount`),
			...(text(record.currency) ? { currency: text(record.currency)?.toUpperCase() } : {}),
			...(text(record.status) ? { status: text(record.status)?.toLowerCase() } : {}),
			...(clientId !== undefined ? { clientId } : {}),
			...(text(record.login) ? { login: text(record.login) } : {}),
		});
	});
	return records;
}

/** A UTC day, YYYY-MM-DD: from its midnight to the next. */
export function readDay(value: unknown, field = 'Day'): { fromUtc: DateTime<true>; toUtc: DateTime<true> } {
	const day = typeof value === 'string' ? value.trim() : '';
	const parsed = /^\d{4}-\d{2}-\d{2}$/.test(day) ? DateTime.fromISO(day, { zone: 'utc' }) : undefined;
	if (!parsed?.isValid) throw new FieldError(field, `must be a UTC day such as "2026-11-25", got ${show(value)}`);
	const fromUtc = parsed as DateTime<true>;
	return { fromUtc, toUtc: fromUtc.plus({ days: 1 }) };
}

export function readRange(from: unknown, to: unknown): { fromUtc: DateTime<true>; toUtc: DateTime<true> } {
	const fromUtc = readInstant(from, 'From');
	const toUtc = readInstant(to, 'To');
	if (toUtc.toMillis() <= fromUtc.toMillis()) throw new FieldError('To', `must be after From (${fromUtc.toISO()}), got ${toUtc.toISO()}`);
	return { fromUtc, toUtc };
}

export function readGraceMinutes(value: unknown, field = 'Grace (Minutes)'): number {
	const minutes = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
		throw new FieldError(field, `must be a whole number of minutes from 0 to 1440, got ${show(value)}`);
	}
	return minutes;
}

export function readKeyProviders(value: unknown, field = 'Key Providers'): string[] {
	if (!isBlank(value) && typeof value !== 'string') throw new FieldError(field, `must be provider names separated by commas, got ${show(value)}`);
	const providers = [...new Set(String(value ?? '').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean))];
	if (providers.length === 0) throw new FieldError(field, `is empty; give the providers whose keys the deals carry, e.g. ${DEFAULT_KEY_PROVIDERS}`);
	const bad = providers.find((p) => !/^[a-z0-9_-]+$/.test(p));
	if (bad) throw new FieldError(field, `"${bad}" is not a provider name (letters, digits, - and _)`);
	return providers;
}

// ---------------------------------------------------------------------------------------------
// Matching.

/** What the PSP says should have moved on the platform under one key. */
interface Expectation {
	key: string;
	transaction: PspTransaction;
	movement: 'credit' | 'debit';
	/** Signed, in the PSP's currency. */
	amount: DecimalString;
	currency: string;
	/** The deal must exist (succeeded), may exist (pending payout, an earlier credit), or must not (failed). */
	presence: 'required' | 'optional' | 'forbidden';
	/** For ops: what the PSP says happened ("97.20 USD succeeded"). */
	pspSays: string;
}

const REVERSAL_STATUSES = ['chargeback', 'reversed'];

function withdrawalKey(t: PspTransaction): string {
	const prefix = `${t.source}:withdrawal:`;
	if (t.foreignId?.startsWith(prefix)) return t.foreignId;
	if (t.idempotencyKey.startsWith(prefix)) return t.idempotencyKey;
	return `${prefix}${t.withdrawalRequestId ?? t.transactionId}`;
}

function expectationsOf(t: PspTransaction): Expectation[] {
	const netMoney = t.net ?? t.gross;
	const show = (amount: DecimalString, currency: string) => `${displayAmount(amount, currency)} ${currency}`;
	if (t.type === 'deposit' || t.type === 'chargeback' || t.type === 'reversal') {
		const credited = { transaction: t, amount: netMoney.amount, currency: netMoney.currency };
		const reversal = REVERSAL_STATUSES.includes(t.status) || t.type !== 'deposit';
		if (reversal) {
			const status = REVERSAL_STATUSES.includes(t.status) ? t.status : t.type === 'chargeback' ? 'chargeback' : 'reversed';
			const word = status === 'chargeback' ? 'charged back' : 'reversed';
			return [
				{
					...credited,
					key: `${t.idempotencyKey}:${status}`,
					movement: 'debit',
					amount: negateDecimal(netMoney.amount),
					presence: 'required',
					pspSays: `the ${show(netMoney.amount, netMoney.currency)} deposit was ${word}`,
				},
				// The deposit itself was credited, often on an earlier day: checked when it is found.
				{ ...credited, key: t.idempotencyKey, movement: 'credit', presence: 'optional', pspSays: `${show(netMoney.amount, netMoney.currency)} was deposited` },
			];
		}
		const succeeded = t.status === 'succeeded';
		return [
			{
				...credited,
				key: t.idempotencyKey,
				movement: 'credit',
				presence: succeeded ? 'required' : 'forbidden',
				pspSays: `${show(netMoney.amount, netMoney.currency)} ${t.status}`,
			},
		];
	}
	if (t.type === 'withdrawal') {
		// The template debits what the client asked for (gross); the payout fee is the PSP's business.
		const presence = t.status === 'succeeded' ? 'required' : t.status === 'pending' ? 'optional' : 'forbidden';
		const word = t.status === 'succeeded' ? 'was paid out' : t.status === 'pending' ? 'is pending' : `${t.status}`;
		return [
			{
				key: withdrawalKey(t),
				transaction: t,
				movement: 'debit',
				amount: negateDecimal(t.gross.amount),
				currency: t.gross.currency,
				presence,
				pspSays: `the ${show(t.gross.amount, t.gross.currency)} withdrawal ${word}`,
			},
		];
	}
	return [];
}

const OUTGOING_CRM_TYPES = ['withdrawal', 'credit_out', 'chargeback', 'reversal'];

/** A CRM amount with the sign of its type: the CRM writes every amount positive. */
function crmSigned(record: CrmTransaction): DecimalString {
	if (record.amount.startsWith('-')) return record.amount;
	return OUTGOING_CRM_TYPES.includes(record.type) ? negateDecimal(record.amount) : record.amount;
}

function within(at: DateTime, from: DateTime, to: DateTime): boolean {
	return at.toMillis() >= from.toMillis() && at.toMillis() < to.toMillis();
}

function providerName(provider: string): string {
	return provider === 'praxis' ? 'Praxis' : provider === 'coinspaid' ? 'CoinsPaid' : provider;
}

function platformName(platform: string): string {
	return platform === 'mt5' ? 'MT5' : platform === 'ctrader' ? 'cTrader' : platform === 'mt4' ? 'MT4' : platform;
}

function sumTotals(totals: Totals, currency: string | undefined, amount: DecimalString): void {
	const code = currency ?? 'unknown';
	const entry = totals[code] ?? { count: 0, amount: '0' };
	totals[code] = { count: entry.count + 1, amount: addDecimal(entry.amount, amount) };
}

function finishTotals(totals: Totals): Totals {
	const finished: Totals = {};
	for (const code of Object.keys(totals).sort()) finished[code] = { count: totals[code].count, amount: displayAmount(totals[code].amount, code) };
	return finished;
}

/** Reconciles one period. Findings are sorted by key, then kind. */
export function reconcile(input: ReconciliationInput): ReconciliationResult {
	const { period, keyProviders } = input;
	const grace = { minutes: period.graceMinutes };
	const dealFrom = period.fromUtc.minus(grace);
	const dealTo = period.toUtc.plus(grace);
	const platforms = [...new Set(input.deals.map((d) => d.platform))];
	const platform = platforms.length === 1 ? platformName(platforms[0]) : 'the trading platform';

	// Every form a key may take (full, or shortened to a comment) → the full key.
	const canonicalKey = new Map<string, string>();
	const remember = (key: string) => {
		canonicalKey.set(key, key);
		canonicalKey.set(fitKey(key, MT5_COMMENT_MAX), key);
	};
	const expectations = new Map<string, Expectation>();
	/** Keys of PSP transactions given from outside the period: their deals are another day's. */
	const otherDays = new Set<string>();
	let pspCompared = 0;
	for (const transaction of input.pspTransactions) {
		const inPeriod = transaction.timeUtc === undefined || within(transaction.timeUtc, period.fromUtc, period.toUtc);
		if (inPeriod) pspCompared++;
		for (const expectation of expectationsOf(transaction)) {
			remember(expectation.key);
			if (!inPeriod) {
				otherDays.add(expectation.key);
				continue;
			}
			const earlier = expectations.get(expectation.key);
			// The same key twice (a PSP list with a status history): the required one decides.
			if (!earlier || (earlier.presence !== 'required' && expectation.presence === 'required')) expectations.set(expectation.key, expectation);
		}
	}

	const ours = new RegExp(`^(${keyProviders.map((p) => p.replace(/[-]/g, '\\-')).join('|')}):\\S+$`, 'i');
	const keyOf = (reference: string) => canonicalKey.get(reference) ?? reference;

	const dealsByKey = new Map<string, PlatformDeal[]>();
	for (const deal of input.deals) {
		// A PSP transaction given of a provider not listed still finds its deals.
		if (!ours.test(deal.comment) && !canonicalKey.has(deal.comment)) continue;
		if (!within(deal.timeUtc, dealFrom, dealTo)) continue;
		const key = keyOf(deal.comment);
		dealsByKey.set(key, [...(dealsByKey.get(key) ?? []), deal]);
	}
	const crmByKey = new Map<string, CrmTransaction[]>();
	for (const record of input.crmTransactions) {
		const key = keyOf(record.reference);
		crmByKey.set(key, [...(crmByKey.get(key) ?? []), record]);
	}

	// The keys checked: the period's PSP transactions, and the period's deals of no other day.
	const keys = new Set<string>(expectations.keys());
	for (const [key, deals] of dealsByKey) {
		if (expectations.has(key) || otherDays.has(key)) continue;
		if (deals.some((d) => within(d.timeUtc, period.fromUtc, period.toUtc))) keys.add(key);
	}

	const findings: Finding[] = [];
	const totals = { psp: {} as Totals, platform: {} as Totals, crm: {} as Totals };
	let dealsCompared = 0;
	let crmCompared = 0;
	for (const key of [...keys].sort()) {
		const expected = expectations.get(key);
		const deals = (dealsByKey.get(key) ?? []).slice().sort((a, b) => a.timeUtc.toMillis() - b.timeUtc.toMillis());
		const crm = crmByKey.get(key) ?? [];
		dealsCompared += deals.length;
		crmCompared += crm.length;
		const currency = expected?.currency ?? deals.find((d) => d.currency)?.currency ?? crm.find((c) => c.currency)?.currency ?? null;
		const money = (amount: DecimalString) => (currency ? `${displayAmount(amount, currency)} ${currency}` : amount);
		const number = (amount: DecimalString) => (currency ? displayAmount(amount, currency) : amount);
		const login = deals[0]?.login ?? expected?.transaction.login ?? crm.find((c) => c.login)?.login ?? null;
		const provider = key.split(':')[0].toLowerCase();
		const movement = expected?.movement ?? (deals.length > 0 && deals[0].profit.startsWith('-') ? 'debit' : 'credit');
		const account = login ? (platforms.length === 1 ? `${platform} ${login}` : `account ${login}`) : platform;

		if (expected && (expected.presence === 'required' || (expected.presence === 'optional' && deals.length > 0))) {
			sumTotals(totals.psp, expected.currency, expected.amount);
		}
		for (const deal of deals) sumTotals(totals.platform, deal.currency ?? currency ?? undefined, deal.profit);
		for (const record of crm) sumTotals(totals.crm, record.currency ?? currency ?? undefined, crmSigned(record));

		const base = (kind: FindingKind, message: string): Finding => ({
			kind,
			key,
			provider,
			movement,
			currency,
			login,
			amounts: {
				psp: expected ? number(expected.amount) : null,
				platform: deals.length === 1 ? number(deals[0].profit) : null,
				crm: crm.length === 1 ? number(crmSigned(crm[0])) : null,
			},
			psp: expected
				? {
						transactionId: expected.transaction.transactionId,
						type: expected.transaction.type,
						status: expected.transaction.status,
						amount: number(expected.amount),
						currency: expected.currency,
						timeUtc: expected.transaction.timeUtc?.toISO() ?? null,
					}
				: null,
			deals: deals.map((d) => ({ dealId: d.dealId, login: d.login, amount: number(d.profit), comment: d.comment, timeUtc: d.timeUtc.toISO() as string })),
			crmTransactions: crm.map((c) => ({
				id: c.id ?? null,
				reference: c.reference,
				type: c.type,
				amount: c.amount,
				status: c.status ?? null,
				clientId: c.clientId ?? null,
				login: c.login ?? null,
			})),
			message: `${key}: ${message}`,
		});
		const dealWord = movement === 'debit' ? 'debit' : 'deal';

		if (expected?.presence === 'required' && deals.length === 0) {
			findings.push(
				base(
					'missingCredit',
					`PSP says ${expected.pspSays}, ${account} has no ${dealWord} with this comment — ${movement === 'debit' ? 'debit' : 'credit'} it through the review queue`,
				),
			);
		}
		if (expected?.presence === 'forbidden' && deals.length > 0) {
			findings.push(
				base(
					'statusMismatch',
					`PSP says ${expected.pspSays}, but ${account} deal ${deals.map((d) => d.dealId).join(', ')} moved ${deals.map((d) => money(d.profit)).join(' and ')} — the PSP decides payment status: reverse it through the review queue or confirm the payment with ${providerName(provider)}`,
				),
			);
		}
		if (!expected && deals.length > 0) {
			findings.push(
				base(
					'unknownCredit',
					`${account} deal ${deals.map((d) => d.dealId).join(', ')} moved ${deals.map((d) => money(d.profit)).join(' and ')} with our key, but the ${providerName(provider)} transactions given do not include it — look it up at ${providerName(provider)} (it may be from another day, or booked by hand)`,
				),
			);
		}
		if (deals.length > 1 || crm.length > 1) {
			const parts: string[] = [];
			if (deals.length > 1) {
				parts.push(
					`${account} has ${deals.length} deals with this comment (${deals.map((d) => `${d.dealId}: ${money(d.profit)}`).join(', ')})${expected ? ` for one PSP payment of ${money(expected.amount)}` : ''} — reverse the extra ${deals.length > 2 ? 'ones' : 'one'} through the review queue`,
				);
			}
			if (crm.length > 1) {
				parts.push(`the CRM has ${crm.length} transactions with this reference (${crm.map((c) => c.id ?? '?').join(', ')}) — keep one`);
			}
			findings.push(base('duplicateCredit', parts.join('; ')));
		}
		if (deals.length === 1 && crm.length <= 1 && expected?.presence !== 'forbidden') {
			const deal = deals[0];
			const crmAmount = crm.length === 1 ? crmSigned(crm[0]) : undefined;
			const pspDiffers = expected !== undefined && compareDecimal(expected.amount, deal.profit) !== 0;
			const crmDiffers = crmAmount !== undefined && compareDecimal(crmAmount, deal.profit) !== 0;
			const currencyDiffers =
				(deal.currency !== undefined && expected !== undefined && deal.currency !== expected.currency) ||
				(crm[0]?.currency !== undefined && (deal.currency ?? expected?.currency) !== undefined && crm[0].currency !== (deal.currency ?? expected?.currency));
			if (pspDiffers || crmDiffers || currencyDiffers) {
				const says = [
					expected ? `PSP ${displayAmount(expected.amount, expected.currency)} ${expected.currency}` : undefined,
					`${account} deal ${deal.dealId} ${deal.currency ? `${displayAmount(deal.profit, deal.currency)} ${deal.currency}` : money(deal.profit)}`,
					crmAmount !== undefined ? `CRM ${crm[0].currency ? `${displayAmount(crmAmount, crm[0].currency)} ${crm[0].currency}` : money(crmAmount)}` : undefined,
				].filter(Boolean);
				const action =
					pspDiffers || (currencyDiffers && expected !== undefined && deal.currency !== undefined && deal.currency !== expected.currency)
						? `the PSP says what was paid and ${platform} holds the balance: correct the balance through the review queue${crmAmount !== undefined && expected !== undefined && compareDecimal(crmAmount, expected.amount) !== 0 ? ', then the CRM transaction' : ''}`
						: `${platform} holds the balance: correct CRM transaction ${crm[0].id ?? crm[0].reference} to ${money(deal.profit)}`;
				findings.push(base('amountMismatch', `amounts differ — ${says.join(', ')}; ${action}`));
			}
		}
		if (deals.length > 0 && crm.length === 0) {
			findings.push(
				base(
					'missingCrmRecord',
					`${account} deal ${deals.map((d) => `${d.dealId} (${money(d.profit)})`).join(', ')} has no CRM transaction with this reference — run Transaction history to the CRM, or record it in the CRM by hand`,
				),
			);
		}
	}

	const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, findings.filter((f) => f.kind === kind).length])) as Record<FindingKind, number>;
	const clean = findings.length === 0;
	const day = period.toUtc.diff(period.fromUtc, 'days').days === 1 && period.fromUtc.equals(period.fromUtc.startOf('day'));
	const when = day ? `UTC day ${period.fromUtc.toFormat('yyyy-MM-dd')}` : `${period.fromUtc.toISO()} to ${period.toUtc.toISO()}`;
	const found = FINDING_KINDS.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`);
	return {
		findings,
		summary: {
			kind: 'summary',
			clean,
			period: { fromUtc: period.fromUtc.toISO() as string, toUtc: period.toUtc.toISO() as string, graceMinutes: period.graceMinutes },
			counts: { ...counts, total: findings.length },
			totals: { psp: finishTotals(totals.psp), platform: finishTotals(totals.platform), crm: finishTotals(totals.crm) },
			compared: { pspTransactions: pspCompared, deals: dealsCompared, crmTransactions: crmCompared },
			message: clean
				? `Reconciliation of ${when}: PSP, ${platform} and CRM agree (${pspCompared} PSP transactions, ${dealsCompared} deals, ${crmCompared} CRM transactions)`
				: `Reconciliation of ${when}: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${found.join(', ')})`,
		},
	};
}
