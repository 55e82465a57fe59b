import type { INodeProperties } from 'n8n-workflow';

import type { CTraderResource } from '../types';
import * as getMany from './getMany';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['group'] } },
	options: [{ name: 'Get Many', value: 'getMany', description: 'List the trader groups', action: 'Get many groups' }],
	default: 'getMany',
};

export const group: CTraderResource = {
	description: [operation, ...getMany.description],
	operations: { getMany: getMany.execute },
};
