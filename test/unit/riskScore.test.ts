import { FieldError } from '../../lib/errors';
import {
	addMonths,
	ageInYears,
	DEFAULT_AGE_BANDS,
	DEFAULT_DEPOSIT_BANDS,
	DEFAULT_EXPERIENCE_ANSWERS,
	DEFAULT_PURPOSE_ANSWERS,
	FATF_BLACK_LIST,
	FATF_GREY_LIST,
	levelFor,
	readAmlFlags,
	readAnswerTable,
	readAsOf,
	readBands,
	readCalendarDate,
	readCountry,
	readCountryList,
	readCountryLists,
	readExpectedDeposit,
	readLastReviewDate,
	readPoints,
	readReviewMonths,
	readThresholds,
	scoreRisk,
	type RiskInput,
	type RiskSettings,
} from '../../lib/riskScore';

const settings = (more: Partial<RiskSettings> = {}): RiskSettings => ({
	...readCountryLists(FATF_BLACK_LIST, FATF_GREY_LIST),
	blackListPoints: '20',
	greyListPoints: '10',
	blackListOverride: true,
	greyListOverride: false,
	checkNationality: false,
	unknownCountryPoints: '10',
	pepPoints: '10',
	pepOverride: false,
	sanctionsPoints: '20',
	sanctionsOverride: true,
	adverseMediaPoints: '8',
	unknownScreeningPoints: '10',
	purposeAnswers: DEFAULT_PURPOSE_ANSWERS,
	unknownPurposePoints: '4',
	experienceAnswers: DEFAULT_EXPERIENCE_ANSWERS,
	unknownExperiencePoints: '2',
	unlistedAnswersAsUnknown: false,
	depositBands: DEFAULT_DEPOSIT_BANDS,
	unknownDepositPoints: '8',
	ageBands: DEFAULT_AGE_BANDS,
	unknownAgePoints: '2',
	mediumFrom: '16',
	highAbove: '32',
	reviewIntervalMonths: { high: 12, medium: 24, low: 60 },
	...more,
});

/** A client who adds no points with the default settings. */
const client = (more: Partial<RiskInput> = {}): RiskInput => ({
	country: 'CY',
	amlFlags: { pep: false, sanctions: false, adverseMedia: false },
	purpose: 'Long-term',
	tradingExperience: 'More than 3 years',
	expectedDeposit: '5000',
	dateOfBirth: '1980-06-15',
	asOf: readAsOf('2026-11-26'),
	...more,
});

const score = (input: Partial<RiskInput> = {}, more: Partial<RiskSettings> = {}) => scoreRisk(client(input), settings(more));

describe('a client with nothing to report', () => {
	it('is low with score 0, no reasons, no override and a review in 60 months', () => {
		expect(score()).toEqual({
			level: 'low',
			score: 0,
			reasons: [],
			overriddenBy: null,
			nextReviewDate: '2031-11-26',
			reviewIntervalMonths: 60,
		});
	});
});

