import type { INodeProperties } from 'n8n-workflow';

import type { BatchedResource } from '../resources';
import * as send from './send';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['event'] } },
	options: [
		{
			name: 'Send',
			value: 'send',
			description: 'Send server events (registration, lead, first-time deposit) with hashed customer data, in batches of up to 1,000',
			action: 'Send server events',
		},
	],
	default: 'send',
};

export const event: BatchedResource = { description: [operation, ...send.description], operations: { send: send.execute } };
