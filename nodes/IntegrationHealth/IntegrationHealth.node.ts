import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as renderDashboard from './actions/renderDashboard';
import { router } from './actions/router';
import * as snapshot from './actions/snapshot';
import { alertWhen } from './actions/thresholds';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Snapshot',
			value: 'snapshot',
			description:
				'One item per integration: calls, failures and retries in the last 24 hours, circuit breaker, last success and whether it is failing persistently',
			action: 'Take a snapshot of integration health',
		},
		{
			name: 'Render Dashboard',
			value: 'renderDashboard',
			description: 'One item with an HTML page of the same figures, with charts per hour, to answer a webhook with',
			action: 'Render the integration health dashboard',
		},
	],
	default: 'snapshot',
};

export class IntegrationHealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Integration Health',
		name: 'integrationHealth',
		icon: { light: 'file:integrationHealth.svg', dark: 'file:integrationHealth.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'See how the brokerage integrations of this n8n process are doing: calls, failures, retries, circuit breakers, and alerts on persistent failure',
		defaults: { name: 'Integration Health' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [operation, ...snapshot.description, ...renderDashboard.description, alertWhen],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
