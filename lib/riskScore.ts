/**
 * AML customer risk scoring: one client in, a risk level (low / medium / high), the points behind
 * it and the date of the next periodic review out. Pure: the node reads settings and the item,
 * everything is decided here.
 *
 * The model follows reference psp_kyc.md §9:
 * - factors from EBA/GL/2021/02 (customer, geography, product and transaction) and FATF R.10
 *   (purpose of the relationship): country of residence (and optionally nationality) against the
 *   FATF lists, PEP / sanctions / adverse-media screening, purpose of the relationship, trading
 *   experience, expected annual deposits and age;
 * - weights and bands from the Sumsub CFD conformance sample
 *   (SUMSUB/agent-skills: skills/sumsub-conformance/examples/cfd-requirements.json): purpose
 *   Speculation=4 / Hedging=3 / Short-term=2 / Investment=1 / Long-term=0, Low < 16, Medium 16–32,
 *   High > 32 points, and a client from a high-risk-country list is High regardless of points;
 * - review intervals by level from industry practice (no regulation fixes them): high every 12
 *   months, medium 24, low 60.
 *
 * An override (sanctions hit, FATF black-list country, optionally grey list or PEP) makes the level
 * High whatever the points; the points are still added and reported, so the score stays comparable.
 *
 * Missing answers are never skipped silently: each configured "unknown" score is added and listed
 * as a reason. By default an unknown answer scores like the riskiest listed answer, so a client
 * cannot lower their level by leaving a question blank.
 *
 * Points may be decimals ("1.5"); they are added exactly with lib/money.ts.
 */

import { DateTime } from 'luxon';

import { attempt, FieldError } from './errors';
import type { DecimalString } from './model';
import { addDecimal, compareDecimal, parseDecimal, trimDecimal } from './money';

export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];

export type RiskFactor =
	| 'country'
	| 'nationality'
	| 'sanctions'
	| 'pep'
	| 'adverseMedia'
	| 'amlScreening'
	| 'purpose'
	| 'tradingExperience'
	| 'expectedDeposit'
	| 'age';

/** Why the level is High regardless of points, in order of precedence. */
export type RiskOverride = 'sanctions' | 'blackListCountry' | 'greyListCountry' | 'pep';

export interface RiskReason {
	factor: RiskFactor;
	/** Points this factor added (0 for an override or unknown answer configured at 0). */
	points: number;
	detail: string;
}

export interface RiskAssessment {
	level: RiskLevel;
	score: number;
	reasons: RiskReason[];
	overriddenBy: RiskOverride | null;
	/** YYYY-MM-DD (UTC calendar). */
	nextReviewDate: string;
	reviewIntervalMonths: number;
}

/** One row of an answer table: an answer (matched ignoring case and spaces) and its points. */
export interface AnswerPoints {
	answer: string;
	points: DecimalString;
}

/** A band [from, to): `to` undefined means no upper limit. */
export interface PointsBand {
	from: DecimalString;
	to?: DecimalString;
	points: DecimalString;
}

export interface RiskSettings {
	/** ISO 3166-1 alpha-2, upper case. */
	blackList: string[];
	greyList: string[];
	blackListPoints: DecimalString;
	greyListPoints: DecimalString;
	blackListOverride: boolean;
	greyListOverride: boolean;
	checkNationality: boolean;
	unknownCountryPoints: DecimalString;

	pepPoints: DecimalString;
	pepOverride: boolean;
	sanctionsPoints: DecimalString;
	sanctionsOverride: boolean;
	adverseMediaPoints: DecimalString;
	unknownScreeningPoints: DecimalString;

	purposeAnswers: AnswerPoints[];
	unknownPurposePoints: DecimalString;
	experienceAnswers: AnswerPoints[];
	unknownExperiencePoints: DecimalString;
	/** Whether an answer that is given but not in its table counts as unknown (true) or is an error. */
	unlistedAnswersAsUnknown: boolean;

