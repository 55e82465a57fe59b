import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { segment, sumsubRequest } from '../../transport';
import { applicantIdField, includeRawOption, readApplicantId, readOptions, readText } from '../inputs';
import { asJson, readStatusCase } from './read';

const show = { resource: ['applicant'], operation: ['requestCheck'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	applicantIdField,
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'Documents uploaded from the CRM',
		description: 'Optional note that Sumsub keeps with the check request',
	},
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/**
 * POST …/status/pending: the uploaded documents go to review. Sumsub refuses it while the applicant
 * is already pending, queued or prechecked. Output: the kycCase read right after.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const reason = readText(this, itemIndex, 'reason');
	const options = readOptions(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	await sumsubRequest(this, {
		method: 'POST',
		path: `/resources/applicants/${segment(applicantId)}/status/pending${reason ? `?${new URLSearchParams({ reason }).toString()}` : ''}`,
		idempotent: false,
		action: `request a check of applicant ${applicantId}`,
		policy,
		itemIndex,
	});
	return asJson(await readStatusCase(this, itemIndex, applicantId, policy, options.includeRaw));
}
