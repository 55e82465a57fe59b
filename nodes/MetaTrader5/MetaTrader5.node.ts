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
import { mt5Login } from './transport/credentialTest';

export class MetaTrader5 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MetaTrader 5',
		name: 'metaTrader5',
		icon: { light: 'file:metaTrader5.svg', dark: 'file:metaTrader5.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create trading accounts, credit deposits exactly once, and read deals, equity and groups on a MetaTrader 5 server',
		defaults: { name: 'MetaTrader 5' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'metaTrader5Api', required: true, testedBy: 'mt5Login' }],
		properties: [
			...resourceProperties(RESOURCES, 'balance'),
			retryAndTimeoutOptions,
		],
	};

	methods = { credentialTest: { mt5Login } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
