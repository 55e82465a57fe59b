import type { INodeProperties } from 'n8n-workflow';

const EXAMPLE_TIERS = JSON.stringify(
	[
		{ name: 'Standard', group: 'real\\standard', minLots: '0' },
		{ name: 'Gold', group: 'real\\gold', minLots: '50' },
		{ name: 'VIP', group: 'real\\vip', minLots: '100' },
	],
	null,
	2,
);

export const tierRulesProperties: INodeProperties[] = [
	{
		displayName:
			'This node decides; it changes nothing. Send its output to a MetaTrader 5 or cTrader step that updates the account group. Low-period counters are remembered between runs only when the workflow is active (e.g. on a schedule), not in manual test runs. Invalid items stop the run unless Settings → On Error is set to "Continue (using error output)".',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'string',
		required: true,
		default: '={{ $now.minus({ months: 1 }).toFormat("yyyy-MM") }}',
		placeholder: '2026-10',
		description:
			'The label of the period the lots were traded in. The default is the previous calendar month. Running the same period again counts it once; run periods in order.',
	},
	{
		displayName: 'Input Items',
		name: 'inputType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Accounts and Deals',
				value: 'deals',
				description:
					'Trading accounts (login, group) and their deals of the period (login, kind, entry, volumeLots) in one input, e.g. the account and deal lists joined by a Merge node. Lots are summed from closing trade deals only (entry out, inout or out_by), so a round trip of 1 lot counts 1 lot. Accounts without deals count 0 lots.',
			},
			{
				name: 'Volume Summaries',
				value: 'summaries',
				description: 'One item per account with its login, current group and lots traded in the period',
			},
		],
		default: 'summaries',
		description: 'What each incoming item is. Include every account of the tiered groups, also those that traded nothing, or they can never be moved down.',
	},
	{
		displayName: 'Login Field',
		name: 'loginField',
		type: 'string',
		default: 'login',
		description: 'Where the account login is in each item; use dots for nested fields (account.login)',
		displayOptions: { show: { inputType: ['summaries'] } },
	},
	{
		displayName: 'Current Group Field',
		name: 'groupField',
		type: 'string',
		default: 'currentGroup',
		description: 'Where the account\'s current platform group is in each item, e.g. a field holding real\\standard',
		displayOptions: { show: { inputType: ['summaries'] } },
	},
	{
		displayName: 'Lots Field',
		name: 'lotsField',
		type: 'string',
		default: 'lots',
		description: 'Where the lots traded in the period are in each item, as a number such as 12.5',
		displayOptions: { show: { inputType: ['summaries'] } },
	},
	{
		displayName: 'Tiers Source',
		name: 'tiersSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'JSON', value: 'json', description: 'Paste the tiers as a JSON list' },
			{ name: 'Table Rows', value: 'rows', description: 'Edit the tiers as rows, one per tier' },
		],
		default: 'rows',
	},
	{
		displayName: 'Tiers',
		name: 'tiers',
		type: 'fixedCollection',
		placeholder: 'Add Tier',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description: 'One row per tier, in any order. An account reaches a tier when its lots in the period are at least the tier\'s minimum.',
		displayOptions: { show: { tiersSource: ['rows'] } },
		options: [
			{
				displayName: 'Tier',
				name: 'tier',
				values: [
					{
						displayName: 'Group',
						name: 'group',
						type: 'string',
						default: '',
						placeholder: 'real\\vip',
						description: 'The platform group of this tier, e.g. real\\vip on MetaTrader 5',
					},
					{
						displayName: 'Minimum Lots per Period',
						name: 'minLots',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						description: 'Lots an account must trade in a period to reach or keep this tier',
					},
					{
						displayName: 'Tier Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'VIP',
						description: 'The name used in the output and the reason, e.g. VIP',
					},
				],
			},
		],
	},
	{
		displayName: 'Tiers (JSON)',
		name: 'tiersJson',
		type: 'json',
		default: EXAMPLE_TIERS,
		description: 'A list of tiers: [{"name", "group", "minLots"}], in any order',
		displayOptions: { show: { tiersSource: ['json'] } },
	},
	{
		displayName: 'Demote After Low Periods',
		name: 'demoteAfterLowPeriods',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 2,
		description:
			'How many periods in a row an account must trade below its tier\'s minimum before it is moved down. 1 moves it down after the first low period; 2 forgives one quiet period. Promotion never waits.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Accounts That Stay',
				name: 'includeUnchanged',
				type: 'boolean',
				default: false,
				description:
					'Whether to also output one item per account that is not moved (direction "none") with the reason: it keeps its tier, it is within the grace period, or its group is not in the tiers table and it is left alone',
			},
			{
				displayName: 'Tier Moves',
				name: 'moves',
				type: 'options',
				options: [
					{
						name: 'One Tier at a Time',
						value: 'oneStep',
						description: 'Move up or down one tier per period',
					},
					{
						name: 'Straight to the Tier Reached',
						value: 'straight',
						description: 'Move straight to the highest tier the lots reach, up or down',
					},
				],
				default: 'straight',
				description: 'How far an account moves in one period',
			},
		],
	},
];
