/**
 * Marketing attribution: landing URL -> canonical touchpoint, touchpoints -> credit per model, and
 * spend + clients -> CAC and LTV by channel. Pure functions; exact decimals (lib/money.ts).
 *
 * Capture (reference ads.md §5.1, §1.4):
 * - The query string is split by hand and each value is percent-decoded exactly once. Click ids
 *   (gclid, gbraid, wbraid, fbclid, ttclid, msclkid, li_fat_id, twclid) are otherwise kept byte for
 *   byte: no trimming, no case change, and a literal "+" stays "+" (ad platforms reject altered ids;
 *   Meta: fbclid is case-sensitive, do not modify). UTM values are human text: "+" is read as a
 *   space (form encoding) and the value is trimmed. The first occurrence of a repeated parameter wins.
 * - fbc = `fb.1.<ms>.<fbclid>`: subdomain index 1 because it is built server-side, <ms> the Unix
 *   milliseconds of the capture (when the fbclid was first observed). An `_fbc` cookie carrying the
 *   same fbclid is kept, since it holds the original creation time; a different fbclid in the URL
 *   replaces it (Meta's Parameter Builder does the same). `_fbp` and `_ttp` are kept as they are.
 *
 * Models (ads.md §5.2), over the touchpoints at or before the conversion, oldest first (equal times
 * keep their input order):
 * - first / last: all credit to the first / last touch;
 * - linear: equal weights;
 * - timeDecay: weight 2^(−Δt / 7 days), Δt = conversion time − touch time (Google's 7-day half-life);
 * - positionBased: 1 touch 100 %; 2 touches 50/50; n ≥ 3: 40 % first, 40 % last, 20 % split evenly
 *   over the n − 2 middle touches.
 *
 * Rounding rule (credits and shares): the total (the conversion value in minor units of its
 * currency, or one conversion in millionths for shares) is split by the largest-remainder method:
 * every touch gets the floor of its exact part; the units left over go, one each, to the touches
 * with the largest remainders, and on equal remainders to the EARLIER touch. So the credits always
 * sum exactly to the conversion value, and a touch with zero weight never gets a unit. Time-decay
 * weights are computed in double precision relative to the newest touch and then used as exact
 * integers (weight × 2^62), so the split itself is exact and deterministic.
 *
 * CAC and LTV (ads.md §5.3): CAC_c = spend_c / Σ FTD credit_c (fractional credit from the chosen
 * model); LTV windows: net deposits (succeeded deposits − succeeded withdrawals, gross amounts) in
 * [FTD time, FTD time + N × 24 h), UTC, N = 30/90/180/365, weighted by the client's credit share.
 * Cohort = the UTC calendar month of the FTD. Results are rounded half-up to the currency's decimals.
 */

import { DateTime } from 'luxon';

import { attempt, FieldError } from './errors';
import type { DecimalString, Money, Touchpoint } from './model';
import {
	addDecimal,
	compareDecimal,
	divideDecimal,
	fromMinorUnits,
	multiplyDecimal,
	negateDecimal,
	parseDecimal,
	roundDecimal,
	toMinorUnits,
	trimDecimal,
} from './money';
import { toUtcDateTime } from './time';

// ---------------------------------------------------------------------------------------------
// Channels

/** URL parameter names of click ids, as ad platforms write them. */
export const CLICK_ID_PARAMETERS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'ttclid', 'msclkid', 'li_fat_id', 'twclid'] as const;
export type ClickIdParameter = (typeof CLICK_ID_PARAMETERS)[number];

const CLICK_ID_FIELDS: Record<ClickIdParameter, keyof Touchpoint> = {
	gclid: 'gclid',
	gbraid: 'gbraid',
	wbraid: 'wbraid',
	fbclid: 'fbclid',
	ttclid: 'ttclid',
	msclkid: 'msclkid',
	li_fat_id: 'liFatId',
	twclid: 'twclid',
};

/**
 * One row of the channel table. The first row whose every non-empty condition holds names the
 * channel. Conditions are lists (any entry may match):
 * - sources / mediums: utm_source / utm_medium, case-insensitive; `*` = any value, `(none)` = no
 *   value, `paid*` = starts with "paid";
 * - clickIds: the touch carries one of these click ids in its URL;
 * - referrers: the referring host; "t.co" matches t.co and its subdomains, a name without a dot
 *   ("google") matches any host with that label (www.google.co.uk); `*` = any other site,
 *   `(none)` = no referrer. A referrer from the landing page's own host counts as none.
 */
export interface ChannelRule {
	channel: string;
	sources: string[];
	mediums: string[];
	clickIds: ClickIdParameter[];
	referrers: string[];
}

/** What a touch offers to the channel rules. */
export interface ChannelSignals {
	utmSource?: string;
	utmMedium?: string;
	clickIds: ClickIdParameter[];
	/** The referring host, lower case; undefined when none or the landing page's own host. */
	referrerHost?: string;
}

export const NONE = '(none)';
export const OTHER_CHANNEL = 'other';
export const DIRECT_CHANNEL = 'direct';

const SOCIAL_SOURCES = 'facebook, fb, instagram, ig, meta, tiktok, linkedin, twitter, x, snapchat, reddit, pinterest';

