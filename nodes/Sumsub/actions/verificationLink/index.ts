import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as createAccessToken from './createAccessToken';
import * as createLink from './createLink';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['verificationLink'] } },
	options: [
		{ name: 'Create Link', value: 'createLink', description: 'A link to send to the client: the verification opens in their browser', action: 'Create a verification link' },
		{ name: 'Create SDK Access Token', value: 'createAccessToken', description: 'A token for the WebSDK or MobileSDK embedded in your client area', action: 'Create an SDK access token' },
	],
	default: 'createLink',
};

export const verificationLink: NodeResource = {
	description: [operation, ...createAccessToken.description, ...createLink.description],
	operations: { createAccessToken: createAccessToken.execute, createLink: createLink.execute },
};