	/** Sorted by `from`; amounts in the currency the bands are written in. */
	depositBands: PointsBand[];
	unknownDepositPoints: DecimalString;
	/** Sorted by `from`; whole years. */
	ageBands: PointsBand[];
	unknownAgePoints: DecimalString;

	/** Medium when the score is at least this. */
	mediumFrom: DecimalString;
	/** High when the score is more than this. */
	highAbove: DecimalString;

	reviewIntervalMonths: Record<RiskLevel, number>;
}

export interface AmlFlags {
	pep: boolean;
	sanctions: boolean;
	adverseMedia: boolean;
}

/** One client's answers as read from the item; undefined = not given. */
export interface RiskInput {
	/** ISO 3166-1 alpha-2, upper case. */
	country?: string;
	nationality?: string;
	amlFlags?: AmlFlags;
	purpose?: string;
	tradingExperience?: string;
	expectedDeposit?: DecimalString;
	/** YYYY-MM-DD. */
	dateOfBirth?: string;
	/** The UTC calendar day the score is for (ages are counted on it). */
	asOf: DateTime<true>;
	/** The review the next one is counted from; the As Of day when not given. */
	lastReviewDate?: DateTime<true>;
}

// ---------------------------------------------------------------------------------------------
// Defaults. Where they come from is said next to each; all are editable in the node.

/**
 * FATF "High-Risk Jurisdictions subject to a Call for Action" (black list) as of the plenary of
 * 17–19 June 2026, unchanged since October 2022: DPRK (KP), Iran (IR), Myanmar (MM). Source: FATF
 * public statements, June 2026, as republished by Labuan FSA ("FATF Publication on Global ML/TF/PF
 * Risk – June 2026"). The lists change after each plenary (February, June, October): check
 * https://www.fatf-gafi.org/en/countries/black-and-grey-lists.html and edit the node's list.
 */
export const FATF_BLACK_LIST = 'KP, IR, MM';

/**
 * FATF "Jurisdictions under Increased Monitoring" (grey list) as of June 2026, 22 jurisdictions:
 * the October 2025 list (Algeria, Angola, Bolivia, Bulgaria, Cameroon, Côte d'Ivoire, DR Congo,
 * Haiti, Kenya, Lao PDR, Lebanon, Monaco, Namibia, Nepal, South Sudan, Syria, Venezuela, Vietnam,
 * British Virgin Islands, Yemen), plus Kuwait and Papua New Guinea (February 2026), plus Bosnia and
 * Herzegovina and Iraq, minus Algeria and Namibia (June 2026). Sources: FATF statements of
 * 24 October 2025, 13 February 2026 and 19 June 2026 (as republished by Labuan FSA, NZ DIA and
 * FIAU Malta).
 */
export const FATF_GREY_LIST = 'AO, BA, BG, BO, CD, CI, CM, HT, IQ, KE, KW, LA, LB, MC, NP, PG, SS, SY, VE, VG, VN, YE';

export const FATF_LISTS_AS_OF = 'June 2026';

/** The Sumsub CFD conformance sample's purpose scores (reference §9). */
export const DEFAULT_PURPOSE_ANSWERS: AnswerPoints[] = [
	{ answer: 'Speculation', points: '4' },
	{ answer: 'Hedging', points: '3' },
	{ answer: 'Short-term', points: '2' },
	{ answer: 'Investment', points: '1' },
	{ answer: 'Long-term', points: '0' },
];

/**
 * Our defaults (the reference gives none): no experience with leveraged products is the answer
 * that most needs explaining next to large deposits.
 */
export const DEFAULT_EXPERIENCE_ANSWERS: AnswerPoints[] = [
	{ answer: 'None', points: '2' },
	{ answer: 'Less than 1 year', points: '1' },
	{ answer: '1 to 3 years', points: '0' },
	{ answer: 'More than 3 years', points: '0' },
];

/** Our defaults, in the brokerage's reporting currency (e.g. USD). */
export const DEFAULT_DEPOSIT_BANDS: PointsBand[] = [
	{ from: '0', to: '10000', points: '0' },
	{ from: '10000', to: '50000', points: '2' },
	{ from: '50000', to: '250000', points: '4' },
	{ from: '250000', points: '8' },
];

