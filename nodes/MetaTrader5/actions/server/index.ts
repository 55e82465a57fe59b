import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as time from './time';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['server'] } },
	options: [{ name: 'Get Time', value: 'time', description: 'Read the server clock and time zone', action: 'Get server time' }],
	default: 'time',
};

export const server: Mt5Resource = {
	description: [operation, ...time.description],
	operations: { time: time.execute },
};
