import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_CHANNEL_RULES, CLICK_ID_PARAMETERS, validateChannelRules, type ChannelRule } from '../../../lib/attribution';
import { FieldError } from '../../../lib/errors';
import { digitsOf, parseCurrencyDigits } from '../../../lib/fees';
import { parsePath } from '../../../lib/mapping';

export interface FieldPath {
	/** What the user typed, used in error messages. */
	name: string;
	path: Array<string | number>;
}

/** The channel table, shown for the operations that classify touchpoints. */
export const channelRulesProperty: INodeProperties = {
	displayName: 'Channel Rules',
	name: 'channelRules',
	type: 'fixedCollection',
	placeholder: 'Add Channel Rule',
	typeOptions: { multipleValues: true, sortable: true },
	default: { rule: DEFAULT_CHANNEL_RULES.map((rule) => ({ ...rule, clickIds: [...rule.clickIds] })) },
	description:
		'How a touchpoint gets its channel. The FIRST row whose every filled-in condition holds wins; no row matching gives "other". Lists are comma-separated: * means any value, (none) means no value, paid* means starting with "paid". A referrer from the landing page\'s own site counts as none.',
	displayOptions: { show: { operation: ['captureTouchpoint', 'attribute'] } },
	options: [
		{
			displayName: 'Rule',
			name: 'rule',
			values: [
				{
					displayName: 'Channel',
					name: 'channel',
					type: 'string',
					default: '',
					placeholder: 'paid_search',
					description: 'The channel a matching touchpoint gets',
				},
				{
					displayName: 'Click IDs',
					name: 'clickIds',
					type: 'multiOptions',
					options: CLICK_ID_PARAMETERS.map((id) => ({ name: id, value: id })),
					default: [],
					description: 'Matches when the landing URL carries one of these click IDs; none selected = no condition',
				},
				{
					displayName: 'Referrer',
					name: 'referrer',
					type: 'string',
					default: '',
					placeholder: 'google, bing, t.co',
					description: 'Referring sites: "t.co" matches t.co and its subdomains, "google" any host named google (www.google.co.uk); * any other site, (none) no referrer; empty = no condition',
				},
				{
					displayName: 'UTM Medium',
					name: 'medium',
					type: 'string',
					default: '',
					placeholder: 'cpc, ppc',
					description: 'Values of utm_medium (case does not matter); empty = no condition',
				},
				{
					displayName: 'UTM Source',
					name: 'source',
					type: 'string',
					default: '',
					placeholder: 'facebook, instagram',
					description: 'Values of utm_source (case does not matter); empty = no condition',
				},
			],
		},
	],
};

export const currencyDecimalsOption: INodeProperties = {
	displayName: 'Currency Decimals',
	name: 'currencyDecimals',
	type: 'string',
	default: '',
	placeholder: 'TRX=6, SOL=9',
	description: 'Decimals of currencies the pack does not know, or to override one, as CURRENCY=DECIMALS separated by commas',
};

export function readChannelRules(ctx: IExecuteFunctions, itemIndex: number): ChannelRule[] {
	return validateChannelRules((ctx.getNodeParameter('channelRules.rule', itemIndex, []) as IDataObject[]) ?? []);
}

/** Decimals of `currency`, with the Currency Decimals option first. */
export function readDigits(ctx: IExecuteFunctions, itemIndex: number, currency: string, field: string): number {
	const extra = parseCurrencyDigits(String(ctx.getNodeParameter('options.currencyDecimals', itemIndex, '') ?? ''));
	return digitsOf(currency, extra, field);
}

export function readFieldPath(ctx: IExecuteFunctions, parameter: string, displayName: string, fallback: string, itemIndex = 0): FieldPath {
	const name = String(ctx.getNodeParameter(parameter, itemIndex, fallback) ?? '').trim();
	if (!name) throw new FieldError(displayName, `is empty; give the field name, e.g. ${fallback}`);
	return { name, path: parsePath(name, displayName) };
}