/** The shipped channel table, as editable rows (comma-separated lists). Order matters. */
export const DEFAULT_CHANNEL_RULES: Array<{ channel: string; source: string; medium: string; clickIds: string[]; referrer: string }> = [
	{ channel: 'paid_search', source: '', medium: '', clickIds: ['gclid', 'gbraid', 'wbraid', 'msclkid'], referrer: '' },
	{ channel: 'paid_social', source: '', medium: '', clickIds: ['fbclid', 'ttclid', 'li_fat_id', 'twclid'], referrer: '' },
	{ channel: 'paid_social', source: SOCIAL_SOURCES, medium: 'cpc, ppc, cpm, paid*', clickIds: [], referrer: '' },
	{ channel: 'paid_search', source: '', medium: 'cpc, ppc, sem, paidsearch, paid_search, paid-search', clickIds: [], referrer: '' },
	{ channel: 'paid_social', source: '', medium: 'paid_social, paidsocial, paid-social', clickIds: [], referrer: '' },
	{ channel: 'display', source: '', medium: 'display, banner, cpm, programmatic', clickIds: [], referrer: '' },
	{ channel: 'affiliate', source: '', medium: 'affiliate, affiliates, partner', clickIds: [], referrer: '' },
	{ channel: 'email', source: '', medium: 'email, e-mail, e_mail, newsletter', clickIds: [], referrer: '' },
	{ channel: 'organic_social', source: '', medium: 'social, social-network, social_network, sm, organic_social', clickIds: [], referrer: '' },
	{ channel: 'organic_search', source: '', medium: 'organic', clickIds: [], referrer: '' },
	{ channel: 'referral', source: '', medium: 'referral', clickIds: [], referrer: '' },
	{ channel: 'organic_social', source: NONE, medium: NONE, clickIds: [], referrer: 'facebook, instagram, t.co, twitter, x.com, linkedin, lnkd.in, tiktok, reddit, youtube, pinterest' },
	{ channel: 'organic_search', source: NONE, medium: NONE, clickIds: [], referrer: 'google, bing, yahoo, duckduckgo, yandex, baidu, ecosia' },
	{ channel: 'referral', source: NONE, medium: NONE, clickIds: [], referrer: '*' },
	{ channel: DIRECT_CHANNEL, source: NONE, medium: NONE, clickIds: [], referrer: NONE },
];

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

function list(value: unknown): string[] {
	const entries = Array.isArray(value) ? value.map(text) : text(value).split(',');
	return entries.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
}

/**
 * Checks a channel table: rows of { channel, source, medium, clickIds, referrer }, the lists as
 * comma-separated text (or arrays). Throws FieldError naming the row.
 */
export function validateChannelRules(input: unknown): ChannelRule[] {
	if (!Array.isArray(input)) throw new FieldError('Channel Rules', 'must be a list of rules');
	return input.map((entry, index) => {
		const row = index + 1;
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new FieldError(`Channel rule ${row}`, 'must be an object such as {"channel": "email", "medium": "email"}');
		}
		const raw = entry as Record<string, unknown>;
		const channel = text(raw.channel);
		if (!channel) throw new FieldError(`Channel rule ${row} channel`, 'is empty; name the channel, e.g. paid_search');
		const clickIds = list(raw.clickIds);
		for (const id of clickIds) {
			if (!(CLICK_ID_PARAMETERS as readonly string[]).includes(id)) {
				throw new FieldError(`Channel rule ${row} clickIds`, `"${id}" is not a click id; use ${CLICK_ID_PARAMETERS.join(', ')}`);
			}
		}
		return {
			channel,
			sources: list(raw.source),
			mediums: list(raw.medium),
			clickIds: clickIds as ClickIdParameter[],
			referrers: list(raw.referrer),
		};
	});
}

function valueMatches(patterns: string[], value: string | undefined): boolean {
	const actual = (value ?? '').trim().toLowerCase();
	return patterns.some((pattern) => {
		if (pattern === NONE) return actual === '';
		if (actual === '') return false;
		if (pattern === '*') return true;
		if (pattern.endsWith('*')) return actual.startsWith(pattern.slice(0, -1));
		return actual === pattern;
	});
}

function hostMatches(patterns: string[], host: string | undefined): boolean {
	return patterns.some((pattern) => {
		if (pattern === NONE) return host === undefined;
		if (host === undefined) return false;
		if (pattern === '*') return true;
		if (pattern.includes('.')) return host === pattern || host.endsWith(`.${pattern}`);
		return host.split('.').includes(pattern);
	});
}

/** The channel of a touch and the (1-based) rule that named it; "other" and null when none did. */
export function classifyChannel(signals: ChannelSignals, rules: readonly ChannelRule[]): { channel: string; rule: number | null } {
	for (let index = 0; index < rules.length; index++) {
		const rule = rules[index];
		if (rule.sources.length && !valueMatches(rule.sources, signals.utmSource)) continue;
		if (rule.mediums.length && !valueMatches(rule.mediums, signals.utmMedium)) continue;
		if (rule.clickIds.length && !rule.clickIds.some((id) => signals.clickIds.includes(id))) continue;
		if (rule.referrers.length && !hostMatches(rule.referrers, signals.referrerHost)) continue;
		return { channel: rule.channel, rule: index + 1 };
	}
	return { channel: OTHER_CHANNEL, rule: null };
}