describe('country of residence against the FATF lists', () => {
	it('a black-list country is High regardless of points, and the reason says so', () => {
		const result = score({ country: 'IR' });
		expect(result).toMatchObject({ level: 'high', score: 20, overriddenBy: 'blackListCountry', reviewIntervalMonths: 12 });
		expect(result.reasons).toEqual([
			{ factor: 'country', points: 20, detail: 'country of residence IR is on the FATF call-for-action list (black list): High regardless of points' },
		]);
	});

	it('a black-list country only adds points when its override is turned off', () => {
		const result = score({ country: 'KP' }, { blackListOverride: false });
		expect(result).toMatchObject({ level: 'medium', score: 20, overriddenBy: null });
		expect(result.reasons[0].detail).toBe('country of residence KP is on the FATF call-for-action list (black list)');
	});

	it('a grey-list country adds the grey-list points and stays low on its own', () => {
		const result = score({ country: 'KE' });
		expect(result).toMatchObject({ level: 'low', score: 10, overriddenBy: null });
		expect(result.reasons).toEqual([
			{ factor: 'country', points: 10, detail: 'country of residence KE is on the FATF increased-monitoring list (grey list)' },
		]);
	});

	it('a grey-list country is High when the grey-list override is on', () => {
		const result = score({ country: 'VN' }, { greyListOverride: true });
		expect(result).toMatchObject({ level: 'high', overriddenBy: 'greyListCountry' });
		expect(result.reasons[0].detail).toMatch(/grey list\): High regardless of points$/);
	});

	it('a missing country is scored as unknown and listed', () => {
		const result = score({ country: undefined });
		expect(result.score).toBe(10);
		expect(result.reasons).toEqual([
			{ factor: 'country', points: 10, detail: 'country of residence unknown (not given): scored as unknown, 10 points' },
		]);
	});

	it('an unknown country configured at 0 points is still listed as a reason', () => {
		const result = score({ country: undefined }, { unknownCountryPoints: '0' });
		expect(result.score).toBe(0);
		expect(result.reasons.map((reason) => [reason.factor, reason.points])).toEqual([['country', 0]]);
	});

	it('nationality is ignored unless it is checked', () => {
		expect(score({ nationality: 'IR' }).level).toBe('low');
	});

	it('a black-list nationality overrides when nationality is checked', () => {
		const result = score({ nationality: 'IR' }, { checkNationality: true });
		expect(result).toMatchObject({ level: 'high', overriddenBy: 'blackListCountry' });
		expect(result.reasons[0]).toEqual({
			factor: 'nationality',
			points: 20,
			detail: 'nationality IR is on the FATF call-for-action list (black list): High regardless of points',
		});
	});

	it('a nationality that is the country of residence is counted once', () => {
		const result = score({ country: 'KE', nationality: 'KE' }, { checkNationality: true });
		expect(result.score).toBe(10);
		expect(result.reasons.map((reason) => reason.factor)).toEqual(['country']);
	});

	it('a missing nationality is scored as unknown when nationality is checked', () => {
		const result = score({ nationality: undefined }, { checkNationality: true, unknownCountryPoints: '3' });
		expect(result.reasons).toEqual([{ factor: 'nationality', points: 3, detail: 'nationality unknown (not given): scored as unknown, 3 points' }]);
	});
});

describe('screening flags', () => {
	it('a sanctions hit is High regardless of points and wins over a black-list country as the override', () => {
		const result = score({ country: 'IR', amlFlags: { pep: false, sanctions: true, adverseMedia: false } });
		expect(result).toMatchObject({ level: 'high', overriddenBy: 'sanctions', score: 40 });
		expect(result.reasons.map((reason) => reason.detail)).toContain('sanctions screening hit: High regardless of points');
	});

	it('a sanctions hit only adds points when its override is turned off', () => {
		const result = score({ amlFlags: { pep: false, sanctions: true, adverseMedia: false } }, { sanctionsOverride: false, sanctionsPoints: '15' });
		expect(result).toMatchObject({ level: 'low', score: 15, overriddenBy: null });
	});

	it('a PEP adds the PEP points', () => {
		const result = score({ amlFlags: { pep: true, sanctions: false, adverseMedia: false } });
		expect(result).toMatchObject({ level: 'low', score: 10 });
		expect(result.reasons).toEqual([{ factor: 'pep', points: 10, detail: 'politically exposed person (PEP)' }]);
	});

	it('a PEP is High when the PEP override is on', () => {
		expect(score({ amlFlags: { pep: true, sanctions: false, adverseMedia: false } }, { pepOverride: true })).toMatchObject({
			level: 'high',
			overriddenBy: 'pep',
		});
	});

	it('adverse media adds its points', () => {
		const result = score({ amlFlags: { pep: false, sanctions: false, adverseMedia: true } });
		expect(result.reasons).toEqual([{ factor: 'adverseMedia', points: 8, detail: 'adverse media found in screening' }]);
	});

	it('no screening result at all is scored as unknown', () => {
		const result = score({ amlFlags: undefined });
		expect(result.reasons).toEqual([
			{
				factor: 'amlScreening',
				points: 10,
				detail: 'AML screening result unknown (no PEP / sanctions / adverse-media flags given): scored as unknown, 10 points',
			},
		]);
	});
});

