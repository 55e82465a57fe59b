import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as apply from './apply';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['balance'] } },
	options: [
		{ name: 'Bonus', value: 'bonus', description: 'Add a bonus to the account', action: 'Add a bonus' },
		{ name: 'Correction', value: 'correction', description: 'Correct the balance up or down', action: 'Correct the balance' },
		{ name: 'Credit In', value: 'creditIn', description: 'Give the account credit', action: 'Give credit' },
		{ name: 'Credit Out', value: 'creditOut', description: 'Take back credit', action: 'Take back credit' },
		{ name: 'Deposit', value: 'deposit', description: 'Credit a deposit to the account balance', action: 'Credit a deposit' },
		{ name: 'Withdrawal', value: 'withdrawal', description: 'Debit a withdrawal from the account balance', action: 'Debit a withdrawal' },
	],
	default: 'deposit',
};

export const balance: Mt5Resource = {
	description: [operation, ...apply.description],
	operations: Object.fromEntries(Object.keys(apply.BALANCE_OPERATIONS).map((name) => [name, apply.execute])),
};
