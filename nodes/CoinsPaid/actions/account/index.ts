import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as balances from './balances';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [{ name: 'Get Balances', value: 'balances', description: 'List the merchant balance of every currency', action: 'Get balances' }],
	default: 'balances',
};

export const account: NodeResource = { description: [operation, ...balances.description], operations: { balances: balances.execute } };
