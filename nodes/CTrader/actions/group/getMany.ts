import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { listTraderGroups } from '../../transport/reports';
import { includeRawOption, readIncludeRaw } from '../inputs';
import { itemJson, toTraderGroup } from '../mappers';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['group'], operation: ['getMany'] } }, [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const groups = await listTraderGroups(this, readRetryPolicy(this, itemIndex));
	const includeRaw = readIncludeRaw(this, itemIndex);
	return groups.map((group) => itemJson(toTraderGroup(group, { includeRaw })));
}
