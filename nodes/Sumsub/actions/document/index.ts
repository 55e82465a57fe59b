import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as add from './add';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['document'] } },
	options: [{ name: 'Add', value: 'add', description: 'Upload an ID document image or scan from a binary property', action: 'Add a document' }],
	default: 'add',
};

export const document: NodeResource = {
	description: [operation, ...add.description],
	operations: { add: add.execute },
};
