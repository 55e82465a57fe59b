import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { segment, sumsubRequest } from '../../transport';
import { applicantIdField, includeRawOption, readApplicantId, readOptions } from '../inputs';
import { asJson, readStatusCase } from './read';

const show = { resource: ['applicant'], operation: ['reset'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	{
		displayName:
			'Reset deactivates all documents and restarts verification from scratch (status init), e.g. when an ID expired. Sumsub refuses it while a check is running; do not reset an applicant rejected as FINAL.',
		name: 'resetNotice',
		type: 'notice',
		default: '',
	},
	applicantIdField,
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/** POST …/reset, then the kycCase read right after. Resetting twice leaves the same state. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const options = readOptions(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	await sumsubRequest(this, { method: 'POST', path: `/resources/applicants/${segment(applicantId)}/reset`, idempotent: true, action: `reset applicant ${applicantId}`, policy, itemIndex });
	return asJson(await readStatusCase(this, itemIndex, applicantId, policy, options.includeRaw));
}
