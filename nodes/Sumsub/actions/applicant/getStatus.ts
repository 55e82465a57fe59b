import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { applicantIdField, includeRawOption, readApplicantId, readOptions } from '../inputs';
import { asJson, readStatusCase } from './read';

const show = { resource: ['applicant'], operation: ['getStatus'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	applicantIdField,
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/** GET /resources/applicants/{id}/status as a kycCase: status, answer, reject type and labels, comments. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const options = readOptions(this, itemIndex);
	return asJson(await readStatusCase(this, itemIndex, applicantId, readRetryPolicy(this, itemIndex), options.includeRaw));
}
