import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as take from './take';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['address'] } },
	options: [
		{ name: 'Take', value: 'take', description: "Get the client's static deposit address for a currency", action: 'Get a deposit address' },
	],
	default: 'take',
};

export const address: NodeResource = { description: [operation, ...take.description], operations: { take: take.execute } };
