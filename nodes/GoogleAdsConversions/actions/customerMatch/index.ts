import type { INodeProperties } from 'n8n-workflow';

import type { GoogleAdsResource } from '../resources';
import * as getJob from './getJob';
import * as upload from './upload';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['customerMatch'] } },
	options: [
		{
			name: 'Get Job Status',
			value: 'getJob',
			description: 'Read a Customer Match job again, e.g. one that was still running',
			action: 'Get a customer match job status',
		},
		{
			name: 'Upload',
			value: 'upload',
			description: 'Add or remove list members in one job: create, add in batches, run, wait until done',
			action: 'Upload customer match members',
		},
	],
	default: 'upload',
};

export const customerMatch: GoogleAdsResource = {
	description: [operation, ...upload.description, ...getJob.description],
	operations: { upload: upload.execute, getJob: getJob.execute },
};