describe('purpose and trading experience', () => {
	it.each([
		['Speculation', 4],
		['Hedging', 3],
		['Short-term', 2],
		['Investment', 1],
	])('purpose %s adds %i points (the reference sample)', (purpose, points) => {
		const result = score({ purpose });
		expect(result.score).toBe(points);
		expect(result.reasons).toEqual([{ factor: 'purpose', points, detail: `purpose of the relationship is ${purpose}` }]);
	});

	it('an answer matches ignoring case and extra spaces', () => {
		expect(score({ purpose: '  speculation ' }).score).toBe(4);
		expect(score({ tradingExperience: 'less  than 1 YEAR' }).score).toBe(1);
	});

	it('a missing purpose gets the unknown points and is listed', () => {
		const result = score({ purpose: undefined });
		expect(result.reasons).toEqual([
			{ factor: 'purpose', points: 4, detail: 'purpose of the relationship unknown (not given): scored as unknown, 4 points' },
		]);
	});

	it('an answer not in the table is an error naming the field and the known answers', () => {
		expect(() => score({ purpose: 'Gambling' })).toThrow(
			new FieldError(
				'Purpose of the Relationship',
				'"Gambling" is not one of the answers in the table (Speculation, Hedging, Short-term, Investment, Long-term); add it to the table or correct the answer',
			),
		);
	});

	it('an answer not in the table is scored as unknown when so configured', () => {
		const result = score({ tradingExperience: 'Some' }, { unlistedAnswersAsUnknown: true });
		expect(result.reasons).toEqual([
			{ factor: 'tradingExperience', points: 2, detail: 'trading experience "Some" is not in the table: scored as unknown, 2 points' },
		]);
	});

	it('no trading experience adds 2 points', () => {
		expect(score({ tradingExperience: 'None' }).reasons).toEqual([{ factor: 'tradingExperience', points: 2, detail: 'trading experience is None' }]);
	});
});

describe('expected annual deposit bands', () => {
	it.each([
		['0', 0],
		['9999.99', 0],
		['10000', 2],
		['49999.99', 2],
		['50000', 4],
		['250000', 8],
		['10000000', 8],
	])('%s falls in the band worth %i points (From included, To not)', (amount, points) => {
		expect(score({ expectedDeposit: amount }).score).toBe(points);
	});

	it('names the band in the reason', () => {
		expect(score({ expectedDeposit: '60000.50' }).reasons).toEqual([
			{ factor: 'expectedDeposit', points: 4, detail: 'expected annual deposit 60000.5 is in the band 50000 to under 250000' },
		]);
		expect(score({ expectedDeposit: '300000' }).reasons[0].detail).toBe('expected annual deposit 300000 is in the band 250000 and more');
	});

	it('an amount in a gap between bands adds nothing', () => {
		const bands = readBands([{ from: '100000', points: 5 }], 'Deposit Bands', { wholeNumbers: false, unit: '' });
		expect(score({ expectedDeposit: '5000' }, { depositBands: bands }).reasons).toEqual([]);
	});

	it('a missing amount gets the unknown points', () => {
		expect(score({ expectedDeposit: undefined }).reasons).toEqual([
			{ factor: 'expectedDeposit', points: 8, detail: 'expected annual deposit unknown (not given): scored as unknown, 8 points' },
		]);
	});
});

describe('age from the date of birth, on the As Of day in UTC', () => {
	it('is counted in completed years', () => {
		expect(ageInYears(readAsOf('2005-11-27'), readAsOf('2026-11-26'))).toBe(20);
		expect(ageInYears(readAsOf('2005-11-26'), readAsOf('2026-11-26'))).toBe(21);
	});

	it('someone born on 29 February turns a year older on 1 March in a common year', () => {
		expect(ageInYears(readAsOf('2004-02-29'), readAsOf('2025-02-28'))).toBe(20);
		expect(ageInYears(readAsOf('2004-02-29'), readAsOf('2025-03-01'))).toBe(21);
		expect(ageInYears(readAsOf('2004-02-29'), readAsOf('2028-02-29'))).toBe(24);
	});

	it('under 21 adds points up to the day before the 21st birthday', () => {
		expect(score({ dateOfBirth: '2005-11-27' }).reasons).toEqual([{ factor: 'age', points: 2, detail: 'age 20 is in the band 0 to under 21 years' }]);
		expect(score({ dateOfBirth: '2005-11-26' }).reasons).toEqual([]);
	});

	it('over 75 adds points from the 76th birthday', () => {
		expect(score({ dateOfBirth: '1950-11-27' }).reasons).toEqual([]);
		expect(score({ dateOfBirth: '1950-11-26' }).reasons).toEqual([{ factor: 'age', points: 2, detail: 'age 76 is in the band 76 years and more' }]);
	});

	it('takes the As Of day in UTC: late evening in New York is already the next day', () => {
		const asOf = readAsOf('2026-11-25T20:00:00-05:00');
		expect(asOf.toISODate()).toBe('2026-11-26');
		expect(score({ dateOfBirth: '2005-11-26', asOf }).reasons).toEqual([]);
	});

	it('a birth date after the As Of day is an error naming the field', () => {
		expect(() => score({ dateOfBirth: '2027-01-01' })).toThrow('"Date of Birth": (2027-01-01) is after the As Of date 2026-11-26');
	});

	it('a missing date of birth gets the unknown points', () => {
		expect(score({ dateOfBirth: undefined }).reasons).toEqual([
			{ factor: 'age', points: 2, detail: 'age unknown (no date of birth): scored as unknown, 2 points' },
		]);
	});
});