// ---------------------------------------------------------------------------------------------
// Capture

export interface CaptureInput {
	landingUrl: unknown;
	referrer?: unknown;
	/** A Cookie header ("_fbp=...; _fbc=...") or an object of cookie names and values. */
	cookies?: unknown;
	/** When the visit happened: ISO-8601 (no offset = UTC), Date or DateTime. */
	time: unknown;
	clientId?: unknown;
	visitorId?: unknown;
}

export interface CapturedTouchpoint {
	touchpoint: Touchpoint;
	/** The channel rule that named the channel (1-based), or null when none did ("other"). */
	channelRule: number | null;
}

function parseUrl(value: unknown, field: string, httpOnly: boolean): URL {
	const raw = typeof value === 'string' ? value.trim() : '';
	if (!raw) {
		throw new FieldError(field, typeof value === 'string' || value === undefined || value === null ? 'is required but missing' : `must be a URL, got ${typeof value}`);
	}
	const parsed = attempt(() => new URL(raw));
	if (!parsed.ok) throw new FieldError(field, `must be an absolute URL such as "https://broker.example/open-account?utm_source=google", got "${raw}"`);
	if (httpOnly && parsed.value.protocol !== 'http:' && parsed.value.protocol !== 'https:') {
		throw new FieldError(field, `must be an http or https URL, got "${raw}"`);
	}
	return parsed.value;
}

function decodeOnce(raw: string, plusIsSpace: boolean, field: string, name: string): string {
	const decoded = attempt(() => decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw));
	if (!decoded.ok) throw new FieldError(field, `parameter "${name}" has a broken percent-encoding: "${raw}"`);
	return decoded.value;
}

/** The query parameters of a URL, names decoded, values still encoded; the first occurrence wins. */
function rawQuery(url: URL): Map<string, string> {
	const params = new Map<string, string>();
	const search = url.search.startsWith('?') ? url.search.slice(1) : url.search;
	for (const part of search.split('&')) {
		if (!part) continue;
		const at = part.indexOf('=');
		const rawName = at < 0 ? part : part.slice(0, at);
		const decodedName = attempt(() => decodeURIComponent(rawName.replace(/\+/g, ' ')));
		const name = decodedName.ok ? decodedName.value : rawName;
		if (!params.has(name)) params.set(name, at < 0 ? '' : part.slice(at + 1));
	}
	return params;
}

