import type { INodeProperties } from 'n8n-workflow';

import type { CTraderResource } from '../types';
import * as getMany from './getMany';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['deal'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'List the closing deals of one account or of all, over a UTC range',
			action: 'Get many deals',
		},
	],
	default: 'getMany',
};

export const deal: CTraderResource = {
	description: [operation, ...getMany.description],
	operations: { getMany: getMany.execute },
};
