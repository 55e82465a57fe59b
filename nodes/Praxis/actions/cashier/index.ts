import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as createDepositSession from './createDepositSession';
import * as createWithdrawalSession from './createWithdrawalSession';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['cashier'] } },
	options: [
		{
			name: 'Create Deposit Session',
			value: 'createDepositSession',
			description: 'Open the Praxis cashier for a deposit; returns the URL to send the client to',
			action: 'Create a deposit session',
		},
		{
			name: 'Create Withdrawal Session',
			value: 'createWithdrawalSession',
			description: 'Open the Praxis cashier for a withdrawal request; returns the URL to send the client to',
			action: 'Create a withdrawal session',
		},
	],
	default: 'createDepositSession',
};

export const cashier: NodeResource = {
	description: [operation, ...createDepositSession.description, ...createWithdrawalSession.description],
	operations: { createDepositSession: createDepositSession.execute, createWithdrawalSession: createWithdrawalSession.execute },
};