function readCookies(value: unknown, field: string): Map<string, string> {
	const cookies = new Map<string, string>();
	if (value === undefined || value === null || value === '') return cookies;
	if (typeof value === 'string') {
		for (const part of value.split(';')) {
			const at = part.indexOf('=');
			if (at <= 0) continue;
			const name = part.slice(0, at).trim();
			if (name && !cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
		}
		return cookies;
	}
	if (typeof value === 'object' && !Array.isArray(value)) {
		for (const [name, cookie] of Object.entries(value as Record<string, unknown>)) {
			if (cookie === undefined || cookie === null || cookie === '') continue;
			if (typeof cookie !== 'string' && typeof cookie !== 'number') throw new FieldError(`${field}.${name}`, 'must be text');
			cookies.set(name, String(cookie).trim());
		}
		return cookies;
	}
	throw new FieldError(field, 'must be a Cookie header such as "_fbp=fb.1.1596403881668.1116446470; _fbc=..." or an object of cookie names and values');
}

/** Reads an instant strictly and names the field when it is not one. */
export function readInstant(value: unknown, field: string): DateTime<true> {
	if (value === undefined || value === null || value === '') throw new FieldError(field, 'is required but missing');
	const read = attempt(() => toUtcDateTime(value as string, field));
	if (!read.ok) throw new FieldError(field, `must be an ISO-8601 date-time such as "2026-10-25T09:30:00Z", got ${JSON.stringify(value)}`);
	return read.value;
}

/** Meta's click id cookie value for an fbclid first seen at `firstSeenMs`: fb.1.<ms>.<fbclid>. */
export function fbcFor(fbclid: string, firstSeenMs: number): string {
	return `fb.1.${firstSeenMs}.${fbclid}`;
}

const FBC_COOKIE = /^fb\.\d\.\d+\.(.+)$/;
const GCL_AW_COOKIE = /^GCL\.\d+\.(.+)$/;

function hostOf(url: URL | undefined): string | undefined {
	const host = url?.hostname.toLowerCase().replace(/^www\./, '');
	return host ? host : undefined;
}

/** Landing URL (+ referrer, cookies, time) -> canonical touchpoint with its channel. */
export function captureTouchpoint(input: CaptureInput, rules: readonly ChannelRule[]): CapturedTouchpoint {
	const landing = parseUrl(input.landingUrl, 'Landing URL', true);
	const hasReferrer = !(input.referrer === undefined || input.referrer === null || text(input.referrer) === '');
	const referrer = hasReferrer ? parseUrl(input.referrer, 'Referrer', false) : undefined;
	const cookies = readCookies(input.cookies, 'Cookies');
	const time = readInstant(input.time, 'Time');

	const query = rawQuery(landing);
	const utm = (name: string): string | undefined => {
		const raw = query.get(name);
		if (raw === undefined) return undefined;
		const value = decodeOnce(raw, true, 'Landing URL', name).trim();
		return value === '' ? undefined : value;
	};
	const touchpoint: Touchpoint = { timeUtc: time.toISO() };
	const clientId = text(input.clientId);
	const visitorId = text(input.visitorId);
	if (clientId) touchpoint.clientId = clientId;
	if (visitorId) touchpoint.visitorId = visitorId;
	touchpoint.landingUrl = text(input.landingUrl);
	if (referrer) touchpoint.referrer = text(input.referrer);
	const utmFields: Array<[string, keyof Touchpoint]> = [
		['utm_source', 'utmSource'],
		['utm_medium', 'utmMedium'],
		['utm_campaign', 'utmCampaign'],
		['utm_term', 'utmTerm'],
		['utm_content', 'utmContent'],
		['utm_id', 'utmId'],
	];
	for (const [name, key] of utmFields) {
		const value = utm(name);
		if (value !== undefined) (touchpoint as unknown as Record<string, string>)[key] = value;
	}
	const clickIds: ClickIdParameter[] = [];
	for (const name of CLICK_ID_PARAMETERS) {
		const raw = query.get(name);
		if (raw === undefined || raw === '') continue;
		(touchpoint as unknown as Record<string, string>)[CLICK_ID_FIELDS[name]] = decodeOnce(raw, false, 'Landing URL', name);
		clickIds.push(name);
	}

	const fbcCookie = cookies.get('_fbc');
	if (touchpoint.fbclid !== undefined) {
		const sameClick = fbcCookie !== undefined && FBC_COOKIE.exec(fbcCookie)?.[1] === touchpoint.fbclid;
		touchpoint.fbc = sameClick ? fbcCookie : fbcFor(touchpoint.fbclid, time.toMillis());
	} else if (fbcCookie) {
		touchpoint.fbc = fbcCookie;
	}
	const fbp = cookies.get('_fbp');
	if (fbp) touchpoint.fbp = fbp;
	const ttp = cookies.get('_ttp');
	if (ttp) touchpoint.ttp = ttp;
	const gclAw = cookies.get('_gcl_aw');
	if (gclAw) {
		const match = GCL_AW_COOKIE.exec(gclAw);
		if (!match) throw new FieldError('Cookies', `_gcl_aw must look like GCL.<seconds>.<gclid>, got "${gclAw}"`);
		touchpoint.cookieGclid = match[1];
	}

	const landingHost = hostOf(landing);
	const referrerHost = hostOf(referrer);
	const classified = classifyChannel(
		{
			utmSource: touchpoint.utmSource,
			utmMedium: touchpoint.utmMedium,
			clickIds,
			referrerHost: referrerHost === landingHost ? undefined : referrerHost,
		},
		rules,
	);
	touchpoint.channel = classified.channel;
	return { touchpoint, channelRule: classified.rule };
}

/** The channel signals of a stored touchpoint (for touchpoints saved without a channel). */
function signalsOf(touchpoint: Record<string, unknown>, field: string): ChannelSignals {
	const clickIds = CLICK_ID_PARAMETERS.filter((name) => text(touchpoint[CLICK_ID_FIELDS[name]]) !== '');
	const landingText = text(touchpoint.landingUrl);
	const landing = landingText ? attempt(() => new URL(landingText)) : undefined;
	const referrerText = text(touchpoint.referrer);
	let referrerHost: string | undefined;
	if (referrerText) {
		const parsed = attempt(() => new URL(referrerText));
		if (!parsed.ok) throw new FieldError(`${field}.referrer`, `must be an absolute URL, got "${referrerText}"`);
		referrerHost = hostOf(parsed.value);
		if (landing?.ok && hostOf(landing.value) === referrerHost) referrerHost = undefined;
	}
	return { utmSource: text(touchpoint.utmSource) || undefined, utmMedium: text(touchpoint.utmMedium) || undefined, clickIds, referrerHost };
}

// ---------------------------------------------------------------------------------------------
// Attribution models

export const ATTRIBUTION_MODELS = ['first', 'last', 'linear', 'timeDecay', 'positionBased'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const HALF_LIFE_MS = 7 * 86_400_000;
/** Shares (fractions of one conversion) are written with this many decimals and sum to exactly 1. */
export const SHARE_DIGITS = 6;
const WEIGHT_SCALE = 2 ** 62;

/** Relative integer weights of each touch (oldest first) under `model`. */
export function modelWeights(model: AttributionModel, touchTimesMs: readonly number[], conversionMs: number): bigint[] {
	const n = touchTimesMs.length;
	if (n === 0) return [];
	switch (model) {
		case 'first':
			return touchTimesMs.map((_, i) => (i === 0 ? 1n : 0n));
		case 'last':
			return touchTimesMs.map((_, i) => (i === n - 1 ? 1n : 0n));
		case 'linear':
			return touchTimesMs.map(() => 1n);
		case 'timeDecay': {
			// Relative to the newest touch (weight 1), so the oldest touches never all underflow to 0;
			// normalising removes the common factor 2^(−(T − t_newest)/H).
			const newest = Math.min(conversionMs, Math.max(...touchTimesMs));
			return touchTimesMs.map((t) => BigInt(Math.round(Math.pow(2, -((newest - t) / HALF_LIFE_MS)) * WEIGHT_SCALE)));
		}
		case 'positionBased': {
			if (n <= 2) return touchTimesMs.map(() => 1n);
			// 40 / 20 / 40 as integers: ends 2(n−2) each, each middle touch 1; total 5(n−2).
			const end = BigInt(2 * (n - 2));
			return touchTimesMs.map((_, i) => (i === 0 || i === n - 1 ? end : 1n));
		}
	}
}

/**
 * Splits `total` (whole units) by `weights` with the largest-remainder method; leftover units go
 * to the largest remainders, equal remainders to the earlier entry. The parts sum to `total`.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
	const sum = weights.reduce((a, b) => a + b, 0n);
	if (sum <= 0n) throw new RangeError('allocate needs at least one positive weight');
	const parts = weights.map((w) => (total * w) / sum);
	const remainders = weights.map((w, index) => ({ index, remainder: (total * w) % sum }));
	let left = total - parts.reduce((a, b) => a + b, 0n);
	remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
	for (const { index } of remainders) {
		if (left <= 0n) break;
		parts[index] += 1n;
		left -= 1n;
	}
	return parts;
}

export interface AttributedTouchpoint extends Record<string, unknown> {
	timeUtc: string;
	channel: string;
	/** 1-based place among the counted touchpoints, oldest first. */
	position: number;
	/** Credit per chosen model, in the conversion currency (exact decimals). */
	credit: Partial<Record<AttributionModel, DecimalString>>;
	/** Fraction of the conversion per chosen model, 6 decimals. */
	share: Partial<Record<AttributionModel, DecimalString>>;
}

export interface AttributionInput {
	touchpoints: unknown;
	/** What the touchpoints were read from, for error messages (e.g. "touchpoints"). */
	touchpointsField: string;
	conversionTime: unknown;
	conversionValue: unknown;
	conversionCurrency: unknown;
	models: readonly AttributionModel[];
	/** Decimals of the conversion currency. */
	digits: number;
	rules: readonly ChannelRule[];
}

export interface AttributionResult {
	conversion: { timeUtc: string; value: Money };
	models: AttributionModel[];
	touchpointCount: number;
	firstTouch: Record<string, unknown> | null;
	lastTouch: Record<string, unknown> | null;
	touchpoints: AttributedTouchpoint[];
	creditByChannel: Partial<Record<AttributionModel, Record<string, DecimalString>>>;
	shareByChannel: Partial<Record<AttributionModel, Record<string, DecimalString>>>;
	ignoredTouchpoints: Array<Record<string, unknown>>;
	/** Why the whole conversion went to "direct", or null when touchpoints carried it. */
	unattributedReason: string | null;
}

interface ReadTouch {
	json: Record<string, unknown>;
	timeMs: number;
	index: number;
}

function readTouchpoints(value: unknown, field: string, rules: readonly ChannelRule[]): ReadTouch[] {
	if (value === undefined || value === null || value === '') return [];
	if (!Array.isArray(value)) throw new FieldError(field, 'must be a list of touchpoints');
	return value.map((entry, index) => {
		const at = `${field}[${index}]`;
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new FieldError(at, 'must be a touchpoint object with timeUtc');
		const json = { ...(entry as Record<string, unknown>) };
		const time = readInstant(json.timeUtc, `${at}.timeUtc`);
		json.timeUtc = time.toISO();
		if (text(json.channel) === '') json.channel = classifyChannel(signalsOf(json, at), rules).channel;
		else json.channel = text(json.channel);
		return { json, timeMs: time.toMillis(), index };
	});
}

/** Reads a non-negative conversion value with at most `digits` decimals. */
function readValue(value: unknown, digits: number, field: string): DecimalString {
	if (value === undefined || value === null || text(value) === '') throw new FieldError(field, 'is required but missing');
	const parsed = attempt(() => parseDecimal(value, field));
	if (!parsed.ok) throw new FieldError(field, `must be a decimal number such as "250.00", got ${JSON.stringify(value)}`);
	if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(field, `must not be negative, got "${parsed.value}"`);
	const minor = attempt(() => toMinorUnits(parsed.value, digits));
	if (!minor.ok) throw new FieldError(field, `has more decimals than the currency's ${digits}: "${parsed.value}"`);
	return roundDecimal(parsed.value, digits);
}

function addTo(map: Record<string, DecimalString>, key: string, amount: DecimalString): void {
	map[key] = map[key] === undefined ? amount : addDecimal(map[key], amount);
}

/** First touch, last touch and credit per model for one conversion. */
export function attribute(input: AttributionInput): AttributionResult {
	const models = [...new Set(input.models)];
	if (models.length === 0) throw new FieldError('Models', 'choose at least one attribution model');
	const conversion = readInstant(input.conversionTime, 'Conversion Time');
	const currency = text(input.conversionCurrency).toUpperCase();
	if (!currency) throw new FieldError('Conversion Currency', 'is required but missing');
	const value = readValue(input.conversionValue, input.digits, 'Conversion Value');
	const conversionMs = conversion.toMillis();

	const all = readTouchpoints(input.touchpoints, input.touchpointsField, input.rules);
	const counted = all.filter((t) => t.timeMs <= conversionMs).sort((a, b) => a.timeMs - b.timeMs || a.index - b.index);
	const ignoredTouchpoints = all
		.filter((t) => t.timeMs > conversionMs)
		.map((t) => ({ ...t.json, reason: 'after the conversion' }));

	const totalMinor = toMinorUnits(value, input.digits);
	const oneConversion = 10n ** BigInt(SHARE_DIGITS);
	const touchpoints: AttributedTouchpoint[] = counted.map((t, i) => ({
		...t.json,
		timeUtc: t.json.timeUtc as string,
		channel: t.json.channel as string,
		position: i + 1,
		credit: {},
		share: {},
	}));
	const creditByChannel: AttributionResult['creditByChannel'] = {};
	const shareByChannel: AttributionResult['shareByChannel'] = {};
	for (const model of models) {
		const credits: Record<string, DecimalString> = {};
		const shares: Record<string, DecimalString> = {};
		if (counted.length === 0) {
			credits[DIRECT_CHANNEL] = value;
			shares[DIRECT_CHANNEL] = fromMinorUnits(oneConversion, SHARE_DIGITS);
		} else {
			const weights = modelWeights(
				model,
				counted.map((t) => t.timeMs),
				conversionMs,
			);
			const creditParts = allocate(totalMinor, weights);
			const shareParts = allocate(oneConversion, weights);
			touchpoints.forEach((touch, i) => {
				touch.credit[model] = fromMinorUnits(creditParts[i], input.digits);
				touch.share[model] = fromMinorUnits(shareParts[i], SHARE_DIGITS);
				addTo(credits, touch.channel, touch.credit[model] as string);
				addTo(shares, touch.channel, touch.share[model] as string);
			});
		}
		creditByChannel[model] = credits;
		shareByChannel[model] = shares;
	}
	const plain = (t: AttributedTouchpoint | undefined) => {
		if (!t) return null;
		const { credit: _credit, share: _share, position: _position, ...rest } = t;
		return rest;
	};
	return {
		conversion: { timeUtc: conversion.toISO(), value: { amount: value, currency } },
		models,
		touchpointCount: counted.length,
		firstTouch: plain(touchpoints[0]),
		lastTouch: plain(touchpoints[touchpoints.length - 1]),
		touchpoints,
		creditByChannel,
		shareByChannel,
		ignoredTouchpoints,
		unattributedReason: counted.length === 0 ? 'no touchpoint at or before the conversion: the whole conversion is credited to direct' : null,
	};
}

// ---------------------------------------------------------------------------------------------
// CAC and LTV by channel

export const LTV_WINDOW_DAYS = [30, 90, 180, 365] as const;
const DAY_MS = 86_400_000;
const MONTH_LABEL = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface ChannelSpend {
	channel: string;
	/** The calendar month the spend is for, "2026-10" (UTC). */
	period: string;
	amount: DecimalString;
	itemIndex: number;
}

export interface AcquiredClient {
	clientId: string;
	/** Undefined for a client without a first-time deposit. */
	ftdTimeMs?: number;
	/** Fraction of the client's FTD per channel (sums to 1). */
	shares: Record<string, DecimalString>;
	/** Succeeded deposits (+) and withdrawals (−), in the report currency. */
	movements: Array<{ timeMs: number; amount: DecimalString }>;
	itemIndex: number;
}

/** Reads one spend row; `fields` name where each value came from, for error messages. */
export function readChannelSpend(
	raw: { channel: unknown; period: unknown; spend: unknown },
	currency: string,
	fields: { channel: string; period: string; spend: string },
	itemIndex: number,
): ChannelSpend {
	const channel = text(raw.channel);
	if (!channel) throw new FieldError(fields.channel, 'is required on a spend item: the channel the money was spent on, e.g. paid_search');
	const period = text(raw.period);
	if (!MONTH_LABEL.test(period)) throw new FieldError(fields.period, `must be a month such as "2026-10", got ${JSON.stringify(raw.period ?? null)}`);
	let amountValue = raw.spend;
	if (raw.spend !== null && typeof raw.spend === 'object' && !Array.isArray(raw.spend)) {
		const money = raw.spend as Record<string, unknown>;
		const spendCurrency = text(money.currency).toUpperCase();
		if (spendCurrency && spendCurrency !== currency) {
			throw new FieldError(`${fields.spend}.currency`, `is ${spendCurrency} but the report is in ${currency}; convert it first`);
		}
		amountValue = money.amount;
	}
	const amount = attempt(() => parseDecimal(amountValue, fields.spend));
	if (!amount.ok) throw new FieldError(fields.spend, `must be an amount such as "1500.00" or {"amount", "currency"}, got ${JSON.stringify(amountValue ?? null)}`);
	if (compareDecimal(amount.value, '0') < 0) throw new FieldError(fields.spend, `must not be negative, got "${amount.value}"`);
	return { channel, period, amount: amount.value, itemIndex };
}

/**
 * A client's channel credit: a channel name (full credit), the Attribute operation's output (its
 * shareByChannel for `model`), or an object of channel -> share summing to exactly 1.
 */
export function readChannelShares(value: unknown, model: AttributionModel, field: string): Record<string, DecimalString> {
	if (typeof value === 'string' && value.trim() !== '') return { [value.trim()]: '1' };
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new FieldError(field, 'is required: the channel of the first-time deposit, or the Attribute operation\'s output');
	}
	let shares = value as Record<string, unknown>;
	let at = field;
	if ('shareByChannel' in shares) {
		const byModel = shares.shareByChannel as Record<string, unknown> | null;
		const forModel = byModel && typeof byModel === 'object' ? byModel[model] : undefined;
		if (forModel === null || typeof forModel !== 'object' || Array.isArray(forModel)) {
			throw new FieldError(`${field}.shareByChannel`, `has no credit for the ${model} model; choose it under Models in the Attribute operation`);
		}
		shares = forModel as Record<string, unknown>;
		at = `${field}.shareByChannel.${model}`;
	}
	const result: Record<string, DecimalString> = {};
	let sum = '0';
	for (const [channel, share] of Object.entries(shares)) {
		const parsed = attempt(() => parseDecimal(share, `${at}.${channel}`));
		if (!parsed.ok || compareDecimal(parsed.value, '0') < 0 || compareDecimal(parsed.value, '1') > 0) {
			throw new FieldError(`${at}.${channel}`, `must be a share between 0 and 1 such as "0.4", got ${JSON.stringify(share)}`);
		}
		result[channel] = parsed.value;
		sum = addDecimal(sum, parsed.value);
	}
	if (compareDecimal(sum, '1') !== 0) throw new FieldError(at, `the channel shares must add up to exactly 1, they add up to ${trimDecimal(sum)}`);
	return result;
}