/** Our defaults: under 21 and over 75 (76 and older) add points. */
export const DEFAULT_AGE_BANDS: PointsBand[] = [
	{ from: '0', to: '21', points: '2' },
	{ from: '76', points: '2' },
];

export const DEFAULT_REVIEW_INTERVAL_MONTHS: Readonly<Record<RiskLevel, number>> = { high: 12, medium: 24, low: 60 };

// ---------------------------------------------------------------------------------------------
// Reading settings: every reader names the parameter (and row) at fault.

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Points: a decimal of at least 0. */
export function readPoints(value: unknown, field: string): DecimalString {
	if (isBlank(value)) throw new FieldError(field, 'is required: a number of points, 0 or more');
	const parsed = typeof value === 'string' || typeof value === 'number' ? attempt(() => trimDecimal(parseDecimal(value))) : undefined;
	if (!parsed?.ok) throw new FieldError(field, `must be a number of points such as 4 or 2.5, got ${show(value)}`);
	if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(field, `must not be negative, got ${parsed.value}`);
	return parsed.value;
}

/** A comma-, space- or line-separated list of ISO 3166-1 alpha-2 codes, upper case, no repeats. */
export function readCountryList(value: unknown, field: string): string[] {
	if (isBlank(value)) return [];
	if (typeof value !== 'string') throw new FieldError(field, `must be country codes separated by commas, such as "KP, IR, MM", got ${show(value)}`);
	const codes = value
		.split(/[\s,;]+/)
		.map((code) => code.trim())
		.filter(Boolean);
	for (const code of codes) {
		if (!/^[A-Za-z]{2}$/.test(code)) {
			throw new FieldError(field, `"${code}" is not an ISO 3166-1 alpha-2 country code; write two letters such as IR, separated by commas`);
		}
	}
	return [...new Set(codes.map((code) => code.toUpperCase()))];
}

/** The two FATF lists; a country on both is an error (which list applies would be a guess). */
export function readCountryLists(black: unknown, grey: unknown): { blackList: string[]; greyList: string[] } {
	const blackList = readCountryList(black, 'FATF Black List');
	const greyList = readCountryList(grey, 'FATF Grey List');
	const both = blackList.filter((code) => greyList.includes(code));
	if (both.length) {
		throw new FieldError('FATF Grey List', `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} also on the FATF Black List; a country belongs to one list`);
	}
	return { blackList, greyList };
}

