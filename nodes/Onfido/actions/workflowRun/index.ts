import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as create from './create';
import * as get from './get';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['workflowRun'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Start a verification workflow for an applicant', action: 'Create a workflow run' },
		{ name: 'Get', value: 'get', description: 'Read a workflow run as a KYC case', action: 'Get a workflow run' },
	],
	default: 'create',
};

export const workflowRun: NodeResource = {
	description: [operation, ...create.description, ...get.description],
	operations: { create: create.execute, get: get.execute },
};
