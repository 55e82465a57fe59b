import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as getAll from './getAll';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['position'] } },
	options: [
		{
			name: 'Get Many',
			value: 'getAll',
			description: 'Read the open positions of accounts or a group',
			action: 'Get many open positions',
		},
	],
	default: 'getAll',
};

export const position: Mt5Resource = {
	description: [operation, ...getAll.description],
	operations: { getAll: getAll.execute },
};
