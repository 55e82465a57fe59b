/**
 * Withdrawal policy checks: before a person approves a client's withdrawal, the request is checked
 * against the brokerage's policy. Every check that fails is listed (not just the first), so ops see
 * the whole picture in one go and the client gets one answer.
 *
 * Checks, in the order they are listed:
 * - accountCurrency: the trading account's currency, when known, is the withdrawal currency
 *   (otherwise the free margin is in another currency than the amount, so the margin check is
 *   skipped and this one fails instead);
 * - freeMargin: amount <= free margin (equal passes: the whole free margin may be withdrawn);
 * - kycStatus: the KYC status is one of the accepted ones;
 * - clientStatus: the client status is not one of the refused ones (an empty status passes);
 * - riskLevel: the risk level is not refused; a client never risk-assessed is refused unless the
 *   policy allows it;
 * - dailyLimit / monthlyLimit: counted total in the window + amount <= limit (equal passes).
 *
 * Limit windows are UTC, whatever offset the times carry (2026-03-01T01:30:00+03:00 is still
 * 28 February in UTC):
 * - calendar: the UTC calendar day and calendar month of Requested At;
 * - rolling: the 24 hours and 30 days (720 hours) before Requested At.
 * A window starts inclusive. A calendar window ends at the next day/month; a rolling window has no
 * end, so a withdrawal recorded a little after Requested At (clocks differ between systems) still
 * counts: for a limit, counting too much is the safe mistake.
 *
 * Previous withdrawals count when they are in the withdrawal currency and their status is one of
 * the counted statuses; the request itself (same id) never counts, since the CRM's list usually
 * already holds it as pending.
 *
 * Amounts are exact decimals (lib/money.ts); limits and the second-approver threshold are in the
 * withdrawal currency.
 */

import { DateTime } from 'luxon';

import { attempt, FieldError } from './errors';
import type { DecimalString } from './model';
import { addDecimal, compareDecimal, CURRENCY_DIGITS, parseDecimal, roundDecimal, subtractDecimal } from './money';

export type RiskLevel = 'low' | 'medium' | 'high';
export type LimitWindow = 'calendar' | 'rolling';
export type WithdrawalCheckName =
	| 'accountCurrency'
	| 'freeMargin'
	| 'kycStatus'
	| 'clientStatus'
	| 'riskLevel'
	| 'dailyLimit'
	| 'monthlyLimit';

export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];
export const DEFAULT_COUNTED_STATUSES = 'pending,approved,completed,succeeded';

export interface PreviousWithdrawal {
	id?: string;
	amount: DecimalString;
	/** Upper case. */
	currency: string;
	/** Lower case. */
	status: string;
	createdAtUtc: DateTime<true>;
}

export interface WithdrawalRequest {
	/** Excludes the request itself from the previous withdrawals; undefined when not known. */
	requestId?: string;
	/** More than 0. */
	amount: DecimalString;
	/** Upper case. */
	currency: string;
	/** May be negative. */
	freeMargin: DecimalString;
	/** Upper case; undefined when not given. */
	accountCurrency?: string;
	/** Lower case; '' when missing. */
	kycStatus: string;
	/** Lower case; '' when not given. */
	clientStatus: string;
	/** Undefined when the client was never risk-assessed. */
	riskLevel?: RiskLevel;
	previousWithdrawals: PreviousWithdrawal[];
	requestedAtUtc: DateTime<true>;
}

export interface WithdrawalPolicy {
	/** Lower case, at least one. */
	acceptedKycStatuses: string[];
	/** Lower case. */
	refusedClientStatuses: string[];
	refusedRiskLevels: RiskLevel[];
	refuseUnknownRiskLevel: boolean;
	twoApproverRiskLevels: RiskLevel[];
	/** Lower case, at least one. */
	countedStatuses: string[];
	/** Undefined: no limit. */
	dailyLimit?: DecimalString;
	monthlyLimit?: DecimalString;
	limitWindow: LimitWindow;
	secondApproverAbove: DecimalString;
}

