import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as crypto from './crypto';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['withdrawal'] } },
	options: [
		{
			name: 'Send Crypto',
			value: 'crypto',
			description: 'Pay out to a wallet address, exactly once per Withdrawal ID',
			action: 'Send a crypto withdrawal',
		},
	],
	default: 'crypto',
};

export const withdrawal: NodeResource = { description: [operation, ...crypto.description], operations: { crypto: crypto.execute } };
