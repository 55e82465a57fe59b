import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as attribute from './actions/attribute';
import * as cacLtvByChannel from './actions/cacLtvByChannel';
import * as captureTouchpoint from './actions/captureTouchpoint';
import { router } from './actions/router';
import { channelRulesProperty } from './actions/shared';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Attribute',
			value: 'attribute',
			description: 'Share one client\'s conversion over its touchpoints: first, last, linear, time decay, position-based',
			action: 'Attribute a conversion to touchpoints',
		},
		{
			name: 'CAC and LTV by Channel',
			value: 'cacLtvByChannel',
			description: 'Cost per first-time deposit and net deposits after it, per channel and cohort month',
			action: 'Compute CAC and LTV by channel',
		},
		{
			name: 'Capture Touchpoint',
			value: 'captureTouchpoint',
			description: 'Turn a landing URL, referrer and cookies into a touchpoint with UTM, click IDs, fbc and channel',
			action: 'Capture a touchpoint',
		},
	],
	default: 'captureTouchpoint',
};

export class Attribution implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attribution',
		name: 'attribution',
		icon: { light: 'file:attribution.svg', dark: 'file:attribution.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Capture UTM parameters and click IDs, attribute first-time deposits to channels, and compute CAC and LTV by channel',
		defaults: { name: 'Attribution' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [operation, ...captureTouchpoint.description, ...attribute.description, ...cacLtvByChannel.description, channelRulesProperty],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