export interface FailedCheck {
	check: WithdrawalCheckName;
	message: string;
}

export interface WithdrawalCheck {
	passed: boolean;
	approvalsRequired: 1 | 2;
	/** Why two approvers are needed, '' when one is enough. */
	approvalReason: string;
	reasons: FailedCheck[];
	/** Every failed check's message joined with '; ', '' when passed. */
	rejectionReason: string;
	totals: {
		/** Counted withdrawals already in the day and month windows, this request excluded. */
		day: DecimalString;
		month: DecimalString;
		/** What could still be withdrawn in the window before this request (never below 0); null without a limit. */
		dayRemaining: DecimalString | null;
		monthRemaining: DecimalString | null;
	};
	window: { dayStartUtc: string; monthStartUtc: string };
}

// ---------------------------------------------------------------------------------------------
// Reading values: each reader names the parameter at fault and says what to give instead.

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A decimal amount; `what` is the problem's subject ("", or "the withdrawal at index 2: amount"). */
function decimal(value: unknown, field: string, example: string, subject = 'must'): DecimalString {
	if (typeof value === 'string' || typeof value === 'number') {
		const parsed = attempt(() => parseDecimal(value, field));
		if (parsed.ok) return parsed.value;
	}
	throw new FieldError(field, `${subject} be a decimal number such as "${example}" (no thousands separators), got ${show(value)}`);
}

/** The withdrawal amount: a decimal above 0. */
export function readAmount(value: unknown, field = 'Amount'): DecimalString {
	if (isBlank(value)) throw new FieldError(field, 'is required: the amount the client asks to withdraw, e.g. 250.00');
	const amount = decimal(value, field, '250.00');
	if (compareDecimal(amount, '0') <= 0) throw new FieldError(field, `must be more than 0, got "${amount}"`);
	return amount;
}

/** A currency code of 3 to 5 letters (USD, USDT), upper case. */
export function readCurrency(value: unknown, field = 'Currency'): string {
	if (isBlank(value)) throw new FieldError(field, 'is required: the currency code, e.g. USD');
	const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
	if (!/^[A-Z]{3,5}$/.test(code)) throw new FieldError(field, `must be a currency code of 3 to 5 letters such as USD or USDT, got ${show(value)}`);
	return code;
}

/** An optional currency code: undefined when empty. */
export function readOptionalCurrency(value: unknown, field: string): string | undefined {
	return isBlank(value) ? undefined : readCurrency(value, field);
}

/** The trading account's free margin; may be negative (a margin call), never missing. */
export function readFreeMargin(value: unknown, field = 'Free Margin'): DecimalString {
	if (isBlank(value)) {
		throw new FieldError(field, 'is required: the trading account\'s free margin, read from the trading platform just before the check');
	}
	return decimal(value, field, '1520.75');
}

/** A status as text, lower case; '' when empty. */
export function readStatus(value: unknown, field: string): string {
	if (isBlank(value)) return '';
	if (typeof value !== 'string' && typeof value !== 'number') throw new FieldError(field, `must be text such as "approved", got ${show(value)}`);
	return String(value).trim().toLowerCase();
}

/** An optional id as text (numbers are fine); undefined when empty. */
export function readId(value: unknown, field: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value !== 'string' && typeof value !== 'number') throw new FieldError(field, `must be text or a number, got ${show(value)}`);
	return String(value).trim();
}

/** low, medium or high (any case); undefined for a client never risk-assessed (empty). */
export function readRiskLevel(value: unknown, field = 'Risk Level'): RiskLevel | undefined {
	if (isBlank(value)) return undefined;
	const level = typeof value === 'string' ? value.trim().toLowerCase() : '';
	if (!(RISK_LEVELS as readonly string[]).includes(level)) {
		throw new FieldError(field, `must be low, medium or high (empty when the client was never assessed), got ${show(value)}`);
	}
	return level as RiskLevel;
}

