import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_GRACE_MINUTES, DEFAULT_KEY_PROVIDERS } from '../../lib/reconciliation';

export const reconciliationProperties: INodeProperties[] = [
	{
		displayName:
			'Each item is one reconciliation: the PSP transactions, the platform\'s balance deals and the CRM\'s transactions of a period, matched on the key our templates write (praxis:8823, praxis:withdrawal:WD-9, praxis:8823:chargeback). The node changes nothing. Findings leaves one item per difference (kind, key, amounts per system and what to do); Summary leaves one item per reconciliation with the counts, totals per system and clean true or false. Turn on Settings → Execute Once when the lists are read with $(\'Node\').all().',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'PSP Transactions',
		name: 'pspTransactions',
		type: 'json',
		default: '={{ $json.pspTransactions }}',
		description:
			'The payment provider\'s transactions as the Praxis and CoinsPaid nodes output them (transactionId, source, type, status, gross, net, idempotencyKey, updatedAtUtc). A list, or n8n items such as {{ $(\'Praxis\').all() }}.',
		hint: 'Include the transactions from one grace before the period: they recognise credits made just after midnight',
	},
	{
		displayName: 'Platform Deals',
		name: 'deals',
		type: 'json',
		default: '={{ $json.deals }}',
		description:
			'The trading platform\'s balance deals as the MetaTrader 5 node outputs them (dealId, login, kind, profit, comment, timeUtc). Read them from one grace before the period to one grace after it.',
	},
	{
		displayName: 'CRM Transactions',
		name: 'crmTransactions',
		type: 'json',
		default: '={{ $json.crmTransactions }}',
		description:
			'The CRM\'s transactions (reference, type, amount, currency, status, client_id, login). Those without a reference are left out; the others are found by reference, whatever their date.',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'UTC Day', value: 'day', description: 'From midnight to midnight, UTC' },
			{ name: 'From and To', value: 'range', description: 'Any period, as two date-times' },
		],
		default: 'day',
		description: 'Which PSP transactions and deals are compared',
	},
	{
		displayName: 'Day',
		name: 'day',
		type: 'string',
		default: '={{ $now.toUTC().minus({ days: 1 }).toFormat(\'yyyy-MM-dd\') }}',
		placeholder: '2026-11-25',
		description: 'The UTC day to reconcile, YYYY-MM-DD; by default yesterday',
		displayOptions: { show: { period: ['day'] } },
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: '2026-11-25T00:00:00Z',
		description: 'The start of the period, ISO-8601 with an offset or Z',
		displayOptions: { show: { period: ['range'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: '2026-11-26T00:00:00Z',
		description: 'The end of the period (not included), ISO-8601 with an offset or Z',
		displayOptions: { show: { period: ['range'] } },
	},
	{
		displayName: 'Grace (Minutes)',
		name: 'graceMinutes',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1440 },
		default: DEFAULT_GRACE_MINUTES,
		description:
			'Deals this long before or after the period still match its PSP transactions, so a deposit that succeeded at 23:50 and was credited at 00:10 is not reported missing',
	},
	{
		displayName: 'Key Providers',
		name: 'keyProviders',
		type: 'string',
		default: DEFAULT_KEY_PROVIDERS,
		placeholder: DEFAULT_KEY_PROVIDERS,
		description:
			'Providers whose keys the deals carry as comment, separated by commas: a deal whose comment starts with one of them and a colon is ours and is checked; other deals (booked by hand) are left out',
	},
];
