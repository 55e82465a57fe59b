import type { INodeProperties } from 'n8n-workflow';

import type { CTraderResource } from '../types';
import * as create from './create';
import * as equity from './equity';
import * as get from './get';
import * as getMany from './getMany';
import * as update from './update';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Open a trader account', action: 'Create an account' },
		{ name: 'Get', value: 'get', description: 'Read one trader account', action: 'Get an account' },
		{ name: 'Get Equity', value: 'equity', description: 'Read balance, equity and margin of one account', action: 'Get equity and margin' },
		{ name: 'Get Many', value: 'getMany', description: 'List the accounts registered in a time range', action: 'Get many accounts' },
		{
			name: 'Update',
			value: 'update',
			description: 'Change group, leverage, access rights or details; fields left out stay as they are',
			action: 'Update an account',
		},
	],
	default: 'get',
};

export const account: CTraderResource = {
	description: [operation, ...create.description, ...get.description, ...equity.description, ...getMany.description, ...update.description],
	operations: {
		create: create.execute,
		get: get.execute,
		equity: equity.execute,
		getMany: getMany.execute,
		update: update.execute,
	},
};
