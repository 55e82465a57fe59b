import type { IExecuteFunctions } from 'n8n-workflow';

import {
	DEFAULT_REVIEW_INTERVAL_MONTHS,
	FATF_BLACK_LIST,
	FATF_GREY_LIST,
	readAmlFlags,
	readAnswer,
	readAnswerTable,
	readAsOf,
	readBands,
	readCalendarDate,
	readCountry,
	readCountryLists,
	readExpectedDeposit,
	readLastReviewDate,
	readPoints,
	readReviewMonths,
	readThresholds,
	type RiskInput,
	type RiskSettings,
} from '../../lib/riskScore';

/**
 * The scoring settings for one item. Read per item, not once, like Withdrawal Checks: a weight may be
 * an expression over the item, and a bad setting then fails each item on its own through runPerItem
 * (onto the error output in the continue modes) instead of the node throwing, which in those modes
 * would make n8n pass the input items on unscored.
 */
export function readRiskSettings(ctx: IExecuteFunctions, itemIndex: number): RiskSettings {
	const parameter = (name: string, fallback: unknown) => ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	const points = (name: string, displayName: string, fallback: number) => readPoints(parameter(name, fallback), displayName);
	const lists = readCountryLists(parameter('blackList', FATF_BLACK_LIST), parameter('greyList', FATF_GREY_LIST));
	return {
		...lists,
		blackListPoints: points('blackListPoints', 'Black List Points', 20),
		greyListPoints: points('greyListPoints', 'Grey List Points', 10),
		blackListOverride: parameter('blackListOverride', true) !== false,
		greyListOverride: parameter('greyListOverride', false) === true,
		checkNationality: parameter('checkNationality', false) === true,
		unknownCountryPoints: points('unknownCountryPoints', 'Unknown Country Points', 10),

		sanctionsOverride: parameter('sanctionsOverride', true) !== false,
		sanctionsPoints: points('sanctionsPoints', 'Sanctions Points', 20),
		pepPoints: points('pepPoints', 'PEP Points', 10),
		pepOverride: parameter('pepOverride', false) === true,
		adverseMediaPoints: points('adverseMediaPoints', 'Adverse Media Points', 8),
		unknownScreeningPoints: points('unknownScreeningPoints', 'Unknown Screening Points', 10),

		purposeAnswers: readAnswerTable(parameter('purposePoints.answer', []), 'Purpose Points'),
		unknownPurposePoints: points('unknownPurposePoints', 'Unknown Purpose Points', 4),
		experienceAnswers: readAnswerTable(parameter('tradingExperiencePoints.answer', []), 'Trading Experience Points'),
		unknownExperiencePoints: points('unknownTradingExperiencePoints', 'Unknown Trading Experience Points', 2),
		unlistedAnswersAsUnknown: parameter('unlistedAnswers', 'error') === 'unknown',

		depositBands: readBands(parameter('depositBands.band', []), 'Deposit Bands', { wholeNumbers: false, unit: '' }),
		unknownDepositPoints: points('unknownDepositPoints', 'Unknown Deposit Points', 8),
		ageBands: readBands(parameter('ageBands.band', []), 'Age Bands', { wholeNumbers: true, unit: ' years' }),
		unknownAgePoints: points('unknownAgePoints', 'Unknown Age Points', 2),

		...readThresholds(parameter('mediumFrom', 16), parameter('highAbove', 32)),
		reviewIntervalMonths: {
			high: readReviewMonths(parameter('reviewMonthsHigh', DEFAULT_REVIEW_INTERVAL_MONTHS.high), 'Review Every (Months) if High'),
			medium: readReviewMonths(parameter('reviewMonthsMedium', DEFAULT_REVIEW_INTERVAL_MONTHS.medium), 'Review Every (Months) if Medium'),
			low: readReviewMonths(parameter('reviewMonthsLow', DEFAULT_REVIEW_INTERVAL_MONTHS.low), 'Review Every (Months) if Low'),
		},
	};
}

/** One client's answers, each checked and named by the parameter it came through. */
export function readRiskInput(ctx: IExecuteFunctions, itemIndex: number, settings: RiskSettings): RiskInput {
	const parameter = (name: string) => ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const dateOfBirth = readCalendarDate(parameter('dateOfBirth'), 'Date of Birth');
	return {
		country: readCountry(parameter('country'), 'Country of Residence'),
		nationality: settings.checkNationality ? readCountry(parameter('nationality'), 'Nationality') : undefined,
		amlFlags: readAmlFlags(parameter('amlFlags'), 'AML Flags'),
		purpose: readAnswer(parameter('purpose'), 'Purpose of the Relationship'),
		tradingExperience: readAnswer(parameter('tradingExperience'), 'Trading Experience'),
		expectedDeposit: readExpectedDeposit(parameter('expectedAnnualDeposit'), 'Expected Annual Deposit'),
		dateOfBirth: dateOfBirth?.toISODate() ?? undefined,
		asOf: readAsOf(parameter('asOf'), 'As Of'),
		lastReviewDate: readLastReviewDate(parameter('lastReviewDate'), 'Last Review Date'),
	};
}
