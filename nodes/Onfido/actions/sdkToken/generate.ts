/** A token for Onfido's Web or mobile SDK (`POST /sdk_token {applicant_id, referrer}`), for one applicant. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { onfidoRequest } from '../../transport';
import { readOnfidoId, readText } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['sdkToken'], operation: ['generate'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	{
		displayName: 'Referrer',
		name: 'referrer',
		type: 'string',
		default: '',
		placeholder: 'https://*.example.com/*',
		description: 'For the Web SDK: the URL pattern of the page that embeds it; the token works only there',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const referrer = readText(this, itemIndex, 'referrer');
	// A token is harmless to issue twice, so a lost answer is simply asked for again.
	const answer = await onfidoRequest<IDataObject>(this, {
		method: 'POST',
		path: '/sdk_token',
		body: { applicant_id: applicantId, ...(referrer ? { referrer } : {}) },
		action: `issue an SDK token for applicant ${applicantId}`,
		idempotent: true,
		policy: readRetryPolicy(this, itemIndex),
	});
	return { provider: 'onfido', applicantId, sdkToken: String(answer.token ?? '') };
}
