import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as find from './find';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['order'] } },
	options: [{ name: 'Find', value: 'find', description: 'Read an order with its transactions', action: 'Find an order' }],
	default: 'find',
};

export const order: NodeResource = {
	description: [operation, ...find.description],
	operations: { find: find.execute },
};
