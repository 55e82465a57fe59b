import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as create from './create';
import * as get from './get';
import * as getAll from './getAll';
import * as getEquity from './getEquity';
import * as update from './update';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Open a trading account; returns its login and passwords',
			action: 'Create an account',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Read one account with its balance, equity and margin',
			action: 'Get an account',
		},
		{
			name: 'Get Equity',
			value: 'getEquity',
			description: 'Read balance, credit, equity and margin of one account or many',
			action: 'Get equity and margin',
		},
		{
			name: 'Get Many',
			value: 'getAll',
			description: 'Read the accounts of a group mask or a list of logins',
			action: 'Get many accounts',
		},
		{
			name: 'Update',
			value: 'update',
			description: 'Change group, leverage or client details',
			action: 'Update an account',
		},
	],
	default: 'get',
};

export const account: Mt5Resource = {
	description: [
		operation,
		...create.description,
		...get.description,
		...getAll.description,
		...getEquity.description,
		...update.description,
	],
	operations: {
		create: create.execute,
		get: get.execute,
		getAll: getAll.execute,
		getEquity: getEquity.execute,
		update: update.execute,
	},
};
