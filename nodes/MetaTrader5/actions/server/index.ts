import type { INodeProperties } from 'n8n-workflow';

import type { Mt5Resource } from '../types';
import * as periodWindow from './periodWindow';
import * as time from './time';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['server'] } },
	options: [
		{
			name: 'Get Period Window',
			value: 'periodWindow',
			description: 'A calendar day or month in server time, as UTC start and end',
			action: 'Get a server time period window',
		},
		{ name: 'Get Time', value: 'time', description: 'Read the server clock and time zone', action: 'Get server time' },
	],
	default: 'time',
};

export const server: Mt5Resource = {
	description: [operation, ...periodWindow.description, ...time.description],
	operations: { periodWindow: periodWindow.execute, time: time.execute },
};
