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

export class CTrader implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'cTrader',
		name: 'cTrader',
		icon: { light: 'file:cTrader.svg', dark: 'file:cTrader.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create trader accounts, credit deposits exactly once, and read closed trades, equity and groups on cTrader (WebServices API)',
		defaults: { name: 'cTrader' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Tested by the credential's own request: a real token request, then a read with the token.
		credentials: [{ name: 'cTraderApi', required: true }],
		properties: [
			...resourceProperties(RESOURCES, 'balance'),
			retryAndTimeoutOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