describe('levels: the reference sample (Low < 16, Medium 16–32, High > 32)', () => {
	const thresholds = { mediumFrom: '16', highAbove: '32' };

	it.each([
		['0', 'low'],
		['15.99', 'low'],
		['16', 'medium'],
		['32', 'medium'],
		['32.01', 'high'],
		['33', 'high'],
	])('score %s is %s', (points, level) => {
		expect(levelFor(points, thresholds)).toBe(level);
	});

	it('points add up across factors to medium with a 24-month review', () => {
		const result = score({ amlFlags: { pep: true, sanctions: false, adverseMedia: false }, purpose: 'Speculation', expectedDeposit: '50000' });
		expect(result).toMatchObject({ level: 'medium', score: 18, reviewIntervalMonths: 24, nextReviewDate: '2028-11-26' });
		expect(result.reasons.map((reason) => reason.factor)).toEqual(['pep', 'purpose', 'expectedDeposit']);
	});

	it('points add up across factors to high above 32', () => {
		const result = score({
			country: 'KE',
			amlFlags: { pep: true, sanctions: false, adverseMedia: true },
			purpose: 'Speculation',
			tradingExperience: 'None',
		});
		expect(result).toMatchObject({ level: 'high', score: 34, overriddenBy: null });
	});

	it('decimal points add exactly', () => {
		const answers = readAnswerTable([{ answer: 'Speculation', points: 0.1 }], 'Purpose Points');
		const experience = readAnswerTable([{ answer: 'None', points: 0.2 }], 'Trading Experience Points');
		expect(score({ purpose: 'Speculation', tradingExperience: 'None' }, { purposeAnswers: answers, experienceAnswers: experience }).score).toBe(0.3);
	});

	it('an override beats the points: a sanctioned client with 0 points is high', () => {
		const result = score({ amlFlags: { pep: false, sanctions: true, adverseMedia: false } }, { sanctionsPoints: '0' });
		expect(result).toMatchObject({ level: 'high', score: 0, overriddenBy: 'sanctions' });
		expect(result.reasons).toEqual([{ factor: 'sanctions', points: 0, detail: 'sanctions screening hit: High regardless of points' }]);
	});
});

describe('next review date', () => {
	it('counts from the Last Review Date when given', () => {
		expect(score({ lastReviewDate: readAsOf('2026-01-15') }).nextReviewDate).toBe('2031-01-15');
	});

	it('2024-02-29 plus 12 months is 2025-02-28', () => {
		expect(addMonths(readAsOf('2024-02-29'), 12)).toBe('2025-02-28');
		expect(score({ country: 'IR', lastReviewDate: readAsOf('2024-02-29') }).nextReviewDate).toBe('2025-02-28');
	});

	it('2024-02-29 plus 48 months is 2028-02-29', () => {
		expect(addMonths(readAsOf('2024-02-29'), 48)).toBe('2028-02-29');
	});

	it('the end of a long month lands on the end of a short one', () => {
		expect(addMonths(readAsOf('2025-08-31'), 6)).toBe('2026-02-28');
		expect(addMonths(readAsOf('2023-01-31'), 13)).toBe('2024-02-29');
	});

	it('uses the interval configured for the level', () => {
		const result = score({ country: 'IR' }, { reviewIntervalMonths: { high: 6, medium: 24, low: 60 } });
		expect(result).toMatchObject({ reviewIntervalMonths: 6, nextReviewDate: '2027-05-26' });
	});
});

