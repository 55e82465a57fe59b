import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as getAll from './getAll';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['deal'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			description: 'Read the trades and balance operations of an account or a group over a period, in UTC',
			action: 'Get many deals',
		},
	],
	default: 'getAll',
};

export const deal: Mt5Resource = {
	description: [operation, ...getAll.description],
	operations: { getAll: getAll.execute },
};
