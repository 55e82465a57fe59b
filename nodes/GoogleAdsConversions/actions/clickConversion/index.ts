import type { INodeProperties } from 'n8n-workflow';

import type { GoogleAdsResource } from '../resources';
import * as upload from './upload';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['clickConversion'] } },
	options: [
		{
			name: 'Upload',
			value: 'upload',
			description: 'Import offline conversions tied to their Google click ID, in batches',
			action: 'Upload click conversions',
		},
	],
	default: 'upload',
};

export const clickConversion: GoogleAdsResource = { description: [operation, ...upload.description], operations: { upload: upload.execute } };
