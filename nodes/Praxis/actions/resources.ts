/**
 * Every resource of the Praxis node, in the order the editor lists them. The node's description
 * and the router are both built from this one list.
 */
import type { ResourceRegistry } from '../../../lib/resources';
import { cashier } from './cashier';
import { order } from './order';
import { withdrawalRequest } from './withdrawalRequest';

export const RESOURCES: ResourceRegistry = {
	cashier: { name: 'Cashier', resource: cashier },
	order: { name: 'Order', resource: order },
	withdrawalRequest: { name: 'Withdrawal Request', resource: withdrawalRequest },
};
