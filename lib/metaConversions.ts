/**
 * Building what Meta accepts from canonical fields, checked item by item before anything is sent:
 * Meta rejects a whole Conversions API request when one event in it is invalid
 * (reference/ads.md §1.6), so every rule Meta enforces per event is enforced here first and a bad
 * item is reported naming its field, while the others are still sent.
 *
 * - Conversions API server events (§1.2, §1.3): hashed `user_data` keys normalised and SHA-256
 *   hashed with lib/normalize.ts; IP address, user agent, fbc and fbp sent as they are, never hashed.
 * - Custom Audience rows (§2): one hashed value per schema column, "" for an unknown value.
 */
import { attempt, FieldError } from './errors';
import type { Conversion } from './model';
import {
	hashAudienceText,
	hashIdentifier,
	isSha256Hex,
	META_AUDIENCE_SOURCE,
	META_USER_DATA_KEY,
	type IdentifierKind,
	type MetaAudienceKey,
} from './normalize';

export const META_MAX_EVENTS_PER_REQUEST = 1000;
export const META_MAX_AUDIENCE_ROWS_PER_REQUEST = 10_000;
export const META_MAX_EVENT_AGE_DAYS = 7;
export const META_MAX_PHYSICAL_STORE_EVENT_AGE_DAYS = 62;
/** [inference] how far ahead of our clock an event time may be (clock skew). */
export const META_FUTURE_TOLERANCE_SECONDS = 60;

export const META_ACTION_SOURCES = ['website', 'app', 'chat', 'email', 'other', 'phone_call', 'physical_store', 'system_generated'] as const;
export type MetaActionSource = (typeof META_ACTION_SOURCES)[number];

/** The editor's names for the identifier fields, so a message names what the user can fix. */
export const IDENTIFIER_LABELS: Readonly<Record<IdentifierKind, string>> = {
	email: 'Email',
	phone: 'Phone',
	firstName: 'First Name',
	lastName: 'Last Name',
	city: 'City',
	state: 'State',
	zip: 'Zip',
	country: 'Country',
	dateOfBirth: 'Date of Birth',
	gender: 'Gender',
	externalId: 'External ID',
};

export type Identifiers = Partial<Record<IdentifierKind, string>>;

export interface MetaEventInput {
	eventName: string;
	/** Dedup key with eventName (M-DEDUP). */
	eventId: string;
	/** ISO-8601, Unix seconds or Unix milliseconds; empty = now. */
	eventTime?: unknown;
	actionSource: string;
	eventSourceUrl?: string;
	identifiers: Identifiers;
	fbc?: string;
	fbp?: string;
	clientIpAddress?: string;
	clientUserAgent?: string;
	/** A number, a decimal string or a canonical Money object. */
	value?: unknown;
	currency?: string;
	clientId?: string;
	/** For national phone numbers without a country code. */
	defaultCallingCode?: string;
	optOut?: boolean;
}

export interface MetaServerEvent {
	event_name: string;
	event_time: number;
	event_id: string;
	action_source: string;
	event_source_url?: string;
	opt_out?: boolean;
	user_data: Record<string, string | string[]>;
	custom_data?: { value?: number; currency?: string };
}

export interface BuiltEvent {
	event: MetaServerEvent;
	/** The canonical conversion (lib/model.ts) the event stands for. */
	conversion: Conversion;
}

export type Built<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return typeof value === 'string' ? value.trim() : '';
}

/** Event time in Unix seconds; undefined with a problem when unreadable. */
export function eventTimeSeconds(value: unknown, nowMs: number): { seconds?: number; problem?: string } {
	if (value === undefined || value === null || value === '') return { seconds: Math.floor(nowMs / 1000) };
	let ms: number;
	const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
	if (numeric !== undefined) {
		// Unix seconds are 10 digits until 2286; anything larger is milliseconds.
		ms = numeric > 1e11 ? numeric : numeric * 1000;
	} else if (typeof value === 'string' || value instanceof Date) {
		ms = value instanceof Date ? value.getTime() : Date.parse(value.trim());
	} else ms = Number.NaN;
	if (!Number.isFinite(ms) || ms <= 0) {
		return { problem: `${JSON.stringify(value)} is not a time (use ISO-8601 such as 2026-11-26T09:30:00Z, or Unix seconds)` };
	}
	return { seconds: Math.floor(ms / 1000) };
}

