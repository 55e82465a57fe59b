import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as create from './create';
import * as get from './get';
import * as update from './update';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['applicant'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Create the applicant a verification runs on', action: 'Create an applicant' },
		{ name: 'Get', value: 'get', description: 'Read an applicant', action: 'Get an applicant' },
		{ name: 'Update', value: 'update', description: "Change an applicant's details", action: 'Update an applicant' },
	],
	default: 'create',
};

export const applicant: NodeResource = {
	description: [operation, ...create.description, ...get.description, ...update.description],
	operations: { create: create.execute, get: get.execute, update: update.execute },
};