/** A comma-separated list of statuses, lower case, without blanks or repeats. */
export function readStatusList(value: unknown, field: string, options: { required?: string } = {}): string[] {
	if (!isBlank(value) && typeof value !== 'string') throw new FieldError(field, `must be statuses separated by commas, got ${show(value)}`);
	const list = [...new Set(String(value ?? '').split(',').map((status) => status.trim().toLowerCase()).filter(Boolean))];
	if (options.required && list.length === 0) throw new FieldError(field, `is empty; give at least one status, e.g. ${options.required}`);
	return list;
}

/** The chosen risk levels of a multi-options parameter. */
export function readRiskLevels(value: unknown, field: string): RiskLevel[] {
	const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
	return list.map((entry) => {
		const level = readRiskLevel(entry, field);
		if (!level) throw new FieldError(field, 'has an empty entry; choose low, medium or high');
		return level;
	});
}

/** A limit in the withdrawal currency: undefined when empty (no limit), otherwise a decimal >= 0. */
export function readLimit(value: unknown, field: string): DecimalString | undefined {
	if (isBlank(value)) return undefined;
	const limit = decimal(value, field, '5000', 'must be empty (no limit) or');
	if (compareDecimal(limit, '0') < 0) throw new FieldError(field, `must not be negative, got "${limit}"; leave it empty for no limit`);
	return limit;
}

/** The amount above which a second approver is needed: a decimal >= 0. */
export function readThreshold(value: unknown, field = 'Second Approver Above'): DecimalString {
	if (isBlank(value)) throw new FieldError(field, 'is required: the amount above which a second approver is needed, e.g. 10000');
	const threshold = decimal(value, field, '10000');
	if (compareDecimal(threshold, '0') < 0) throw new FieldError(field, `must not be negative, got "${threshold}"`);
	return threshold;
}

export function readLimitWindow(value: unknown, field = 'Limit Window'): LimitWindow {
	if (value === 'calendar' || value === 'rolling') return value;
	throw new FieldError(field, `must be calendar or rolling, got ${show(value)}`);
}

// ISO-8601 date-time ending in Z or an offset; a time without one could be a server's local time.
const WITH_OFFSET = /T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * An instant as a UTC DateTime: an ISO-8601 string WITH an offset or Z, a Date or a luxon DateTime.
 * A time without an offset is refused: MT5 and many CRMs write server-local times, and guessing
 * their zone moves a withdrawal into another day.
 */
export function readInstant(value: unknown, field: string, subject = 'must'): DateTime<true> {
	let parsed: DateTime | undefined;
	if (DateTime.isDateTime(value)) parsed = value;
	else if (Object.prototype.toString.call(value) === '[object Date]') parsed = DateTime.fromJSDate(value as Date);
	else if (typeof value === 'string' && WITH_OFFSET.test(value.trim())) parsed = DateTime.fromISO(value.trim(), { setZone: true });
	if (!parsed?.isValid) {
		throw new FieldError(
			field,
			`${subject} be an ISO-8601 date-time with an offset or Z, such as "2026-03-01T01:30:00+03:00" or "2026-02-28T22:30:00Z", got ${show(value)}`,
		);
	}
	return parsed.toUTC() as DateTime<true>;
}

/**
 * The client's earlier withdrawals: a list (or its JSON text) of {id?, amount, currency, status,
 * createdAt}, or the CRM's snake_case {id, amount, currency, status, created_at}. A bad entry is
 * named by its index (counted from 0, as in n8n expressions) and its id.
 */