function moneyOf(value: unknown, currency: string): { amount?: number; amountText?: string; currency: string; problem?: string } {
	let amountText = '';
	let code = currency;
	if (typeof value === 'object' && value !== null && 'amount' in value) {
		const money = value as { amount?: unknown; currency?: unknown };
		amountText = text(money.amount);
		if (!code) code = text(money.currency);
	} else amountText = text(value);
	code = code.toUpperCase();
	if (amountText === '') return { currency: code };
	const amount = Number(amountText);
	if (!/^-?\d+(\.\d+)?$/.test(amountText) || !Number.isFinite(amount)) {
		return { currency: code, problem: `${JSON.stringify(amountText)} is not a number` };
	}
	if (amount < 0) return { currency: code, problem: `must not be negative; it is ${amountText}` };
	return { amount, amountText, currency: code };
}

const COOKIE_ID = /^fb\.[0-2]\.\d{10,13}\.\S+$/;

function isIpAddress(value: string): boolean {
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
	if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
	return value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value);
}

/** A plain `user_data` value: refused when it is hashed (matching breaks) or malformed. */
function plainValue(label: string, key: 'fbc' | 'fbp' | 'client_ip_address' | 'client_user_agent', raw: string, errors: FieldError[]): string | undefined {
	if (!raw) return undefined;
	if (isSha256Hex(raw.toLowerCase())) {
		errors.push(new FieldError(label, 'looks hashed; Meta needs it exactly as captured, never hashed'));
		return undefined;
	}
	if ((key === 'fbc' || key === 'fbp') && !COOKIE_ID.test(raw)) {
		const example = key === 'fbc' ? 'fb.1.1554763741205.AbCdEf' : 'fb.1.1596403881668.1116446470';
		errors.push(new FieldError(label, `"${raw}" is not a Meta ${key} value (like ${example}); send the _${key} cookie or build fbc from the fbclid as fb.1.<ms>.<fbclid>`));
		return undefined;
	}
	if (key === 'client_ip_address' && !isIpAddress(raw)) {
		errors.push(new FieldError(label, `"${raw}" is not an IPv4 or IPv6 address`));
		return undefined;
	}
	return raw;
}

/**
 * One server event, or every problem that would make Meta refuse it (and with it the whole
 * request), each naming its field.
 */
export function buildServerEvent(input: MetaEventInput, nowMs: number): Built<BuiltEvent> {
	const errors: FieldError[] = [];
	const eventName = input.eventName.trim();
	if (!eventName) errors.push(new FieldError('Event Name', 'is required, e.g. Purchase or a custom name such as KYCApproved'));
	else if (eventName.length > 50) errors.push(new FieldError('Event Name', `is longer than 50 characters [inference]: "${eventName}"`));
	const eventId = input.eventId.trim();
	if (!eventId) errors.push(new FieldError('Event ID', 'is required for deduplication, e.g. ftd:<client id>; set it or give the item a clientId'));

	const actionSource = input.actionSource.trim();
	if (!(META_ACTION_SOURCES as readonly string[]).includes(actionSource)) {
		errors.push(new FieldError('Action Source', `must be one of ${META_ACTION_SOURCES.join(', ')}; it is "${actionSource}"`));
	}

	const time = eventTimeSeconds(input.eventTime, nowMs);
	if (time.problem) errors.push(new FieldError('Event Time', time.problem));
	else if (time.seconds !== undefined) {
		const maxDays = actionSource === 'physical_store' ? META_MAX_PHYSICAL_STORE_EVENT_AGE_DAYS : META_MAX_EVENT_AGE_DAYS;
		const ageSeconds = nowMs / 1000 - time.seconds;
		const iso = new Date(time.seconds * 1000).toISOString();
		if (ageSeconds > maxDays * 86400) {
			errors.push(new FieldError('Event Time', `${iso} is more than ${maxDays} days ago; Meta refuses such events (and the whole request with them), so it was not sent`));
		} else if (-ageSeconds > META_FUTURE_TOLERANCE_SECONDS) {
			errors.push(new FieldError('Event Time', `${iso} is in the future; check the time zone of the source field (times must be UTC)`));
		}
	}

	const eventSourceUrl = text(input.eventSourceUrl);
	if (eventSourceUrl && !/^https?:\/\/\S+$/i.test(eventSourceUrl)) {
		errors.push(new FieldError('Event Source URL', `"${eventSourceUrl}" is not a web address (http:// or https://)`));
	}
	if (actionSource === 'website') {
		if (!eventSourceUrl) errors.push(new FieldError('Event Source URL', 'is required when Action Source is website'));
		if (!text(input.clientUserAgent)) errors.push(new FieldError('Client User Agent', 'is required when Action Source is website'));
	}

	const userData: Record<string, string | string[]> = {};
	for (const [kind, raw] of Object.entries(input.identifiers) as Array<[IdentifierKind, string | undefined]>) {
		const value = text(raw);
		if (!value) continue;
		// A NormalizeError says what is wrong with the value; the field is added here.
		const hashed = attempt(() => hashIdentifier(kind, value, 'meta', input.defaultCallingCode));
		if (hashed.ok) userData[META_USER_DATA_KEY[kind]] = hashed.value;
		else errors.push(new FieldError(IDENTIFIER_LABELS[kind], hashed.error.message));
	}
	const plain: Array<[string, 'fbc' | 'fbp' | 'client_ip_address' | 'client_user_agent', unknown]> = [
		['Click ID (fbc)', 'fbc', input.fbc],
		['Browser ID (fbp)', 'fbp', input.fbp],
		['Client IP Address', 'client_ip_address', input.clientIpAddress],
		['Client User Agent', 'client_user_agent', input.clientUserAgent],
	];
	for (const [label, key, raw] of plain) {
		const value = plainValue(label, key, text(raw), errors);
		if (value !== undefined) userData[key] = value;
	}
	if (Object.keys(userData).length === 0 && !errors.some((e) => Object.values(IDENTIFIER_LABELS).includes(e.field))) {
		errors.push(new FieldError('User Data', 'has no customer information; set at least one of Email, Phone, External ID, Click ID (fbc), Client IP Address'));
	}

	const money = moneyOf(input.value, text(input.currency));
	if (money.problem) errors.push(new FieldError('Value', money.problem));
	if (money.currency && !/^[A-Z]{3}$/.test(money.currency)) {
		errors.push(new FieldError('Currency', `must be a three-letter ISO 4217 code such as USD; it is "${money.currency}"`));
	}
	if (eventName === 'Purchase') {
		// [inference] Meta requires value and currency on Purchase events (pixel standard events).
		if (money.amount === undefined && !money.problem) errors.push(new FieldError('Value', 'is required for a Purchase event (the deposit amount)'));
		if (!money.currency) errors.push(new FieldError('Currency', 'is required for a Purchase event, e.g. USD'));
	}

	if (errors.length) return { ok: false, errors };
	const customData: MetaServerEvent['custom_data'] = {};
	if (money.amount !== undefined) customData.value = money.amount;
	if (money.currency) customData.currency = money.currency;
	const event: MetaServerEvent = {
		event_name: eventName,
		event_time: time.seconds!,
		event_id: eventId,
		action_source: actionSource,
		...(eventSourceUrl ? { event_source_url: eventSourceUrl } : {}),
		...(input.optOut ? { opt_out: true } : {}),
		user_data: userData,
		...(Object.keys(customData).length ? { custom_data: customData } : {}),
	};
	const conversion: Conversion = {
		eventId,
		eventName,
		timeUtc: new Date(time.seconds! * 1000).toISOString(),
		...(input.clientId ? { clientId: input.clientId } : {}),
		...(money.amountText !== undefined && money.currency ? { value: { amount: money.amountText, currency: money.currency } } : {}),
		consent: true,
		destination: 'meta',
	};
	return { ok: true, value: { event, conversion } };
}

