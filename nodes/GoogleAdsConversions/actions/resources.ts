/**
 * Every resource of the Google Ads Conversions node. Its operations take all input items at once
 * (Google takes rows in batches), so each operation runs the node and returns both outputs:
 * 0 "Uploaded", 1 "Retry Later".
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { clickConversion } from './clickConversion';
import { customerMatch } from './customerMatch';
import { leadConversion } from './leadConversion';

export type BatchOperationFn = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

export interface GoogleAdsResource {
	description: INodeProperties[];
	operations: Record<string, BatchOperationFn>;
}

export const RESOURCES: Record<string, { name: string; resource: GoogleAdsResource }> = {
	clickConversion: { name: 'Click Conversion', resource: clickConversion },
	customerMatch: { name: 'Customer Match', resource: customerMatch },
	leadConversion: { name: 'Enhanced Conversion for Leads', resource: leadConversion },
};

export const resourceProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: Object.entries(RESOURCES).map(([value, { name }]) => ({ name, value })),
		default: 'clickConversion',
	},
	...Object.values(RESOURCES).flatMap(({ resource }) => resource.description),
];
