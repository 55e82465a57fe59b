import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as generate from './generate';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['sdkToken'] } },
	options: [{ name: 'Generate', value: 'generate', description: 'Issue a token the Onfido SDK opens the verification with', action: 'Generate an SDK token' }],
	default: 'generate',
};

export const sdkToken: NodeResource = { description: [operation, ...generate.description], operations: { generate: generate.execute } };
