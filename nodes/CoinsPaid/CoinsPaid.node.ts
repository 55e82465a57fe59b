import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceProperties } from '../../lib/resources';
import { retryAndTimeoutOptions } from '../../lib/retryOptions';
import { RESOURCES } from './actions/resources';
import { router } from './actions/router';

export class CoinsPaid implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CoinsPaid',
		name: 'coinsPaid',
		icon: { light: 'file:coinsPaid.svg', dark: 'file:coinsPaid.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Give clients crypto deposit addresses, send crypto withdrawals exactly once and read balances on CoinsPaid',
		defaults: { name: 'CoinsPaid' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'coinsPaidApi', required: true }],
		properties: [...resourceProperties(RESOURCES, 'address'), retryAndTimeoutOptions],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