export function readPreviousWithdrawals(value: unknown, field = 'Previous Withdrawals'): PreviousWithdrawal[] {
	let list = value;
	if (typeof list === 'string') {
		const parsed = attempt(() => JSON.parse(list as string) as unknown);
		if (!parsed.ok) throw new FieldError(field, `must be a list of withdrawals; the text given is not valid JSON (${parsed.error.message})`);
		list = parsed.value;
	}
	if (!Array.isArray(list)) {
		throw new FieldError(field, `must be a list of the client's earlier withdrawals ([] when there are none), got ${show(value)}`);
	}
	return list.map((entry: unknown, index) => {
		if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
			throw new FieldError(field, `the withdrawal at index ${index} must be an object {amount, currency, status, createdAt}, got ${show(entry)}`);
		}
		const raw = entry as Record<string, unknown>;
		const id = readId(raw.id, field);
		const at = `the withdrawal at index ${index}${id !== undefined ? ` (id ${id})` : ''}:`;
		const amount = decimal(raw.amount, field, '100.50', `${at} amount must`);
		if (compareDecimal(amount, '0') < 0) {
			throw new FieldError(field, `${at} amount must not be negative, got "${amount}"; give withdrawals as positive amounts`);
		}
		if (isBlank(raw.currency) || typeof raw.currency !== 'string' || !/^[A-Za-z]{3,5}$/.test(raw.currency.trim())) {
			throw new FieldError(field, `${at} currency must be a currency code such as USD, got ${show(raw.currency)}`);
		}
		const status = typeof raw.status === 'string' ? raw.status.trim().toLowerCase() : '';
		if (!status) throw new FieldError(field, `${at} status must be text such as "approved", got ${show(raw.status)}`);
		const createdAt = raw.createdAt !== undefined ? raw.createdAt : raw.created_at;
		const createdAtUtc = readInstant(createdAt, field, `${at} createdAt must`);
		return { id, amount, currency: raw.currency.trim().toUpperCase(), status, createdAtUtc };
	});
}

// ---------------------------------------------------------------------------------------------
// The checks.

/** An amount for people: padded to the currency's decimals when known ("80" USD → "80.00"), never rounded. */
export function displayAmount(amount: DecimalString, currency: string): DecimalString {
	const digits = CURRENCY_DIGITS[currency];
	if (digits === undefined) return amount;
	const decimals = amount.includes('.') ? amount.split('.')[1].length : 0;
	return decimals <= digits ? roundDecimal(amount, digits) : amount;
}

interface Windows {
	dayStart: DateTime<true>;
	/** Exclusive; undefined for a rolling window, which has no end. */
	dayEnd?: DateTime<true>;
	monthStart: DateTime<true>;
	monthEnd?: DateTime<true>;
}

export function limitWindows(requestedAtUtc: DateTime<true>, window: LimitWindow): Windows {
	const at = requestedAtUtc.toUTC();
	if (window === 'rolling') {
		return { dayStart: at.minus({ hours: 24 }), monthStart: at.minus({ hours: 24 * 30 }) };
	}
	const dayStart = at.startOf('day');
	const monthStart = at.startOf('month');
	return { dayStart, dayEnd: dayStart.plus({ days: 1 }), monthStart, monthEnd: monthStart.plus({ months: 1 }) };
}

function within(at: DateTime, start: DateTime, end: DateTime | undefined): boolean {
	return at.toMillis() >= start.toMillis() && (end === undefined || at.toMillis() < end.toMillis());
}

function limitCheck(
	check: 'dailyLimit' | 'monthlyLimit',
	limit: DecimalString | undefined,
	already: DecimalString,
	request: WithdrawalRequest,
	windowText: string,
): { failed?: FailedCheck; remaining: DecimalString | null } {
	if (limit === undefined) return { remaining: null };
	const { currency, amount } = request;
	const left = subtractDecimal(limit, already);
	const remaining = displayAmount(compareDecimal(left, '0') < 0 ? '0' : left, currency);
	if (compareDecimal(addDecimal(already, amount), limit) <= 0) return { remaining };
	const name = check === 'dailyLimit' ? 'daily' : 'monthly';
	return {
		remaining,
		failed: {
			check,
			message: `${name} limit ${displayAmount(limit, currency)} ${currency}: ${displayAmount(already, currency)} already withdrawn ${windowText}, ${displayAmount(amount, currency)} more requested`,
		},
	};
}

function listed(statuses: string[]): string {
	return statuses.length <= 1 ? statuses.join('') : `${statuses.slice(0, -1).join(', ')} or ${statuses[statuses.length - 1]}`;
}

