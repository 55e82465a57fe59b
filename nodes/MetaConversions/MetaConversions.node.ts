import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { retryAndTimeoutOptions } from '../../lib/retryOptions';
import { OUTPUT_NAMES } from './actions/outputs';
import { resourceProperties } from './actions/resources';
import { router } from './actions/router';

export class MetaConversions implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Meta Conversions',
		name: 'metaConversions',
		icon: { light: 'file:metaConversions.svg', dark: 'file:metaConversions.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send registrations, leads and first-time deposits to Meta\'s Conversions API and keep Custom Audiences in sync, with customer data normalised and SHA-256 hashed as Meta specifies and only with consent',
		defaults: { name: 'Meta Conversions' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: OUTPUT_NAMES,
		usableAsTool: true,
		credentials: [{ name: 'metaConversionsApi', required: true }],
		properties: [...resourceProperties('event'), retryAndTimeoutOptions],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