function normalAnswer(answer: string): string {
	return answer.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** An answer table: rows {answer, points}; answers unique ignoring case. */
export function readAnswerTable(rows: unknown, field: string): AnswerPoints[] {
	if (rows === undefined || rows === null) return [];
	if (!Array.isArray(rows)) throw new FieldError(field, 'must be a list of answers with points');
	const seen = new Map<string, number>();
	return rows.map((row: unknown, index) => {
		const rowName = `${field} row ${index + 1}`;
		if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new FieldError(rowName, 'must have an answer and points');
		const record = row as Record<string, unknown>;
		const answer = typeof record.answer === 'string' || typeof record.answer === 'number' ? String(record.answer).trim() : '';
		if (!answer) throw new FieldError(rowName, 'has no Answer');
		const named = `${rowName} ("${answer}")`;
		const earlier = seen.get(normalAnswer(answer));
		if (earlier !== undefined) throw new FieldError(named, `has the same answer as row ${earlier + 1}; each answer is listed once`);
		seen.set(normalAnswer(answer), index);
		return { answer, points: readPoints(record.points, `${named} Points`) };
	});
}

function bandText(band: PointsBand, unit: string): string {
	return band.to === undefined ? `${band.from}${unit} and more` : `${band.from} to under ${band.to}${unit}`;
}

/**
 * Bands rows {from, to, points}: from inclusive, to exclusive (empty: no upper limit). They may
 * come in any order and leave gaps (a value in no band adds nothing) but must not overlap.
 */
export function readBands(rows: unknown, field: string, options: { wholeNumbers: boolean; unit: string }): PointsBand[] {
	if (rows === undefined || rows === null) return [];
	if (!Array.isArray(rows)) throw new FieldError(field, 'must be a list of bands with From, To and Points');
	const bands = rows.map((row: unknown, index) => {
		const rowName = `${field} row ${index + 1}`;
		if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new FieldError(rowName, 'must have From, To and Points');
		const record = row as Record<string, unknown>;
		const number = (value: unknown, column: string): DecimalString => {
			const parsed = typeof value === 'string' || typeof value === 'number' ? attempt(() => trimDecimal(parseDecimal(value))) : undefined;
			const example = options.wholeNumbers ? 'such as 21' : 'such as 10000 or 2500.50';
			if (!parsed?.ok) throw new FieldError(rowName, `${column} must be a number ${example} (no thousands separators), got ${show(value)}`);
			if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(rowName, `${column} must not be negative, got ${parsed.value}`);
			if (options.wholeNumbers && parsed.value.includes('.')) throw new FieldError(rowName, `${column} must be whole years, got ${parsed.value}`);
			return parsed.value;
		};
		if (isBlank(record.from)) throw new FieldError(rowName, 'has no From; give the lowest value of the band (0 for the first)');
		const from = number(record.from, 'From');
		const to = isBlank(record.to) ? undefined : number(record.to, 'To');
		if (to !== undefined && compareDecimal(to, from) <= 0) {
			throw new FieldError(rowName, `To (${to}) must be more than From (${from}); leave To empty for no upper limit`);
		}
		return { band: { from, to, points: readPoints(record.points, `${rowName} Points`) }, index };
	});
	const sorted = [...bands].sort((a, b) => compareDecimal(a.band.from, b.band.from) || a.index - b.index);
	for (let i = 1; i < sorted.length; i++) {
		const previous = sorted[i - 1];
		const current = sorted[i];
		if (previous.band.to === undefined || compareDecimal(current.band.from, previous.band.to) < 0) {
			const [first, second] = previous.index < current.index ? [previous, current] : [current, previous];
			throw new FieldError(
				`${field} row ${second.index + 1}`,
				`(${bandText(second.band, options.unit)}) overlaps row ${first.index + 1} (${bandText(first.band, options.unit)}); a value must fall in one band only`,
			);
		}
	}
	return sorted.map(({ band }) => band);
}

/** The level thresholds: Medium at or above `mediumFrom`, High above `highAbove`. */
export function readThresholds(mediumFrom: unknown, highAbove: unknown): { mediumFrom: DecimalString; highAbove: DecimalString } {
	const medium = readPoints(mediumFrom, 'Medium From (Points)');
	const high = readPoints(highAbove, 'High Above (Points)');
	if (compareDecimal(high, medium) < 0) {
		throw new FieldError('High Above (Points)', `(${high}) must not be below Medium From (${medium}): a score from Medium From up to High Above is medium, above it high`);
	}
	return { mediumFrom: medium, highAbove: high };
}

/** A review interval in whole months, 1 to 120. */
export function readReviewMonths(value: unknown, field: string): number {
	const months = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof months !== 'number' || !Number.isInteger(months) || months < 1 || months > 120) {
		throw new FieldError(field, `must be a whole number of months from 1 to 120, got ${show(value)}`);
	}
	return months;
}

// ---------------------------------------------------------------------------------------------
// Reading one client's answers: errors name the node parameter the value came through.

/** An ISO 3166-1 alpha-2 code, upper case; undefined when not given. */
export function readCountry(value: unknown, field: string): string | undefined {
	if (isBlank(value)) return undefined;
	const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
	if (!/^[A-Z]{2}$/.test(code)) throw new FieldError(field, `must be an ISO 3166-1 alpha-2 country code such as CY or IR, got ${show(value)}`);
	return code;
}

function readFlag(value: unknown, field: string, name: string): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new FieldError(field, `${name} must be true or false, got ${show(value)}`);
}