/** Checks one withdrawal request against the policy; lists every failed check. */
export function checkWithdrawal(request: WithdrawalRequest, policy: WithdrawalPolicy): WithdrawalCheck {
	const { amount, currency } = request;
	const money = (value: DecimalString) => `${displayAmount(value, currency)} ${currency}`;
	const reasons: FailedCheck[] = [];

	const currencyMismatch = request.accountCurrency !== undefined && request.accountCurrency !== currency;
	if (currencyMismatch) {
		reasons.push({
			check: 'accountCurrency',
			message: `account currency ${request.accountCurrency} differs from the withdrawal currency ${currency}`,
		});
	} else if (compareDecimal(amount, request.freeMargin) > 0) {
		reasons.push({
			check: 'freeMargin',
			message: `free margin ${money(request.freeMargin)} is below the ${money(amount)} requested: close positions or lower the amount`,
		});
	}

	if (!policy.acceptedKycStatuses.includes(request.kycStatus)) {
		reasons.push({
			check: 'kycStatus',
			message: `KYC status is ${request.kycStatus || 'missing'}; withdrawals need ${listed(policy.acceptedKycStatuses)}`,
		});
	}

	if (request.clientStatus && policy.refusedClientStatuses.includes(request.clientStatus)) {
		reasons.push({
			check: 'clientStatus',
			message: `client status is ${request.clientStatus}; withdrawals are refused for ${request.clientStatus} clients`,
		});
	}

	if (request.riskLevel === undefined) {
		if (policy.refuseUnknownRiskLevel) {
			reasons.push({
				check: 'riskLevel',
				message: 'the client has no risk level (never risk-assessed); assess the client\'s risk first, then check again',
			});
		}
	} else if (policy.refusedRiskLevels.includes(request.riskLevel)) {
		reasons.push({
			check: 'riskLevel',
			message: `risk level is ${request.riskLevel}; withdrawals are refused for ${request.riskLevel}-risk clients`,
		});
	}

	const windows = limitWindows(request.requestedAtUtc, policy.limitWindow);
	let day = '0';
	let month = '0';
	for (const earlier of request.previousWithdrawals) {
		if (earlier.currency !== currency) continue;
		if (!policy.countedStatuses.includes(earlier.status)) continue;
		if (request.requestId !== undefined && earlier.id === request.requestId) continue;
		if (within(earlier.createdAtUtc, windows.dayStart, windows.dayEnd)) day = addDecimal(day, earlier.amount);
		if (within(earlier.createdAtUtc, windows.monthStart, windows.monthEnd)) month = addDecimal(month, earlier.amount);
	}
	const rolling = policy.limitWindow === 'rolling';
	const daily = limitCheck('dailyLimit', policy.dailyLimit, day, request, rolling ? 'in the last 24 hours' : 'today (UTC)');
	const monthly = limitCheck('monthlyLimit', policy.monthlyLimit, month, request, rolling ? 'in the last 30 days' : 'this month (UTC)');
	if (daily.failed) reasons.push(daily.failed);
	if (monthly.failed) reasons.push(monthly.failed);

	const approvalReasons: string[] = [];
	if (compareDecimal(amount, policy.secondApproverAbove) > 0) {
		approvalReasons.push(`amount ${money(amount)} is above ${money(policy.secondApproverAbove)}`);
	}
	if (request.riskLevel !== undefined && policy.twoApproverRiskLevels.includes(request.riskLevel)) {
		approvalReasons.push(`risk level is ${request.riskLevel}`);
	}

	return {
		passed: reasons.length === 0,
		approvalsRequired: approvalReasons.length > 0 ? 2 : 1,
		approvalReason: approvalReasons.join('; '),
		reasons,
		rejectionReason: reasons.map((reason) => reason.message).join('; '),
		totals: {
			day: displayAmount(day, currency),
			month: displayAmount(month, currency),
			dayRemaining: daily.remaining,
			monthRemaining: monthly.remaining,
		},
		window: { dayStartUtc: windows.dayStart.toISO(), monthStartUtc: windows.monthStart.toISO() },
	};
}
