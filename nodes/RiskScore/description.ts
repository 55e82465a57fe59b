import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_AGE_BANDS,
	DEFAULT_DEPOSIT_BANDS,
	DEFAULT_EXPERIENCE_ANSWERS,
	DEFAULT_PURPOSE_ANSWERS,
	FATF_BLACK_LIST,
	FATF_GREY_LIST,
	FATF_LISTS_AS_OF,
	type AnswerPoints,
	type PointsBand,
} from '../../lib/riskScore';

const pointsField = (displayName: string, name: string, fallback: number, description: string, extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 2 },
	default: fallback,
	description,
	...extra,
});

const answerRows = (rows: AnswerPoints[]) => rows.map((row) => ({ answer: row.answer, points: Number(row.points) }));
const bandRows = (rows: PointsBand[]) => rows.map((row) => ({ from: row.from, to: row.to ?? '', points: Number(row.points) }));

const answerTable = (displayName: string, name: string, rows: AnswerPoints[], description: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	placeholder: 'Add Answer',
	typeOptions: { multipleValues: true, sortable: true },
	default: { answer: answerRows(rows) },
	description,
	options: [
		{
			displayName: 'Answer',
			name: 'answer',
			values: [
				{
					displayName: 'Answer',
					name: 'answer',
					type: 'string',
					default: '',
					description: 'The answer as the questionnaire or CRM gives it; case and extra spaces do not matter',
				},
				{
					displayName: 'Points',
					name: 'points',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 0,
					description: 'Points this answer adds, 0 or more',
				},
			],
		},
	],
});

const bandTable = (displayName: string, name: string, rows: PointsBand[], description: string, placeholders: { from: string; to: string }): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	placeholder: 'Add Band',
	typeOptions: { multipleValues: true, sortable: true },
	default: { band: bandRows(rows) },
	description,
	options: [
		{
			displayName: 'Band',
			name: 'band',
			values: [
				{
					displayName: 'From',
					name: 'from',
					type: 'string',
					default: '0',
					placeholder: placeholders.from,
					description: 'The lowest value in the band (included)',
				},
				{
					displayName: 'Points',
					name: 'points',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 0,
					description: 'Points a value in this band adds, 0 or more',
				},
				{
					displayName: 'To',
					name: 'to',
					type: 'string',
					default: '',
					placeholder: placeholders.to,
					description: 'The first value above the band (not included); empty for no upper limit',
				},
			],
		},
	],
});

