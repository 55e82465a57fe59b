import type { INodeProperties } from 'n8n-workflow';

const EXAMPLE_RULES = JSON.stringify(
	[
		{ provider: 'praxis', method: 'card', currency: '*', direction: 'deposit', percent: '2.5', fixed: '0.30', borneBy: 'client' },
		{ provider: 'praxis', method: '*', currency: '*', direction: 'withdrawal', percent: '0', fixed: '5', borneBy: 'client' },
		{ provider: 'coinspaid', method: '*', currency: '*', direction: '*', percent: '1', minimum: '', maximum: '', borneBy: 'broker' },
	],
	null,
	2,
);

const amountField = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: '0.30',
	description,
});

export const feeCalculatorProperties: INodeProperties[] = [
	{
		displayName:
			'Each item is a transaction (gross amount, currency, provider, method, deposit or withdrawal). A fee the PSP reported wins over the table. Amounts are exact decimals; the table fee is rounded half-up to the currency\'s decimals and never exceeds the gross.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Gross Amount Field',
		name: 'grossAmountField',
		type: 'string',
		default: 'gross.amount',
		description: 'Where the gross amount (before fees, major units such as 100.50) is in each item; use dots for nested fields',
	},
	{
		displayName: 'Currency Field',
		name: 'currencyField',
		type: 'string',
		default: 'gross.currency',
		description: 'Where the currency of the gross amount is in each item, e.g. USD or BTC',
	},
	{
		displayName: 'Provider Field',
		name: 'providerField',
		type: 'string',
		default: 'source',
		description: 'Where the payment provider is in each item, e.g. praxis or coinspaid',
	},
	{
		displayName: 'Method Field',
		name: 'methodField',
		type: 'string',
		default: 'method',
		description: 'Where the payment method is in each item, e.g. card or btc. An item without a method matches only rules for any method (*).',
	},
	{
		displayName: 'Direction Field',
		name: 'directionField',
		type: 'string',
		default: 'type',
		description: 'Where the direction is in each item: deposit or withdrawal',
	},
	{
		displayName: 'PSP Fee Field',
		name: 'pspFeeField',
		type: 'string',
		default: 'fee',
		description:
			'Where a fee reported by the PSP is in each item, in major units of the gross currency: an amount, an object with amount and currency, or a list of them (CoinsPaid fees[]). When it is present it wins over the table; leave empty to always use the table.',
	},
	{
		displayName: 'Fee Rules Source',
		name: 'rulesSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'JSON', value: 'json', description: 'Paste the fee rules as a JSON list' },
			{ name: 'Table Rows', value: 'rows', description: 'Edit the fee rules as rows, one per rule' },
		],
		default: 'rows',
	},
	{
		displayName: 'Fee Rules',
		name: 'feeRules',
		type: 'fixedCollection',
		placeholder: 'Add Fee Rule',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description:
			'One row per fee rule. Leave a selector empty or write * to match anything. The most specific rule wins: the one naming the most of provider, method, currency and direction; on a tie provider counts first, then method, currency, direction; then the earlier row.',
		displayOptions: { show: { rulesSource: ['rows'] } },
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{
						displayName: 'Borne By',
						name: 'borneBy',
						type: 'options',
						options: [
							{ name: 'Broker', value: 'broker', description: 'The client is credited the gross; the fee is the broker\'s cost' },
							{ name: 'Client', value: 'client', description: 'The fee is deducted: net = gross − fee' },
						],
						default: 'client',
						description: 'Who pays the fee',
					},
					{
						displayName: 'Currency',
						name: 'currency',
						type: 'string',
						default: '*',
						placeholder: 'USD',
						description: 'The currency of the gross, or * for any. Fixed, minimum and maximum are in this currency.',
					},
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Any', value: '*' },
							{ name: 'Deposit', value: 'deposit' },
							{ name: 'Withdrawal', value: 'withdrawal' },
						],
						default: '*',
						description: 'Whether the rule is for deposits, withdrawals or both',
					},
					amountField('Fixed Fee', 'fixed', 'A fixed amount added to the percentage, e.g. 0.30; empty is 0'),
					amountField('Maximum Fee', 'maximum', 'The most this rule charges, e.g. 25; empty is no maximum'),
					{
						displayName: 'Method',
						name: 'method',
						type: 'string',
						default: '*',
						placeholder: 'card',
						description: 'The payment method, or * for any',
					},
					amountField('Minimum Fee', 'minimum', 'The least this rule charges, e.g. 1; empty is no minimum'),
					{
						displayName: 'Percent',
						name: 'percent',
						type: 'string',
						default: '0',
						placeholder: '2.5',
						description: 'The percentage of the gross, e.g. 2.5 for 2.5 %',
					},
					{
						displayName: 'Provider',
						name: 'provider',
						type: 'string',
						default: '*',
						placeholder: 'praxis',
						description: 'The payment provider as the transaction names it, or * for any',
					},
				],
			},
		],
	},
	{
		displayName: 'Fee Rules (JSON)',
		name: 'feeRulesJson',
		type: 'json',
		default: EXAMPLE_RULES,
		description:
			'A list of rules: [{"provider", "method", "currency", "direction", "percent", "fixed", "minimum", "maximum", "borneBy"}]. Amounts as strings; * or a missing selector matches anything.',
		displayOptions: { show: { rulesSource: ['json'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Currency Decimals',
				name: 'currencyDecimals',
				type: 'string',
				default: '',
				placeholder: 'TRX=6, SOL=9',
				description: 'Decimals of currencies the pack does not know, or to override one, as CURRENCY=DECIMALS separated by commas',
			},
			{
				displayName: 'PSP Fee Borne By',
				name: 'pspFeeBorneBy',
				type: 'options',
				options: [
					{ name: 'Broker', value: 'broker' },
					{ name: 'Client', value: 'client' },
				],
				default: 'client',
				description: 'Who pays a PSP-reported fee when no rule matches the transaction (a matching rule decides otherwise)',
			},
			{
				displayName: 'Require a Rule',
				name: 'requireRule',
				type: 'boolean',
				default: true,
				description:
					'Whether a transaction without a PSP-reported fee and without a matching rule is an error. When off, it gets a zero fee and feeSource "none".',
			},
		],
	},
];
