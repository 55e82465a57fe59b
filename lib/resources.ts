/**
 * The Airtable v2 shape, once for every vendor node: a node lists its resources (each an operation
 * picker plus one file per operation), and one router reads resource and operation and hands each
 * item to the operation through `runPerItem`.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runPerItem, type ItemResult } from './perItem';

/** One operation: a function of one item; the loop, pairing and error routing live in perItem. */
export type ItemOperationFn = (this: IExecuteFunctions, itemIndex: number, item: INodeExecutionData) => Promise<ItemResult>;

/** A resource: its operation picker plus each operation's fields, and the operations by value. */
export interface NodeResource {
	description: INodeProperties[];
	operations: Record<string, ItemOperationFn>;
}

/** The resources of a node by value, with the name the editor shows. */
export type ResourceRegistry = Record<string, { name: string; resource: NodeResource }>;

/** The "Resource" picker and every resource's fields, for a node's `properties`. */
export function resourceProperties(resources: ResourceRegistry, defaultResource: string): INodeProperties[] {
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: Object.entries(resources).map(([value, { name }]) => ({ name, value })),
			default: defaultResource,
		},
		...Object.values(resources).flatMap(({ resource }) => resource.description),
	];
}

/** Reads resource and operation once and runs the operation on every item. */
export async function routeToOperation(this: IExecuteFunctions, resources: ResourceRegistry): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = resources[resource]?.resource.operations[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runPerItem.call(this, async (itemIndex, item) => await run.call(this, itemIndex, item));
}
