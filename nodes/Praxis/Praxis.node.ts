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
import { praxisFindOrder } from './transport';

export class Praxis implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Praxis',
		name: 'praxis',
		icon: { light: 'file:praxis.svg', dark: 'file:praxis.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Open Praxis cashier sessions for deposits and withdrawals, find orders, and complete, cancel or split withdrawal requests',
		defaults: { name: 'Praxis' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Tested with a real signed find-order: a signed "not found" proves merchant, key and secret.
		credentials: [{ name: 'praxisApi', required: true, testedBy: 'praxisFindOrder' }],
		properties: [...resourceProperties(RESOURCES, 'cashier'), retryAndTimeoutOptions],
	};

	methods = { credentialTest: { praxisFindOrder } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
