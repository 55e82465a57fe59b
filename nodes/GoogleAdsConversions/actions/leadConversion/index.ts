import type { INodeProperties } from 'n8n-workflow';

import type { GoogleAdsResource } from '../resources';
import * as upload from './upload';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['leadConversion'] } },
	options: [
		{
			name: 'Upload',
			value: 'upload',
			description: "Import lead conversions matched by the lead's hashed e-mail and phone",
			action: 'Upload enhanced conversions for leads',
		},
	],
	default: 'upload',
};

export const leadConversion: GoogleAdsResource = { description: [operation, ...upload.description], operations: { upload: upload.execute } };
