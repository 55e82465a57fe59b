/**
 * Every resource of the MetaTrader 5 node, in the order the editor lists them. The node's
 * description and the router are both built from this one list.
 */
import { balance } from './balance';
import { server } from './server';
import type { Mt5Resource } from './types';

export const RESOURCES: Record<string, { name: string; resource: Mt5Resource }> = {
	balance: { name: 'Balance Operation', resource: balance },
	server: { name: 'Server', resource: server },
};
