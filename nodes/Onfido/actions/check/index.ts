import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as create from './create';
import * as get from './get';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['check'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Start a check with the chosen reports', action: 'Create a check' },
		{ name: 'Get', value: 'get', description: 'Read a check and its reports as a KYC case', action: 'Get a check' },
	],
	default: 'create',
};

export const check: NodeResource = {
	description: [operation, ...create.description, ...get.description],
	operations: { create: create.execute, get: get.execute },
};
