/** Every resource of the CoinsPaid node; the node's description and the router are built from it. */
import type { ResourceRegistry } from '../../../lib/resources';
import { account } from './account';
import { address } from './address';
import { withdrawal } from './withdrawal';

export const RESOURCES: ResourceRegistry = {
	account: { name: 'Account', resource: account },
	address: { name: 'Deposit Address', resource: address },
	withdrawal: { name: 'Withdrawal', resource: withdrawal },
};