describe('reading settings', () => {
	it('reads country lists separated by commas, spaces or lines, upper-cased, without repeats', () => {
		expect(readCountryList('kp, IR\nMM ir', 'FATF Black List')).toEqual(['KP', 'IR', 'MM']);
		expect(readCountryList('', 'FATF Black List')).toEqual([]);
	});

	it('the shipped lists are valid and disjoint: 3 black, 22 grey', () => {
		const { blackList, greyList } = readCountryLists(FATF_BLACK_LIST, FATF_GREY_LIST);
		expect(blackList).toEqual(['KP', 'IR', 'MM']);
		expect(greyList).toHaveLength(22);
	});

	it('refuses a list entry that is not an alpha-2 code, naming the list and the entry', () => {
		expect(() => readCountryList('KP, Iran, MM', 'FATF Black List')).toThrow(
			'"FATF Black List": "Iran" is not an ISO 3166-1 alpha-2 country code; write two letters such as IR, separated by commas',
		);
	});

	it('refuses a country on both lists', () => {
		expect(() => readCountryLists('KP, IR', 'ir, KE')).toThrow('"FATF Grey List": IR is also on the FATF Black List; a country belongs to one list');
	});

	it('refuses negative points, naming the parameter', () => {
		expect(() => readPoints(-1, 'PEP Points')).toThrow('"PEP Points": must not be negative, got -1');
		expect(() => readPoints('ten', 'PEP Points')).toThrow('"PEP Points": must be a number of points such as 4 or 2.5, got "ten"');
	});

	it('refuses negative points in a table row, naming the row and answer', () => {
		expect(() => readAnswerTable([{ answer: 'Speculation', points: 4 }, { answer: 'Hedging', points: -3 }], 'Purpose Points')).toThrow(
			'"Purpose Points row 2 ("Hedging") Points": must not be negative, got -3',
		);
	});

	it('refuses the same answer twice, ignoring case', () => {
		expect(() => readAnswerTable([{ answer: 'Hedging', points: 3 }, { answer: 'hedging ', points: 1 }], 'Purpose Points')).toThrow(
			'"Purpose Points row 2 ("hedging")": has the same answer as row 1; each answer is listed once',
		);
	});

	it('sorts bands given in any order', () => {
		const bands = readBands([{ from: '76', to: '', points: 2 }, { from: 0, to: 21, points: 2 }], 'Age Bands', { wholeNumbers: true, unit: ' years' });
		expect(bands).toEqual([
			{ from: '0', to: '21', points: '2' },
			{ from: '76', to: undefined, points: '2' },
		]);
	});

	it('refuses overlapping bands, naming both rows', () => {
		expect(() =>
			readBands(
				[
					{ from: '0', to: '10000', points: 0 },
					{ from: '5000', to: '50000', points: 2 },
				],
				'Deposit Bands',
				{ wholeNumbers: false, unit: '' },
			),
		).toThrow('"Deposit Bands row 2": (5000 to under 50000) overlaps row 1 (0 to under 10000); a value must fall in one band only');
	});

	it('refuses a band after an open-ended band', () => {
		expect(() =>
			readBands([{ from: '70', points: 1 }, { from: '80', to: '90', points: 2 }], 'Age Bands', { wholeNumbers: true, unit: ' years' }),
		).toThrow('"Age Bands row 2": (80 to under 90 years) overlaps row 1 (70 years and more); a value must fall in one band only');
	});

	it('accepts touching bands: To of one is From of the next', () => {
		expect(readBands([{ from: 0, to: 21, points: 2 }, { from: 21, to: 30, points: 1 }], 'Age Bands', { wholeNumbers: true, unit: ' years' })).toHaveLength(2);
	});

	it('refuses a band whose To is not above its From', () => {
		expect(() => readBands([{ from: '50', to: '50', points: 1 }], 'Deposit Bands', { wholeNumbers: false, unit: '' })).toThrow(
			'"Deposit Bands row 1": To (50) must be more than From (50); leave To empty for no upper limit',
		);
	});

	it('refuses a band with a malformed amount or fractional years', () => {
		expect(() => readBands([{ from: '10,000', points: 1 }], 'Deposit Bands', { wholeNumbers: false, unit: '' })).toThrow(
			'"Deposit Bands row 1": From must be a number such as 10000 or 2500.50 (no thousands separators), got "10,000"',
		);
		expect(() => readBands([{ from: '20.5', points: 1 }], 'Age Bands', { wholeNumbers: true, unit: ' years' })).toThrow(
			'"Age Bands row 1": From must be whole years, got 20.5',
		);
	});

	it('refuses High Above below Medium From', () => {
		expect(readThresholds(16, 32)).toEqual({ mediumFrom: '16', highAbove: '32' });
		expect(() => readThresholds(16, 10)).toThrow('"High Above (Points)": (10) must not be below Medium From (16)');
	});

	it('review intervals are whole months from 1 to 120', () => {
		expect(readReviewMonths(12, 'Review Every (Months) if High')).toBe(12);
		expect(() => readReviewMonths(0, 'Review Every (Months) if High')).toThrow(
			'"Review Every (Months) if High": must be a whole number of months from 1 to 120, got 0',
		);
		expect(() => readReviewMonths(1.5, 'Review Every (Months) if Low')).toThrow(FieldError);
	});
});

