import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { objectOf, sumsubRequest } from '../../transport';
import { externalUserIdField, includeRawOption, levelNameField, readOptions, requireText } from '../inputs';
import { readTtlSeconds, ttlField } from './ttl';

const show = { resource: ['verificationLink'], operation: ['createAccessToken'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	externalUserIdField,
	levelNameField,
	{ ...ttlField, default: 600 },
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/** POST /resources/accessTokens/sdk {userId, levelName, ttlInSecs} → {token, userId}. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const clientId = requireText(this, itemIndex, 'externalUserId', 'Client ID', 'CRM-100234');
	const levelName = requireText(this, itemIndex, 'levelName', 'Level Name', 'basic-kyc-level');
	const ttlSeconds = readTtlSeconds(this, itemIndex);
	const options = readOptions(this, itemIndex);
	const issuedAtMs = Date.now();
	const response = await sumsubRequest(this, {
		method: 'POST',
		path: '/resources/accessTokens/sdk',
		body: { userId: clientId, levelName, ttlInSecs: ttlSeconds },
		// A second token for the same client does no harm; the first simply goes unused.
		idempotent: true,
		action: `create an SDK access token for client ID "${clientId}"`,
		policy: readRetryPolicy(this, itemIndex),
		itemIndex,
	});
	const answer = objectOf(response);
	return {
		clientId,
		level: levelName,
		accessToken: String(answer.token ?? ''),
		expiresAtUtc: new Date(issuedAtMs + ttlSeconds * 1000).toISOString(),
		...(options.includeRaw ? { raw: answer } : {}),
	};
}
