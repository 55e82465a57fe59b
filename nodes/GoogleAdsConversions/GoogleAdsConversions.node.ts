import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { retryAndTimeoutOptions } from '../../lib/retryOptions';
import { resourceProperties } from './actions/resources';
import { router } from './actions/router';

export class GoogleAdsConversions implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Google Ads Conversions',
		name: 'googleAdsConversions',
		icon: { light: 'file:googleAdsConversions.svg', dark: 'file:googleAdsConversions.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send offline click conversions, enhanced conversions for leads and Customer Match lists to Google Ads',
		defaults: { name: 'Google Ads Conversions' },
		inputs: [NodeConnectionTypes.Main],
		// Uploaded (accepted, or a job that finished) and Retry Later (click or action too recent, job still running).
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Uploaded', 'Retry Later'],
		usableAsTool: true,
		credentials: [{ name: 'googleAdsConversionsOAuth2Api', required: true }],
		properties: [...resourceProperties, retryAndTimeoutOptions],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