describe('reading a client', () => {
	it('reads an alpha-2 country, upper-cased; empty is unknown', () => {
		expect(readCountry(' cy ', 'Country of Residence')).toBe('CY');
		expect(readCountry('', 'Country of Residence')).toBeUndefined();
		expect(() => readCountry('Cyprus', 'Country of Residence')).toThrow(
			'"Country of Residence": must be an ISO 3166-1 alpha-2 country code such as CY or IR, got "Cyprus"',
		);
	});

	it('reads AML flags from an object or JSON text; a left-out flag is no hit; nothing is unknown', () => {
		expect(readAmlFlags({ pep: true })).toEqual({ pep: true, sanctions: false, adverseMedia: false });
		expect(readAmlFlags('{"sanctions": true}')).toEqual({ pep: false, sanctions: true, adverseMedia: false });
		expect(readAmlFlags(undefined)).toBeUndefined();
		expect(readAmlFlags('')).toBeUndefined();
	});

	it('refuses AML flags that are not true or false', () => {
		expect(() => readAmlFlags({ pep: 'yes' })).toThrow('"AML Flags": pep must be true or false, got "yes"');
		expect(() => readAmlFlags([true])).toThrow('"AML Flags": must be an object {pep, sanctions, adverseMedia} with true or false, got [true]');
	});

	it('reads an expected deposit as an exact decimal', () => {
		expect(readExpectedDeposit(25000.5)).toBe('25000.5');
		expect(readExpectedDeposit('')).toBeUndefined();
		expect(() => readExpectedDeposit('25,000')).toThrow(
			'"Expected Annual Deposit": must be an amount such as "25000" or "25000.50" (no thousands separators or currency), got "25,000"',
		);
		expect(() => readExpectedDeposit('-5')).toThrow('"Expected Annual Deposit": must not be negative, got "-5"');
	});

	it('reads a date of birth as written, also from a date-time at local midnight', () => {
		expect(readCalendarDate('1990-04-01', 'Date of Birth')?.toISODate()).toBe('1990-04-01');
		expect(readCalendarDate('1990-04-01T00:00:00+03:00', 'Date of Birth')?.toISODate()).toBe('1990-04-01');
	});

	it('refuses an unparseable date of birth, naming the field', () => {
		expect(() => readCalendarDate('01/04/1990', 'Date of Birth')).toThrow(
			'"Date of Birth": must be a date such as "1990-04-01" (YYYY-MM-DD), got "01/04/1990"',
		);
		expect(() => readCalendarDate('1990-02-30', 'Date of Birth')).toThrow(FieldError);
	});

	it('refuses an As Of time without an offset: its UTC day would be a guess', () => {
		expect(() => readAsOf('2026-11-26T10:00:00')).toThrow(/^"As Of": must be a date such as "2026-11-26"/);
	});
});

describe('reading the last review date', () => {
	it('is undefined when empty, so the next review counts from As Of', () => {
		expect(readLastReviewDate('')).toBeUndefined();
	});

	it('takes a date-time by its UTC day', () => {
		expect(readLastReviewDate('2026-11-25T20:00:00-05:00')?.toISODate()).toBe('2026-11-26');
	});

	it('refuses a date it cannot read, naming the field', () => {
		expect(() => readLastReviewDate('26.11.2026')).toThrow(/^"Last Review Date": must be a date such as "2026-11-26"/);
	});
});