/** The identifier column a schema key is read from, for messages. */
const AUDIENCE_LABEL: Readonly<Record<MetaAudienceKey, string>> = {
	EXTERN_ID: 'External ID',
	EMAIL: 'Email',
	PHONE: 'Phone',
	GEN: 'Gender',
	DOBY: 'Date of Birth',
	DOBM: 'Date of Birth',
	DOBD: 'Date of Birth',
	LN: 'Last Name',
	FN: 'First Name',
	FI: 'First Name',
	CT: 'City',
	ST: 'State',
	ZIP: 'Zip',
	COUNTRY: 'Country',
};

/** One Custom Audience row in schema order: hashed values, "" where a value is unknown. */
export function buildAudienceRow(schema: readonly MetaAudienceKey[], identifiers: Identifiers, defaultCallingCode?: string): Built<string[]> {
	// Runs once per row of syncs of millions: no closures or sets, and no error list, unless a
	// value is refused; the row is allocated at its final length rather than grown by push.
	let errors: FieldError[] | undefined;
	const row = new Array<string>(schema.length);
	let filled = 0;
	for (let column = 0; column < schema.length; column++) {
		const key = schema[column];
		const value = text(identifiers[META_AUDIENCE_SOURCE[key]]);
		if (!value) {
			row[column] = '';
			continue;
		}
		try {
			row[column] = hashAudienceText(key, value, defaultCallingCode);
			filled++;
		} catch (error) {
			row[column] = '';
			const label = AUDIENCE_LABEL[key];
			errors ??= [];
			if (!errors.some((reported) => reported.field === label)) errors.push(new FieldError(label, (error as Error).message));
		}
	}
	if (!errors && filled === 0) {
		const fields = [...new Set(schema.map((key) => AUDIENCE_LABEL[key]))].join(', ');
		errors = [new FieldError('User Data', `is empty: the row has none of the audience's columns (${fields})`)];
	}
	return errors ? { ok: false, errors } : { ok: true, value: row };
}
