import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request } from '../../transport';
import { includeRawOption, readIncludeRaw, readRequiredText } from '../account/inputs';
import { toTradingGroup, type Mt5Record } from '../mappers';

const properties: INodeProperties[] = [
	{
		displayName: 'Group Mask',
		name: 'groupMask',
		type: 'string',
		default: '*',
		required: true,
		placeholder: 'real*',
		description: 'Which groups: * matches any characters, commas separate patterns and a leading ! excludes one',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['getAll'] } }, properties);

/** `/api/group/get?mask=…` (`webapi_group_get`), one item per group. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const policy = readRetryPolicy(this, itemIndex);
	const mask = readRequiredText(this, itemIndex, 'groupMask', 'Group Mask', '* or real*');
	const { answer } = await mt5Request(this, { path: '/api/group/get', query: { mask }, idempotent: true }, `read groups ${mask}`, policy);
	const includeRaw = readIncludeRaw(this, itemIndex);
	const groups = Array.isArray(answer) ? (answer as Mt5Record[]) : answer ? [answer as Mt5Record] : [];
	return groups.map((group) => toTradingGroup(group, { includeRaw }) as unknown as IDataObject);
}
