import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { objectOf, segment, sumsubRequest } from '../../transport';
import { externalUserIdField, fieldError, includeRawOption, levelNameField, readOptions, readText, requireText } from '../inputs';
import { readTtlSeconds, ttlField } from './ttl';

const show = { resource: ['verificationLink'], operation: ['createLink'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	externalUserIdField,
	levelNameField,
	{ ...ttlField, default: 1800 },
	{
		displayName: 'Language',
		name: 'lang',
		type: 'string',
		default: 'en',
		placeholder: 'en',
		description: 'Language of the verification screens (ISO 639-1, two letters)',
	},
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/**
 * POST /resources/sdkIntegrations/levels/{levelName}/websdkLink?externalUserId=&ttlInSecs=&lang=
 * → {url} (docs.sumsub.com/reference/generate-websdk-external-link; thrownew/go-sumsub).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const clientId = requireText(this, itemIndex, 'externalUserId', 'Client ID', 'CRM-100234');
	const levelName = requireText(this, itemIndex, 'levelName', 'Level Name', 'basic-kyc-level');
	const ttlSeconds = readTtlSeconds(this, itemIndex);
	const lang = readText(this, itemIndex, 'lang', 'en') || 'en';
	if (!/^[a-z]{2}(-[A-Za-z]{2})?$/.test(lang)) throw fieldError(this, itemIndex, 'Language', `"${lang}" is not a language code; use two letters such as en or de`);
	const options = readOptions(this, itemIndex);
	const issuedAtMs = Date.now();
	const query = new URLSearchParams({ externalUserId: clientId, ttlInSecs: String(ttlSeconds), lang }).toString();
	const response = await sumsubRequest(this, {
		method: 'POST',
		path: `/resources/sdkIntegrations/levels/${segment(levelName)}/websdkLink?${query}`,
		idempotent: true,
		action: `create a verification link for client ID "${clientId}"`,
		policy: readRetryPolicy(this, itemIndex),
		itemIndex,
	});
	const answer = objectOf(response);
	return {
		clientId,
		level: levelName,
		url: String(answer.url ?? ''),
		expiresAtUtc: new Date(issuedAtMs + ttlSeconds * 1000).toISOString(),
		...(options.includeRaw ? { raw: answer } : {}),
	};
}
