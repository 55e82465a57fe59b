import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from '../../../lib/perItem';

/** One operation: a function of one item; the loop, pairing and error routing live in lib/perItem. */
export type CTraderOperation = (this: IExecuteFunctions, itemIndex: number, item: INodeExecutionData) => Promise<ItemResult>;

/** A resource: its operation picker plus each operation's fields, and the operations by value. */
export interface CTraderResource {
	description: INodeProperties[];
	operations: Record<string, CTraderOperation>;
}