/**
 * A client's succeeded deposits (+) and withdrawals (−) from canonical transactions, by gross
 * amount. Other types (credit, bonus, correction...) and other statuses are not client money and
 * are left out.
 */
export function readMovements(value: unknown, currency: string, field: string): Array<{ timeMs: number; amount: DecimalString }> {
	if (value === undefined || value === null || value === '') return [];
	if (!Array.isArray(value)) throw new FieldError(field, 'must be a list of transactions');
	const movements: Array<{ timeMs: number; amount: DecimalString }> = [];
	value.forEach((entry, index) => {
		const at = `${field}[${index}]`;
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new FieldError(at, 'must be a transaction object');
		const tx = entry as Record<string, unknown>;
		const type = text(tx.type).toLowerCase();
		if (type !== 'deposit' && type !== 'withdrawal') return;
		if (text(tx.status).toLowerCase() !== 'succeeded') return;
		const gross = tx.gross as Record<string, unknown> | undefined;
		if (gross === null || typeof gross !== 'object') throw new FieldError(`${at}.gross`, 'is required: {"amount", "currency"}');
		const txCurrency = text(gross.currency).toUpperCase();
		if (txCurrency !== currency) throw new FieldError(`${at}.gross.currency`, `is ${txCurrency || 'missing'} but the report is in ${currency}; convert it first`);
		const amount = attempt(() => parseDecimal(gross.amount, `${at}.gross.amount`));
		if (!amount.ok) throw new FieldError(`${at}.gross.amount`, `must be a decimal number such as "100.50", got ${JSON.stringify(gross.amount ?? null)}`);
		if (compareDecimal(amount.value, '0') < 0) throw new FieldError(`${at}.gross.amount`, `must not be negative, got "${amount.value}"; give withdrawals as positive amounts`);
		const time = readInstant(tx.createdAtUtc, `${at}.createdAtUtc`);
		movements.push({ timeMs: time.toMillis(), amount: type === 'deposit' ? amount.value : negateDecimal(amount.value) });
	});
	return movements;
}

