import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy, type RetryPolicy } from '../../../../lib/retryOptions';
import { listTraderGroups, listTraders } from '../../transport/reports';
import { fieldError, includeRawOption, readIncludeRaw, readText, readUtcRange, utcRangeProperties } from '../inputs';
import { itemJson, toTradingAccount } from '../mappers';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['account'], operation: ['getMany'] } }, [
	{
		displayName: 'Lists the accounts by registration time: cTrader filters trader lists by when they were opened.',
		name: 'registrationNotice',
		type: 'notice',
		default: '',
	},
	...utcRangeProperties('registration times'),
	{
		displayName: 'Group',
		name: 'groupName',
		type: 'string',
		default: '',
		placeholder: 'Standard',
		description: 'Only accounts in this trader group (by name); empty for every group',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
]);

/** cTrader filters trader lists by group id; people know groups by name. */
async function groupIdOf(ctx: IExecuteFunctions, itemIndex: number, name: string, policy: RetryPolicy): Promise<string> {
	const groups = await listTraderGroups(ctx, policy);
	const match = groups.find((group) => String(group.name ?? '') === name) ?? groups.find((group) => String(group.name ?? '').toLowerCase() === name.toLowerCase());
	if (!match) {
		const known = groups.map((group) => String(group.name ?? '')).filter(Boolean);
		throw fieldError(ctx, itemIndex, 'Group', `cTrader has no trader group "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
	}
	return String(match.id);
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const policy = readRetryPolicy(this, itemIndex);
	const range = readUtcRange(this, itemIndex);
	const groupName = readText(this, itemIndex, 'groupName');
	const groupId = groupName ? await groupIdOf(this, itemIndex, groupName, policy) : undefined;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const limit = returnAll ? undefined : Number(this.getNodeParameter('limit', itemIndex, 50));
	const traders = await listTraders(this, { ...range, groupId, limit }, policy);
	const includeRaw = readIncludeRaw(this, itemIndex);
	return traders.map((trader) => itemJson(toTradingAccount(trader, { includeRaw })));
}
