import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request } from '../../transport';
import { includeRawOption, readIncludeRaw, readRequiredText } from '../account/inputs';
import { toTradingGroup, type Mt5Record } from '../mappers';

const properties: INodeProperties[] = [
	{
		displayName: 'Group',
		name: 'group',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'real\\standard',
		description: 'The group path, with its backslash, e.g. real\\standard',
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

export const description = updateDisplayOptions({ show: { resource: ['group'], operation: ['get'] } }, properties);

/** `/api/group/get?group=…` (`webapi_group_get`); an unknown group is retcode 13. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const policy = readRetryPolicy(this, itemIndex);
	const group = readRequiredText(this, itemIndex, 'group', 'Group', 'real\\standard');
	const { answer } = await mt5Request(this, { path: '/api/group/get', query: { group }, idempotent: true }, `read group ${group}`, policy);
	return toTradingGroup(answer as Mt5Record, { includeRaw: readIncludeRaw(this, itemIndex) }) as unknown as IDataObject;
}