/** The FTD time: the given one, else the earliest succeeded deposit; undefined when there is none. */
export function ftdTimeOf(given: number | undefined, movements: ReadonlyArray<{ timeMs: number; amount: DecimalString }>): number | undefined {
	if (given !== undefined) return given;
	const deposits = movements.filter((m) => compareDecimal(m.amount, '0') > 0).map((m) => m.timeMs);
	return deposits.length ? Math.min(...deposits) : undefined;
}

export interface LtvWindow {
	/** Credit-weighted net deposits in the window, rounded half-up to the currency's decimals. */
	netDeposits: DecimalString;
	/** netDeposits / FTD credit; null when no FTD is credited. */
	perFtd: DecimalString | null;
	/** Whether the window has fully passed for every credited client (only when As Of is given). */
	complete?: boolean;
}

export interface ChannelReportRow {
	channel: string;
	/** "2026-10" (UTC month of the FTD / of the spend) or "all". */
	cohort: string;
	model: AttributionModel;
	currency: string;
	spend: DecimalString;
	/** Σ of the clients' fractional FTD credit for this channel. */
	ftdCredit: DecimalString;
	/** Clients with some FTD credit for this channel. */
	ftdClients: number;
	/** Clients credited to this channel (share > 0) who have not deposited yet; not in any cohort. */
	clientsWithoutFtd: number;
	cac: DecimalString | null;
	cacReason: string | null;
	ltv: Record<string, LtvWindow>;
	/** Input items behind the row (spend and clients), for pairedItem. */
	itemIndexes: number[];
}