/**
 * The KYC vendor's screening flags {pep, sanctions, adverseMedia} (KycCase.amlFlags), or their JSON
 * text; undefined when the client was not screened (nothing given). A flag missing from a given
 * object is a screening without that hit.
 */
export function readAmlFlags(value: unknown, field = 'AML Flags'): AmlFlags | undefined {
	let flags = value;
	if (isBlank(flags)) return undefined;
	if (typeof flags === 'string') {
		const parsed = attempt(() => JSON.parse(flags as string) as unknown);
		if (!parsed.ok) throw new FieldError(field, `must be an object {pep, sanctions, adverseMedia}; the text given is not valid JSON (${parsed.error.message})`);
		flags = parsed.value;
	}
	if (typeof flags !== 'object' || flags === null || Array.isArray(flags)) {
		throw new FieldError(field, `must be an object {pep, sanctions, adverseMedia} with true or false, got ${show(value)}`);
	}
	const record = flags as Record<string, unknown>;
	return {
		pep: readFlag(record.pep, field, 'pep'),
		sanctions: readFlag(record.sanctions, field, 'sanctions'),
		adverseMedia: readFlag(record.adverseMedia, field, 'adverseMedia'),
	};
}

/** A questionnaire answer as text; undefined when not given. */
export function readAnswer(value: unknown, field: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value !== 'string' && typeof value !== 'number') throw new FieldError(field, `must be the client's answer as text, got ${show(value)}`);
	return String(value).trim();
}

/** An amount of at least 0; undefined when not given. */
export function readExpectedDeposit(value: unknown, field = 'Expected Annual Deposit'): DecimalString | undefined {
	if (isBlank(value)) return undefined;
	const parsed = typeof value === 'string' || typeof value === 'number' ? attempt(() => parseDecimal(value, field)) : undefined;
	if (!parsed?.ok) throw new FieldError(field, `must be an amount such as "25000" or "25000.50" (no thousands separators or currency), got ${show(value)}`);
	if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(field, `must not be negative, got "${parsed.value}"`);
	return parsed.value;
}

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:T[\d:.,]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * A calendar date as written: "1990-04-01", or a date-time whose date part is taken as is (a birth
 * date stored as local midnight "1990-04-01T00:00:00+03:00" is still 1 April, not 31 March in UTC).
 */
export function readCalendarDate(value: unknown, field: string): DateTime<true> | undefined {
	if (isBlank(value)) return undefined;
	const match = typeof value === 'string' ? DATE_PREFIX.exec(value.trim()) : null;
	const date = match ? DateTime.fromISO(match[1], { zone: 'utc' }) : undefined;
	if (!date?.isValid) throw new FieldError(field, `must be a date such as "1990-04-01" (YYYY-MM-DD), got ${show(value)}`);
	return date;
}

/**
 * The day the score is for, as a UTC calendar day: a date ("2026-11-26"), an ISO-8601 date-time with
 * an offset or Z (converted to UTC first), a Date or a luxon DateTime ($now).
 */
export function readAsOf(value: unknown, field = 'As Of'): DateTime<true> {
	let parsed: DateTime | undefined;
	if (DateTime.isDateTime(value)) parsed = value;
	else if (Object.prototype.toString.call(value) === '[object Date]') parsed = DateTime.fromJSDate(value as Date);
	else if (typeof value === 'string') {
		const text = value.trim();
		if (/^\d{4}-\d{2}-\d{2}$/.test(text)) parsed = DateTime.fromISO(text, { zone: 'utc' });
		else if (/T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text)) parsed = DateTime.fromISO(text, { setZone: true });
	}
	if (!parsed?.isValid) {
		throw new FieldError(field, `must be a date such as "2026-11-26" or a date-time with an offset or Z such as "2026-11-26T09:30:00Z", got ${show(value)}`);
	}
	return parsed.toUTC().startOf('day') as DateTime<true>;
}

/** The day of the last review, read like As Of (a date-time counts by its UTC day); undefined when not given. */
export function readLastReviewDate(value: unknown, field = 'Last Review Date'): DateTime<true> | undefined {
	return isBlank(value) ? undefined : readAsOf(value, field);
}

