/**
 * Every resource of the Meta Conversions node; the node's description and the router are built
 * from it. Unlike the per-item vendors, an operation here takes all input items at once, because
 * Meta takes up to 1,000 events or 10,000 audience rows per request (lib/batches.ts).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audience } from './audience';
import { event } from './event';

export type BatchedOperationFn = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

export interface BatchedResource {
	description: INodeProperties[];
	operations: Record<string, BatchedOperationFn>;
}

export const RESOURCES: Record<string, { name: string; resource: BatchedResource }> = {
	event: { name: 'Event', resource: event },
	audience: { name: 'Audience', resource: audience },
};

export function resourceProperties(defaultResource: string): INodeProperties[] {
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: Object.entries(RESOURCES).map(([value, { name }]) => ({ name, value })),
			default: defaultResource,
		},
		...Object.values(RESOURCES).flatMap(({ resource }) => resource.description),
	];
}
