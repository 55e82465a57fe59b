import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as upload from './upload';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['document'] } },
	options: [{ name: 'Upload', value: 'upload', description: "Upload an identity document from the item's binary data", action: 'Upload a document' }],
	default: 'upload',
};

export const document: NodeResource = { description: [operation, ...upload.description], operations: { upload: upload.execute } };