// ---------------------------------------------------------------------------------------------
// Scoring.

/** Completed years on `on`; someone born on 29 February turns a year older on 1 March in other years. */
export function ageInYears(dateOfBirth: DateTime, on: DateTime): number {
	const years = on.year - dateOfBirth.year;
	const beforeBirthday = on.month < dateOfBirth.month || (on.month === dateOfBirth.month && on.day < dateOfBirth.day);
	return beforeBirthday ? years - 1 : years;
}

/** The date `months` after `from` (UTC calendar); a day that month lacks becomes its last day (2024-02-29 + 12 → 2025-02-28). */
export function addMonths(from: DateTime, months: number): string {
	return from.toUTC().startOf('day').plus({ months }).toISODate() as string;
}

export function levelFor(score: DecimalString, thresholds: { mediumFrom: DecimalString; highAbove: DecimalString }): RiskLevel {
	if (compareDecimal(score, thresholds.highAbove) > 0) return 'high';
	if (compareDecimal(score, thresholds.mediumFrom) >= 0) return 'medium';
	return 'low';
}

function bandOf(bands: PointsBand[], value: DecimalString): PointsBand | undefined {
	return bands.find((band) => compareDecimal(value, band.from) >= 0 && (band.to === undefined || compareDecimal(value, band.to) < 0));
}

function pointsText(points: DecimalString): string {
	return points === '1' ? '1 point' : `${points} points`;
}

function answerList(table: AnswerPoints[]): string {
	return table.map((row) => row.answer).join(', ');
}

const REGARDLESS = 'High regardless of points';

