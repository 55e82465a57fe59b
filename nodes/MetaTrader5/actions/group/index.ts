import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as get from './get';
import * as getAll from './getAll';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['group'] } },
	options: [
		{
			name: 'Get',
			value: 'get',
			description: "Read one group's currency, margin call and stop-out levels",
			action: 'Get a group',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			description: 'Read the groups that match a mask',
			action: 'Get many groups',
		},
	],
	default: 'get',
};

export const group: Mt5Resource = {
	description: [operation, ...get.description, ...getAll.description],
	operations: { get: get.execute, getAll: getAll.execute },
};
