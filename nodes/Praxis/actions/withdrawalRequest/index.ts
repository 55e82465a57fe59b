import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as cancel from './cancel';
import * as complete from './complete';
import * as split from './split';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['withdrawalRequest'] } },
	options: [
		{ name: 'Cancel', value: 'cancel', description: 'Refuse a withdrawal request whose processing has not started', action: 'Cancel a withdrawal request' },
		{ name: 'Complete', value: 'complete', description: 'Approve a withdrawal request so Praxis pays it out', action: 'Complete a withdrawal request' },
		{ name: 'Split', value: 'split', description: 'Carve part of a withdrawal request into a new request', action: 'Split a withdrawal request' },
	],
	default: 'complete',
};

export const withdrawalRequest: NodeResource = {
	description: [operation, ...complete.description, ...cancel.description, ...split.description],
	operations: { complete: complete.execute, cancel: cancel.execute, split: split.execute },
};
