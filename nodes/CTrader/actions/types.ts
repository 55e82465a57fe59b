import type { ItemOperationFn, NodeResource } from '../../../lib/resources';

export type CTraderOperation = ItemOperationFn;
export type CTraderResource = NodeResource;
