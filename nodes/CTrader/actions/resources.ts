/**
 * Every resource of the cTrader node, in the order the editor lists them. The node's description
 * and the router are both built from this one list.
 */
import { account } from './account';
import { balance } from './balance';
import { deal } from './deal';
import { group } from './group';
import type { CTraderResource } from './types';

export const RESOURCES: Record<string, { name: string; resource: CTraderResource }> = {
	account: { name: 'Account', resource: account },
	balance: { name: 'Balance Operation', resource: balance },
	deal: { name: 'Deal', resource: deal },
	group: { name: 'Group', resource: group },
};