/** Scores one client. Throws FieldError for an answer not in its table (unless counted as unknown) or a birth date after As Of. */
export function scoreRisk(input: RiskInput, settings: RiskSettings, fields: Partial<Record<'purpose' | 'tradingExperience' | 'dateOfBirth', string>> = {}): RiskAssessment {
	const reasons: RiskReason[] = [];
	const overrides = new Set<RiskOverride>();
	let score: DecimalString = '0';
	const add = (factor: RiskFactor, points: DecimalString, detail: string, always = false) => {
		if (!always && compareDecimal(points, '0') === 0) return;
		score = addDecimal(score, points);
		reasons.push({ factor, points: Number(points), detail });
	};

	// Geography. Nationality counts only when it differs from residence: one country, one count.
	const countryFactor = (factor: 'country' | 'nationality', code: string | undefined, label: string) => {
		if (code === undefined) {
			add(factor, settings.unknownCountryPoints, `${label} unknown (not given): scored as unknown, ${pointsText(settings.unknownCountryPoints)}`, true);
			return;
		}
		if (settings.blackList.includes(code)) {
			if (settings.blackListOverride) overrides.add('blackListCountry');
			const regardless = settings.blackListOverride ? `: ${REGARDLESS}` : '';
			add(factor, settings.blackListPoints, `${label} ${code} is on the FATF call-for-action list (black list)${regardless}`, settings.blackListOverride);
		} else if (settings.greyList.includes(code)) {
			if (settings.greyListOverride) overrides.add('greyListCountry');
			const regardless = settings.greyListOverride ? `: ${REGARDLESS}` : '';
			add(factor, settings.greyListPoints, `${label} ${code} is on the FATF increased-monitoring list (grey list)${regardless}`, settings.greyListOverride);
		}
	};
	countryFactor('country', input.country, 'country of residence');
	if (settings.checkNationality && (input.nationality === undefined || input.nationality !== input.country)) {
		countryFactor('nationality', input.nationality, 'nationality');
	}

	// Screening.
	const flags = input.amlFlags;
	if (!flags) {
		add('amlScreening', settings.unknownScreeningPoints, `AML screening result unknown (no PEP / sanctions / adverse-media flags given): scored as unknown, ${pointsText(settings.unknownScreeningPoints)}`, true);
	} else {
		if (flags.sanctions) {
			if (settings.sanctionsOverride) overrides.add('sanctions');
			add('sanctions', settings.sanctionsPoints, `sanctions screening hit${settings.sanctionsOverride ? `: ${REGARDLESS}` : ''}`, settings.sanctionsOverride);
		}
		if (flags.pep) {
			if (settings.pepOverride) overrides.add('pep');
			add('pep', settings.pepPoints, `politically exposed person (PEP)${settings.pepOverride ? `: ${REGARDLESS}` : ''}`, settings.pepOverride);
		}
		if (flags.adverseMedia) add('adverseMedia', settings.adverseMediaPoints, 'adverse media found in screening');
	}

	// Questionnaire answers.
	const answerFactor = (
		factor: 'purpose' | 'tradingExperience',
		answer: string | undefined,
		table: AnswerPoints[],
		unknownPoints: DecimalString,
		label: string,
		field: string,
	) => {
		if (answer === undefined) {
			add(factor, unknownPoints, `${label} unknown (not given): scored as unknown, ${pointsText(unknownPoints)}`, true);
			return;
		}
		const row = table.find((entry) => normalAnswer(entry.answer) === normalAnswer(answer));
		if (row) {
			add(factor, row.points, `${label} is ${row.answer}`);
			return;
		}
		if (!settings.unlistedAnswersAsUnknown) {
			throw new FieldError(field, `"${answer}" is not one of the answers in the table (${answerList(table) || 'the table is empty'}); add it to the table or correct the answer`);
		}
		add(factor, unknownPoints, `${label} "${answer}" is not in the table: scored as unknown, ${pointsText(unknownPoints)}`, true);
	};
	answerFactor('purpose', input.purpose, settings.purposeAnswers, settings.unknownPurposePoints, 'purpose of the relationship', fields.purpose ?? 'Purpose of the Relationship');
	answerFactor(
		'tradingExperience',
		input.tradingExperience,
		settings.experienceAnswers,
		settings.unknownExperiencePoints,
		'trading experience',
		fields.tradingExperience ?? 'Trading Experience',
	);

	// Expected deposits.
	if (input.expectedDeposit === undefined) {
		add('expectedDeposit', settings.unknownDepositPoints, `expected annual deposit unknown (not given): scored as unknown, ${pointsText(settings.unknownDepositPoints)}`, true);
	} else {
		const band = bandOf(settings.depositBands, input.expectedDeposit);
		if (band) add('expectedDeposit', band.points, `expected annual deposit ${trimDecimal(input.expectedDeposit)} is in the band ${bandText(band, '')}`);
	}

	// Age, in completed years on the As Of day (UTC).
	if (input.dateOfBirth === undefined) {
		add('age', settings.unknownAgePoints, `age unknown (no date of birth): scored as unknown, ${pointsText(settings.unknownAgePoints)}`, true);
	} else {
		const born = DateTime.fromISO(input.dateOfBirth, { zone: 'utc' });
		if (!born.isValid) throw new FieldError(fields.dateOfBirth ?? 'Date of Birth', `must be a date such as "1990-04-01", got "${input.dateOfBirth}"`);
		if (born > input.asOf) {
			throw new FieldError(fields.dateOfBirth ?? 'Date of Birth', `(${input.dateOfBirth}) is after the As Of date ${input.asOf.toISODate()}`);
		}
		const age = ageInYears(born, input.asOf);
		const band = bandOf(settings.ageBands, String(age));
		if (band) add('age', band.points, `age ${age} is in the band ${bandText(band, ' years')}`);
	}

	const precedence: RiskOverride[] = ['sanctions', 'blackListCountry', 'greyListCountry', 'pep'];
	const overriddenBy = precedence.find((override) => overrides.has(override)) ?? null;
	const level: RiskLevel = overriddenBy ? 'high' : levelFor(score, settings);
	const reviewIntervalMonths = settings.reviewIntervalMonths[level];
	return {
		level,
		score: Number(trimDecimal(score)),
		reasons,
		overriddenBy,
		nextReviewDate: addMonths(input.lastReviewDate ?? input.asOf, reviewIntervalMonths),
		reviewIntervalMonths,
	};
}
