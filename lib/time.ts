/**
 * Platform server time <-> UTC, and period windows (a calendar day or month as the platform sees it).
 *
 * MetaTrader 5 does not speak UTC. "In all configurations, databases and logs, the trading time of
 * the platform is used" (MetaQuotes, `imtserverapi_timecurrent`), and its epoch numbers are the
 * server's WALL CLOCK written as if it were UTC: `/api/time/server` answers
 * `"1572518788 2019.10.31 10:46:28"`, and 1572518788 is 2019-10-31 10:46:28 read as UTC
 * (`webapi_time_server`). Deal `Time`/`TimeMsc`, user `Registration` and the `from`/`to` of deal
 * queries are all such "server epochs". cTrader speaks UTC: use `UTC_ZONE` for it.
 *
 * A server zone is the rule that maps an instant to that wall clock:
 * - a fixed offset ("UTC+2"): brokers without DST, or GMT+0 servers;
 * - an IANA zone ("Europe/Athens"): GMT+2 in winter, GMT+3 in summer, switching on the EU dates;
 * - an IANA zone plus a shift ("America/New_York+7"): the "New York close" convention, GMT+2/+3
 *   switching on the US dates so that server midnight stays 17:00 in New York. No IANA zone has
 *   that rule, and many brokers use it (https://pypi.org/project/brokerclock/; the broker-DST
 *   script on tradingrobots.net reports DST_US for ICMarketsSC-Demo, DST_UK for OctaFX-Demo).
 *
 * Wall-clock edges, decided here once (the same choices as java.time's default, RFC 5545 and the
 * TC39 Temporal "compatible" disambiguation):
 * - A repeated wall time (autumn: 03:00–04:00 happens twice in Europe/Athens on the last Sunday of
 *   October) means its FIRST occurrence, i.e. the summer offset. Forex is closed at both the EU
 *   (Sunday 03:00–04:00 server) and US (Sunday 08:00–09:00 server) fall-back hours, so only
 *   weekend balance operations can land there.
 * - A wall time that never happened (spring: 03:00–04:00 in Europe/Athens on the last Sunday of
 *   March) is read with the offset in force BEFORE the jump, so it lands one hour later on the
 *   new clock: 03:30 → 01:30Z, which the server would display as 04:30. Nothing throws: the
 *   mapping stays monotonic and a midnight that falls in a gap starts the day at the jump.
 *
 * Nothing here reads the clock: callers pass "now".
 */

import { DateTime, IANAZone } from 'luxon';

/** Thrown for a value that is not a usable time or zone. `field` names what was being read. */
export class TimeError extends Error {
	constructor(
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'TimeError';
	}
}

/**
 * How a trading server's wall clock relates to UTC. Plain data, so it can sit in item JSON.
 * `name` is the canonical spelling; `parseServerZone(zone.name)` gives the same zone back.
 */
export type ServerZone =
	| { kind: 'fixed'; name: string; offsetMinutes: number }
	| { kind: 'iana'; name: string; ianaZone: string; shiftMinutes: number };

export type Period = 'day' | 'month';

/** A calendar period in the platform's zone, as a half-open range [start, end). */
export interface PeriodWindow {
	period: Period;
	/** "2026-10" for a month, "2026-10-25" for a day: the platform's calendar, not UTC's. */
	label: string;
	startUtc: DateTime<true>;
	/** Exclusive. */
	endUtc: DateTime<true>;
	/** The server's wall clock at the start, as MT5 epoch seconds (what `from` expects). */
	startServerEpoch: number;
	/** Exclusive: the first second of the next period. */
	endServerEpoch: number;
}

