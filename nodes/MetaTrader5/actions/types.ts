import type { ItemOperationFn, NodeResource } from '../../../lib/resources';

export type Mt5Operation = ItemOperationFn;
export type Mt5Resource = NodeResource;