export const riskScoreProperties: INodeProperties[] = [
	{
		displayName:
			'Each item is one client. The node changes nothing: it adds risk (level low, medium or high, the score, every reason, what overrode the points, and the next review date). A missing answer is scored as "unknown" and listed. Invalid items or settings stop the run unless Settings → On Error is set to "Continue (using error output)".',
		name: 'notice',
		type: 'notice',
		default: '',
	},

	// The client's answers, read from the item.
	{
		displayName: 'Country of Residence',
		name: 'country',
		type: 'string',
		default: '={{ $json.country }}',
		placeholder: 'CY',
		description: 'The client\'s country of residence as an ISO 3166-1 alpha-2 code such as CY; empty is scored as unknown',
	},
	{
		displayName: 'Check Nationality',
		name: 'checkNationality',
		type: 'boolean',
		default: false,
		description: 'Whether to check the client\'s nationality against the FATF lists too (counted once when it is the country of residence)',
	},
	{
		displayName: 'Nationality',
		name: 'nationality',
		type: 'string',
		default: '={{ $json.nationality }}',
		placeholder: 'IR',
		description: 'The client\'s nationality as an ISO 3166-1 alpha-2 code; empty is scored as unknown',
		displayOptions: { show: { checkNationality: [true] } },
	},
	{
		displayName: 'AML Flags',
		name: 'amlFlags',
		type: 'json',
		default: '={{ $json.kyc?.amlFlags }}',
		description:
			'The KYC vendor\'s screening result {pep, sanctions, adverseMedia} with true or false, e.g. a Sumsub or Onfido step\'s amlFlags. A flag left out is no hit; nothing at all means the client was not screened and is scored as unknown.',
	},
	{
		displayName: 'Purpose of the Relationship',
		name: 'purpose',
		type: 'string',
		default: '={{ $json.purpose }}',
		placeholder: 'Speculation',
		description: 'The client\'s answer to "why do you open this account", one of the answers in Purpose Points',
	},
	{
		displayName: 'Trading Experience',
		name: 'tradingExperience',
		type: 'string',
		default: '={{ $json.tradingExperience }}',
		placeholder: 'Less than 1 year',
		description: 'The client\'s answer about experience with leveraged products, one of the answers in Trading Experience Points',
	},
	{
		displayName: 'Expected Annual Deposit',
		name: 'expectedAnnualDeposit',
		type: 'string',
		default: '={{ $json.expectedAnnualDeposit }}',
		placeholder: '25000',
		description: 'How much the client expects to deposit per year, as a number such as 25000 in the currency of Deposit Bands (no thousands separators)',
	},
	{
		displayName: 'Date of Birth',
		name: 'dateOfBirth',
		type: 'string',
		default: '={{ $json.dateOfBirth }}',
		placeholder: '1990-04-01',
		description: 'The client\'s date of birth, YYYY-MM-DD',
	},
	{
		displayName: 'As Of',
		name: 'asOf',
		type: 'string',
		default: '={{ $now.toISO() }}',
		placeholder: '2026-11-26',
		description: 'The day the score is for (UTC): ages are counted on it and, without a Last Review Date, the next review counts from it. The default is now.',
	},
	{
		displayName: 'Last Review Date',
		name: 'lastReviewDate',
		type: 'string',
		default: '',
		placeholder: '2026-11-26',
		description: 'The date of this review, YYYY-MM-DD, the next review date counts from; empty is the As Of day',
	},

	// Country risk.
	{
		displayName: 'FATF Black List',
		name: 'blackList',
		type: 'string',
		default: FATF_BLACK_LIST,
		placeholder: FATF_BLACK_LIST,
		description: 'FATF High-Risk Jurisdictions subject to a Call for Action, as ISO 3166-1 alpha-2 codes separated by commas',
		hint: `FATF list as of ${FATF_LISTS_AS_OF} (plenary 17–19 June 2026): DPRK, Iran, Myanmar. FATF updates it in February, June and October: check fatf-gafi.org and edit.`,
	},
	{
		displayName: 'FATF Grey List',
		name: 'greyList',
		type: 'string',
		default: FATF_GREY_LIST,
		placeholder: 'KE, VN, YE',
		description: 'FATF Jurisdictions under Increased Monitoring, as ISO 3166-1 alpha-2 codes separated by commas',
		hint: `FATF list as of ${FATF_LISTS_AS_OF} (plenary 17–19 June 2026), 22 jurisdictions. FATF updates it in February, June and October: check fatf-gafi.org and edit.`,
	},
	pointsField('Black List Points', 'blackListPoints', 20, 'Points for a country on the FATF Black List'),
	{
		displayName: 'Black List Country Is High',
		name: 'blackListOverride',
		type: 'boolean',
		default: true,
		description: 'Whether a client from a country on the FATF Black List is High regardless of points (the reference\'s "high-risk country list → auto High")',
	},
	pointsField('Grey List Points', 'greyListPoints', 10, 'Points for a country on the FATF Grey List'),
	{
		displayName: 'Grey List Country Is High',
		name: 'greyListOverride',
		type: 'boolean',
		default: false,
		description: 'Whether a client from a country on the FATF Grey List is High regardless of points. FATF does not ask for enhanced due diligence on grey-list countries, so this is off by default.',
	},
	pointsField('Unknown Country Points', 'unknownCountryPoints', 10, 'Points when the country (or the nationality, when checked) is not given; the default equals the grey-list points'),

	// Screening.
	{
		displayName: 'Sanctions Hit Is High',
		name: 'sanctionsOverride',
		type: 'boolean',
		default: true,
		description: 'Whether a sanctions hit makes the client High regardless of points',
	},
	pointsField('Sanctions Points', 'sanctionsPoints', 20, 'Points for a sanctions hit'),
	pointsField('PEP Points', 'pepPoints', 10, 'Points for a politically exposed person'),
	{
		displayName: 'PEP Is High',
		name: 'pepOverride',
		type: 'boolean',
		default: false,
		description: 'Whether a politically exposed person is High regardless of points',
	},
	pointsField('Adverse Media Points', 'adverseMediaPoints', 8, 'Points when screening found adverse media'),
	pointsField('Unknown Screening Points', 'unknownScreeningPoints', 10, 'Points when no screening result (AML Flags) is given'),

	// Questionnaire.
	answerTable(
		'Purpose Points',
		'purposePoints',
		DEFAULT_PURPOSE_ANSWERS,
		'Points per answer to the purpose of the relationship. Defaults: the Sumsub CFD conformance sample (Speculation 4, Hedging 3, Short-term 2, Investment 1, Long-term 0).',
	),
	pointsField('Unknown Purpose Points', 'unknownPurposePoints', 4, 'Points when the purpose is not given; the default equals the riskiest answer'),
	answerTable('Trading Experience Points', 'tradingExperiencePoints', DEFAULT_EXPERIENCE_ANSWERS, 'Points per answer about trading experience'),
	pointsField('Unknown Trading Experience Points', 'unknownTradingExperiencePoints', 2, 'Points when the trading experience is not given; the default equals the riskiest answer'),
	{
		displayName: 'Answer Not in the Table',
		name: 'unlistedAnswers',
		type: 'options',
		options: [
			{ name: 'Error', value: 'error', description: 'The item fails, naming the field and the answers the table knows' },
			{ name: 'Score as Unknown', value: 'unknown', description: 'The answer gets the unknown points and is listed as a reason' },
		],
		default: 'error',
		description: 'What to do with a purpose or experience answer that is given but not in its table (a new CRM answer or a typo)',
	},

	// Bands.
	bandTable(
		'Deposit Bands',
		'depositBands',
		DEFAULT_DEPOSIT_BANDS,
		'Points by expected annual deposit. From is included, To is not; bands may leave gaps (no points) but must not overlap.',
		{ from: '10000', to: '50000' },
	),
	pointsField('Unknown Deposit Points', 'unknownDepositPoints', 8, 'Points when the expected annual deposit is not given; the default equals the highest band'),
	bandTable(
		'Age Bands',
		'ageBands',
		DEFAULT_AGE_BANDS,
		'Points by age in whole years on the As Of day. From is included, To is not: 0 to 21 is under 21, From 76 is over 75. Ages in no band add nothing.',
		{ from: '76', to: '' },
	),
	pointsField('Unknown Age Points', 'unknownAgePoints', 2, 'Points when no date of birth is given'),

	// Levels and reviews.
	pointsField('Medium From (Points)', 'mediumFrom', 16, 'A score at or above this is medium (the reference sample: Low < 16, Medium 16–32)'),
	pointsField('High Above (Points)', 'highAbove', 32, 'A score above this is high (the reference sample: High > 32)'),
	{
		displayName: 'Review Every (Months) if High',
		name: 'reviewMonthsHigh',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 120 },
		default: 12,
		description: 'Months from the last review to the next for a high-risk client (industry practice: yearly)',
	},
	{
		displayName: 'Review Every (Months) if Medium',
		name: 'reviewMonthsMedium',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 120 },
		default: 24,
		description: 'Months from the last review to the next for a medium-risk client (industry practice: 24 to 36)',
	},
	{
		displayName: 'Review Every (Months) if Low',
		name: 'reviewMonthsLow',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 120 },
		default: 60,
		description: 'Months from the last review to the next for a low-risk client (industry practice: 36 to 60)',
	},
];