export interface ChannelReportOptions {
	model: AttributionModel;
	currency: string;
	digits: number;
	asOfMs?: number;
}

function monthOf(ms: number): string {
	return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('yyyy-MM');
}

interface Bucket {
	spend: DecimalString;
	ftdCredit: DecimalString;
	ftdClients: number;
	clientsWithoutFtd: number;
	net: Record<number, DecimalString>;
	complete: Record<number, boolean>;
	itemIndexes: Set<number>;
}

/** CAC and LTV windows per channel: one "all" row per channel, then one row per cohort month. */
export function channelReport(spend: readonly ChannelSpend[], clients: readonly AcquiredClient[], options: ChannelReportOptions): ChannelReportRow[] {
	const buckets = new Map<string, Map<string, Bucket>>();
	const bucket = (channel: string, cohort: string): Bucket => {
		let byCohort = buckets.get(channel);
		if (!byCohort) buckets.set(channel, (byCohort = new Map()));
		let found = byCohort.get(cohort);
		if (!found) {
			found = { spend: '0', ftdCredit: '0', ftdClients: 0, clientsWithoutFtd: 0, net: {}, complete: {}, itemIndexes: new Set() };
			for (const days of LTV_WINDOW_DAYS) {
				found.net[days] = '0';
				found.complete[days] = true;
			}
			byCohort.set(cohort, found);
		}
		return found;
	};
	for (const row of spend) {
		for (const cohort of ['all', row.period]) {
			const b = bucket(row.channel, cohort);
			b.spend = addDecimal(b.spend, row.amount);
			b.itemIndexes.add(row.itemIndex);
		}
	}
	for (const client of clients) {
		for (const [channel, share] of Object.entries(client.shares)) {
			if (compareDecimal(share, '0') === 0) continue;
			if (client.ftdTimeMs === undefined) {
				const b = bucket(channel, 'all');
				b.clientsWithoutFtd += 1;
				b.itemIndexes.add(client.itemIndex);
				continue;
			}
			const ftd = client.ftdTimeMs;
			for (const cohort of ['all', monthOf(ftd)]) {
				const b = bucket(channel, cohort);
				b.ftdCredit = addDecimal(b.ftdCredit, share);
				b.ftdClients += 1;
				b.itemIndexes.add(client.itemIndex);
				for (const days of LTV_WINDOW_DAYS) {
					const end = ftd + days * DAY_MS;
					const inWindow = client.movements.filter((m) => m.timeMs >= ftd && m.timeMs < end);
					const net = inWindow.reduce((sum, m) => addDecimal(sum, m.amount), '0');
					b.net[days] = addDecimal(b.net[days], multiplyDecimal(net, share));
					if (options.asOfMs !== undefined && end > options.asOfMs) b.complete[days] = false;
				}
			}
		}
	}
	const rows: ChannelReportRow[] = [];
	for (const channel of [...buckets.keys()].sort()) {
		const byCohort = buckets.get(channel) as Map<string, Bucket>;
		const cohorts = ['all', ...[...byCohort.keys()].filter((c) => c !== 'all').sort()];
		for (const cohort of cohorts) {
			const b = byCohort.get(cohort) as Bucket;
			const noFtd = compareDecimal(b.ftdCredit, '0') === 0;
			const ltv: Record<string, LtvWindow> = {};
			for (const days of LTV_WINDOW_DAYS) {
				const window: LtvWindow = {
					netDeposits: roundDecimal(b.net[days], options.digits, 'half-up'),
					perFtd: noFtd ? null : divideDecimal(b.net[days], b.ftdCredit, options.digits, 'half-up'),
				};
				if (options.asOfMs !== undefined) window.complete = b.complete[days];
				ltv[`days${days}`] = window;
			}
			rows.push({
				channel,
				cohort,
				model: options.model,
				currency: options.currency,
				spend: roundDecimal(b.spend, options.digits, 'half-up'),
				ftdCredit: trimDecimal(b.ftdCredit),
				ftdClients: b.ftdClients,
				clientsWithoutFtd: b.clientsWithoutFtd,
				cac: noFtd ? null : divideDecimal(b.spend, b.ftdCredit, options.digits, 'half-up'),
				cacReason: noFtd
					? `no first-time deposit is credited to ${channel}${cohort === 'all' ? '' : ` in ${cohort}`} under the ${options.model} model, so CAC is undefined`
					: null,
				ltv,
				itemIndexes: [...b.itemIndexes].sort((a, c) => a - c),
			});
		}
	}
	return rows;
}
