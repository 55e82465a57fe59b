import type { INodeProperties } from 'n8n-workflow';

import type { BatchedResource } from '../resources';
import * as add from './add';
import * as remove from './remove';
import * as replace from './replace';
import { description } from './users';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['audience'] } },
	options: [
		{ name: 'Add Users', value: 'add', description: 'Add consenting clients to a Custom Audience', action: 'Add users to an audience' },
		{ name: 'Remove Users', value: 'remove', description: 'Remove clients, e.g. after an opt-out or erasure request', action: 'Remove users from an audience' },
		{
			name: 'Replace Users',
			value: 'replace',
			description: 'Make the input the whole audience: one session across batches, swapped in when the last batch arrives',
			action: 'Replace the users of an audience',
		},
	],
	default: 'add',
};

export const audience: BatchedResource = {
	description: [operation, ...description],
	operations: { add: add.execute, remove: remove.execute, replace: replace.execute },
};
