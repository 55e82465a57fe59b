import type { INodeProperties } from 'n8n-workflow';

import type { CTraderResource } from '../types';
import * as apply from './apply';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['balance'] } },
	options: [
		{
			name: 'Credit In',
			value: 'creditIn',
			description: 'Give the account credit (cTrader: non-withdrawable bonus)',
			action: 'Give credit',
		},
		{
			name: 'Credit Out',
			value: 'creditOut',
			description: 'Take back credit (cTrader: non-withdrawable bonus)',
			action: 'Take back credit',
		},
		{ name: 'Deposit', value: 'deposit', description: 'Credit a deposit to the account balance', action: 'Credit a deposit' },
		{ name: 'Withdrawal', value: 'withdrawal', description: 'Debit a withdrawal from the account balance', action: 'Debit a withdrawal' },
	],
	default: 'deposit',
};

export const balance: CTraderResource = {
	description: [operation, ...apply.description],
	operations: Object.fromEntries(Object.keys(apply.BALANCE_OPERATIONS).map((name) => [name, apply.execute])),
};