/** What MT5's `/api/time/get` returns (all numbers as strings). */
export interface Mt5TimeConfig {
	/** Minutes from GMT, e.g. "120" = GMT+2 (`webapi_time_data_structure`). */
	TimeZone: string | number;
	/** DST switching enabled: "1" or "0". */
	Daylight?: string | number | boolean;
	/** DST currently in effect: "1" or "0". */
	DaylightState?: string | number | boolean;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// Real offsets run from UTC-12:00 to UTC+14:00.
const MIN_OFFSET_MINUTES = -12 * 60;
const MAX_OFFSET_MINUTES = 14 * 60;
const QUARTER_HOUR_S = 900;

const ACCEPTED_ZONES =
	'Use an IANA zone such as "Europe/Athens" (GMT+2 in winter, GMT+3 in summer, EU switch dates), ' +
	'an IANA zone plus hours such as "America/New_York+7" (New York close: GMT+2/+3 on US switch dates), ' +
	'or a fixed offset such as "UTC+2", "GMT+02:00", "+3", "-05:30" or "UTC"';

function describe(field: string | undefined, fallback: string): string {
	return field ? `"${field}"` : fallback;
}

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return `a value of type ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// Zones

/** cTrader and any UTC-native platform. */
export const UTC_ZONE: ServerZone = { kind: 'fixed', name: 'UTC', offsetMinutes: 0 };

function formatOffset(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	const hh = String(Math.floor(abs / 60)).padStart(2, '0');
	const mm = String(abs % 60).padStart(2, '0');
	return `${sign}${hh}:${mm}`;
}

/** A zone that is always `offsetMinutes` ahead of UTC (negative: behind). */
export function fixedServerZone(offsetMinutes: number, field?: string): ServerZone {
	if (!Number.isInteger(offsetMinutes) || offsetMinutes < MIN_OFFSET_MINUTES || offsetMinutes > MAX_OFFSET_MINUTES) {
		throw new TimeError(
			`${describe(field, 'the offset')} must be whole minutes between -720 (UTC-12) and 840 (UTC+14), got ${show(offsetMinutes)}`,
			field,
		);
	}
	if (offsetMinutes === 0) return UTC_ZONE;
	return { kind: 'fixed', name: `UTC${formatOffset(offsetMinutes)}`, offsetMinutes };
}

function ianaServerZone(ianaZone: string, shiftMinutes: number): ServerZone {
	const name = shiftMinutes === 0 ? ianaZone : `${ianaZone}${formatOffset(shiftMinutes)}`;
	return { kind: 'iana', name, ianaZone, shiftMinutes };
}

// "+3", "-05:30", "+0530", with an optional UTC/GMT prefix.
const OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;
const PREFIXED_OFFSET = /^(?:UTC|GMT)\s*([+-].*)$/i;
const ZONE_WITH_SHIFT = /^(.+?)\s*([+-]\d{1,2}(?::?\d{2})?)$/;
// Etc/GMT+2 is UTC-2: POSIX signs are inverted, which nobody typing a broker's zone means.
const POSIX_ETC = /^Etc\/GMT[+-]\d+$/i;

function parseOffsetMinutes(text: string): number | undefined {
	const match = OFFSET.exec(text);
	if (!match) return undefined;
	const hours = Number(match[2]);
	const minutes = match[3] === undefined ? 0 : Number(match[3]);
	if (minutes % 15 !== 0 || minutes >= 60) return undefined;
	const total = (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
	if (total < MIN_OFFSET_MINUTES || total > MAX_OFFSET_MINUTES) return undefined;
	return total;
}

function canonicalIanaName(text: string): string | undefined {
	if (!IANAZone.isValidZone(text)) return undefined;
	// Intl knows the canonical spelling ("europe/athens" → "Europe/Athens").
	return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
}

/**
 * Reads a server zone as a user types it in a credential field. A number is minutes from UTC
 * (MT5's own unit); a string is one of the forms listed in the error. Throws TimeError.
 */
export function parseServerZone(input: string | number, field?: string): ServerZone {
	const what = describe(field, 'The server time zone');
	if (typeof input === 'number') return fixedServerZone(input, field);
	if (typeof input !== 'string') {
		throw new TimeError(`${what} must be text such as "Europe/Athens" or "UTC+2", got ${show(input)}`, field);
	}
	const text = input.trim();
	if (text === '') throw new TimeError(`${what} is empty. ${ACCEPTED_ZONES}.`, field);
	if (/^(?:UTC|GMT|Z|0)$/i.test(text)) return UTC_ZONE;

	const prefixed = PREFIXED_OFFSET.exec(text);
	const offsetText = (prefixed ? prefixed[1] : text).replace(/\s+/g, '');
	if (prefixed || /^[+-]/.test(text)) {
		const minutes = parseOffsetMinutes(offsetText);
		if (minutes === undefined) {
			throw new TimeError(
				`${what} "${text}" is not a valid offset: hours from -12 to +14, minutes 00, 15, 30 or 45. ${ACCEPTED_ZONES}.`,
				field,
			);
		}
		return fixedServerZone(minutes, field);
	}
	if (/^\d+(?:[.:]\d+)?$/.test(text)) {
		throw new TimeError(
			`${what} "${text}" has no sign: write "+${text}" (ahead of UTC) or "-${text}" (behind). ${ACCEPTED_ZONES}.`,
			field,
		);
	}
	if (POSIX_ETC.test(text)) {
		throw new TimeError(
			`${what} "${text}" is a POSIX name whose sign is inverted (Etc/GMT+2 means UTC-2); write the offset as "UTC+2" or "UTC-2" instead`,
			field,
		);
	}

	const whole = canonicalIanaName(text);
	if (whole !== undefined) return ianaServerZone(whole, 0);

	const shifted = ZONE_WITH_SHIFT.exec(text);
	if (shifted) {
		const zone = canonicalIanaName(shifted[1]);
		const shift = parseOffsetMinutes(shifted[2]);
		if (zone !== undefined && shift !== undefined && !POSIX_ETC.test(zone)) return ianaServerZone(zone, shift);
	}
	throw new TimeError(`${what} "${text}" is not recognised. ${ACCEPTED_ZONES}.`, field);
}

function flag(value: string | number | boolean | undefined, field: string): boolean {
	if (value === undefined || value === '' || value === false || value === 0 || value === '0') return false;
	if (value === true || value === 1 || value === '1') return true;
	throw new TimeError(`"${field}" must be "1" or "0", got ${show(value)}`, field);
}

// EU zones switch at 01:00 UTC on the last Sundays of March and October; Europe/London shifted by
// the standard offset reproduces that rule for any other offset.
const EU_ZONE_BY_STANDARD_OFFSET: Readonly<Record<number, string>> = {
	0: 'Europe/London',
	60: 'Europe/Berlin',
	120: 'Europe/Athens',
};

/**
 * The zone an MT5 server describes in `/api/time/get`. With `Daylight` off the clock is fixed at
 * `TimeZone` (+60 if `DaylightState` says the summer hour is applied). With `Daylight` on we
 * ASSUME EU switch dates [inference]: MetaQuotes documents the flag but not its calendar
 * (`webapi_time_data_structure`). Broker-DST scripts on mql5.com find both schedules in the wild
 * (DST_UK on e.g. OctaFX, DST_US on e.g. IC Markets), so check the result against
 * `detectOffsetSeconds` and let the user override it (e.g. "America/New_York+7").
 */
export function serverZoneFromMt5TimeConfig(config: Mt5TimeConfig): ServerZone {
	const raw = config.TimeZone;
	const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^[+-]?\d+$/.test(text)) {
		throw new TimeError(`"TimeZone" must be whole minutes from GMT such as "120", got ${show(raw)}`, 'TimeZone');
	}
	const standardMinutes = Number(text);
	const daylight = flag(config.Daylight, 'Daylight');
	const inDaylight = flag(config.DaylightState, 'DaylightState');
	const standard = fixedServerZone(standardMinutes, 'TimeZone');
	if (!daylight) return inDaylight ? fixedServerZone(standardMinutes + 60, 'TimeZone') : standard;
	const named = EU_ZONE_BY_STANDARD_OFFSET[standardMinutes];
	return named !== undefined ? ianaServerZone(named, 0) : ianaServerZone('Europe/London', standardMinutes);
}

const HOUR_MS = 3_600_000;
/** Offsets of IANA zones at whole UTC hours, by zone: asking Intl is the cost of every conversion. */
const hourOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 200_000;

/**
 * A zone's offset at `utcMs` (minutes), read from the offsets at the whole hours around it: when
 * both ends of the hour agree no switch falls inside it (zones switch at most once in an hour), so
 * that is the offset; otherwise the instant is asked exactly. A long deal history (a million deals
 * converted four times each) then costs two Intl look-ups per hour instead of four per deal.
 */
function ianaOffsetMinutes(ianaZone: string, utcMs: number): number {
	const exact = (ms: number) => IANAZone.create(ianaZone).offset(ms);
	let hours = hourOffsets.get(ianaZone);
	if (!hours || hours.size > MAX_CACHED_HOURS) {
		hours = new Map();
		hourOffsets.set(ianaZone, hours);
	}
	const hour = Math.floor(utcMs / HOUR_MS);
	const at = (h: number) => {
		let offset = hours.get(h);
		if (offset === undefined) {
			offset = exact(h * HOUR_MS);
			hours.set(h, offset);
		}
		return offset;
	};
	const start = at(hour);
	return start === at(hour + 1) ? start : exact(utcMs);
}

/** Minutes the zone's wall clock is ahead of UTC at the instant `utcMs`. */
function offsetMinutesAt(zone: ServerZone, utcMs: number): number {
	if (zone.kind === 'fixed') return zone.offsetMinutes;
	return ianaOffsetMinutes(zone.ianaZone, utcMs) + zone.shiftMinutes;
}

/** Seconds the zone's wall clock is ahead of UTC at `utc` (e.g. 10800 for Athens in summer). */
export function offsetSecondsAt(zone: ServerZone, utc: DateTime | Date | string, field?: string): number {
	return offsetMinutesAt(zone, toUtcMs(utc, field)) * 60;
}

/**
 * The server's offset from UTC, in seconds, measured from a server clock reading (e.g. the epoch
 * of `/api/time/server`) and the real UTC time of that reading. Rounded to 15 minutes, which
 * absorbs network delay and clock drift (`round(skew / 900) * 900`, reference §1.6).
 */
export function detectOffsetSeconds(serverNowEpoch: number | string, utcNowMs: number): number {
	const serverS = toEpochNumber(serverNowEpoch);
	if (!Number.isFinite(utcNowMs)) throw new TimeError(`the UTC time must be epoch milliseconds, got ${show(utcNowMs)}`);
	const offset = Math.round((serverS - utcNowMs / 1000) / QUARTER_HOUR_S) * QUARTER_HOUR_S + 0; // + 0: no -0
	if (offset < MIN_OFFSET_MINUTES * 60 || offset > MAX_OFFSET_MINUTES * 60) {
		throw new TimeError(
			`the server clock is ${offset} s away from UTC, outside UTC-12..UTC+14: ` +
				'check that the server time is in seconds and the UTC time in milliseconds',
		);
	}
	return offset;
}

// ---------------------------------------------------------------------------------------------
// Conversions

function toEpochNumber(value: number | string, field?: string): number {
	let n: number;
	if (typeof value === 'number') n = value;
	else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) n = Number(value);
	else n = Number.NaN;
	if (!Number.isSafeInteger(n)) {
		throw new TimeError(`${describe(field, 'the server time')} must be a whole epoch number such as "1572518788", got ${show(value)}`, field);
	}
	return n;
}

/** The instant for a server wall-clock reading, with the DST edge rules in the module comment. */
function wallToUtcMs(wallMs: number, zone: ServerZone): number {
	if (zone.kind === 'fixed') return wallMs - zone.offsetMinutes * MINUTE_MS;
	// Wall and UTC differ by at most 14 h, so a day either side sees the offsets on both sides of
	// any one switch.
	const before = offsetMinutesAt(zone, wallMs - DAY_MS);
	const after = offsetMinutesAt(zone, wallMs + DAY_MS);
	const beforeFits = offsetMinutesAt(zone, wallMs - before * MINUTE_MS) === before;
	const afterFits = after === before ? beforeFits : offsetMinutesAt(zone, wallMs - after * MINUTE_MS) === after;
	if (!beforeFits && !afterFits) return wallMs - before * MINUTE_MS; // gap: keep the pre-jump offset
	// Overlap: the larger offset is the first occurrence.
	const offset = beforeFits && afterFits ? Math.max(before, after) : beforeFits ? before : after;
	return wallMs - offset * MINUTE_MS;
}

function utcToWallMs(utcMs: number, zone: ServerZone): number {
	return utcMs + offsetMinutesAt(zone, utcMs) * MINUTE_MS;
}

function utcDateTime(ms: number): DateTime<true> {
	const dt = DateTime.fromMillis(ms, { zone: 'utc' });
	// Luxon covers ±100 million days around 1970; a "safe" integer can still be beyond that.
	if (!dt.isValid) throw new TimeError(`${ms} ms from 1970 is outside the range of dates`);
	return dt;
}

/**
 * Reads an instant strictly: a luxon DateTime, a Date, or an ISO-8601 string. A string without an
 * offset is read as UTC (never as the n8n host's zone). Throws TimeError naming the value.
 */
export function toUtcDateTime(value: DateTime | Date | string, field?: string): DateTime<true> {
	return utcDateTime(toUtcMs(value, field));
}

function toUtcMs(value: unknown, field?: string): number {
	const what = describe(field, 'the time');
	// isDateTime, not instanceof: n8n hands out DateTimes from its own copy of luxon.
	if (DateTime.isDateTime(value)) {
		if (!value.isValid) throw new TimeError(`${what} is an invalid date: ${value.invalidExplanation ?? value.invalidReason}`, field);
		return value.toMillis();
	}
	if (Object.prototype.toString.call(value) === '[object Date]') {
		const ms = (value as Date).getTime();
		if (Number.isNaN(ms)) throw new TimeError(`${what} is an invalid Date`, field);
		return ms;
	}
	if (typeof value === 'string') {
		const parsed = DateTime.fromISO(value.trim(), { zone: 'utc', setZone: true });
		if (!parsed.isValid) {
			throw new TimeError(
				`${what} must be an ISO-8601 date-time such as "2026-10-25T01:00:00Z", got "${value}" (${parsed.invalidExplanation ?? parsed.invalidReason})`,
				field,
			);
		}
		return parsed.toMillis();
	}
	throw new TimeError(`${what} must be an ISO-8601 date-time, a Date or a DateTime, got ${show(value)}`, field);
}

// Years 0000-9999: Date writes them exactly as luxon's toISO() does for a UTC DateTime.
const PLAIN_YEARS_FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const PLAIN_YEARS_LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An instant as the UTC ISO text luxon writes ("2026-10-25T01:00:00.000Z"), without building a
 * DateTime: a long deal history converts millions of times, and each DateTime is garbage at once.
 */
function utcIso(ms: number): string {
	if (ms >= PLAIN_YEARS_FIRST_MS && ms <= PLAIN_YEARS_LAST_MS) return new Date(ms).toISOString();
	return utcDateTime(ms).toISO();
}

/** MT5 `Time`, `Registration`... (server epoch seconds, number or JSON string) → UTC DateTime. */
export function serverTimeToUtc(serverEpochSeconds: number | string, zone: ServerZone, field?: string): DateTime<true> {
	return utcDateTime(wallToUtcMs(toEpochNumber(serverEpochSeconds, field) * 1000, zone));
}

/** MT5 `TimeMsc` (server epoch milliseconds) → UTC DateTime. */
export function serverTimeMscToUtc(serverEpochMs: number | string, zone: ServerZone, field?: string): DateTime<true> {
	return utcDateTime(wallToUtcMs(toEpochNumber(serverEpochMs, field), zone));
}

/** `serverTimeToUtc(...).toISO()`, made without a DateTime (for mapping long histories). */
export function serverTimeToUtcIso(serverEpochSeconds: number | string, zone: ServerZone, field?: string): string {
	return utcIso(wallToUtcMs(toEpochNumber(serverEpochSeconds, field) * 1000, zone));
}

/** `serverTimeMscToUtc(...).toISO()`, made without a DateTime. */
export function serverTimeMscToUtcIso(serverEpochMs: number | string, zone: ServerZone, field?: string): string {
	return utcIso(wallToUtcMs(toEpochNumber(serverEpochMs, field), zone));
}

/** An instant → the server epoch seconds MT5 expects (e.g. a deal query's `from`). Sub-second parts are dropped. */
export function utcToServerTime(utc: DateTime | Date | string, zone: ServerZone, field?: string): number {
	return Math.floor(utcToWallMs(toUtcMs(utc, field), zone) / 1000);
}

/** An instant → server epoch milliseconds (MT5's `TimeMsc` scale). */
export function utcToServerTimeMsc(utc: DateTime | Date | string, zone: ServerZone, field?: string): number {
	return utcToWallMs(toUtcMs(utc, field), zone);
}

/** Server epoch seconds → MT5's display format, "2019.10.31 10:46:28" (the server's wall clock). */
export function formatServerTime(serverEpochSeconds: number | string, field?: string): string {
	return utcDateTime(toEpochNumber(serverEpochSeconds, field) * 1000).toFormat('yyyy.MM.dd HH:mm:ss');
}

/**
 * `/api/time/server`'s `Time`, "1572518788 2019.10.31 10:46:28" → 1572518788. The two halves must
 * agree, which catches a misread answer before it skews every conversion.
 */
export function parseMt5ServerTime(time: string, field = 'Time'): number {
	const match = typeof time === 'string' ? /^\s*(\d+)\s+(\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2})\s*$/.exec(time) : null;
	if (!match) {
		throw new TimeError(`"${field}" must look like "1572518788 2019.10.31 10:46:28", got ${show(time)}`, field);
	}
	const epoch = toEpochNumber(match[1], field);
	if (formatServerTime(epoch) !== match[2]) {
		throw new TimeError(`"${field}" disagrees with itself: ${epoch} is ${formatServerTime(epoch)}, not ${match[2]}`, field);
	}
	return epoch;
}

// ---------------------------------------------------------------------------------------------
// Period windows

/**
 * The calendar day or month, in the platform's zone, that contains `reference` (or the one before
 * it). A month starts at the server's midnight on the 1st; a day on a DST switch date is 23 or 25
 * hours long. Server epochs are wall-clock midnights, so they are exact whatever the DST rule.
 */
export function periodWindow(
	period: Period,
	reference: DateTime | Date | string,
	zone: ServerZone,
	which: 'current' | 'previous' = 'current',
): PeriodWindow {
	if (period !== 'day' && period !== 'month') {
		throw new TimeError(`the period must be "day" or "month", got ${show(period)}`, 'period');
	}
	if (which !== 'current' && which !== 'previous') {
		throw new TimeError(`the window must be "current" or "previous", got ${show(which)}`, 'which');
	}
	const wall = utcDateTime(utcToWallMs(toUtcMs(reference, 'reference'), zone));
	let start = wall.startOf(period);
	if (which === 'previous') start = start.minus(period === 'month' ? { months: 1 } : { days: 1 });
	const end = start.plus(period === 'month' ? { months: 1 } : { days: 1 });
	return {
		period,
		label: start.toFormat(period === 'month' ? 'yyyy-MM' : 'yyyy-MM-dd'),
		startUtc: utcDateTime(wallToUtcMs(start.toMillis(), zone)),
		endUtc: utcDateTime(wallToUtcMs(end.toMillis(), zone)),
		startServerEpoch: start.toMillis() / 1000,
		endServerEpoch: end.toMillis() / 1000,
	};
}
