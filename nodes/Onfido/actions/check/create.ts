/**
 * A classic check (`POST /checks {applicant_id, report_names, tags}`, onfido-node docs/CheckBuilder.md)
 * — e.g. a document report plus a watchlist screening for an existing client's periodic review.
 * The CRM client id rides along as a `client:<id>` tag (checks have tags; applicants have no
 * external id).
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { CLIENT_TAG_PREFIX, checkToKycCase, kycCaseJson } from '../../mappers';
import { onfidoRequest } from '../../transport';
import { fieldError, optionsCollection, readIncludeRaw, readOnfidoId, readText } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['check'], operation: ['create'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	{
		displayName: 'Reports',
		name: 'reportNames',
		type: 'multiOptions',
		required: true,
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Facial Similarity (Photo)', value: 'facial_similarity_photo' },
			{ name: 'Facial Similarity (Video)', value: 'facial_similarity_video' },
			{ name: 'Watchlist Enhanced (Sanctions, PEP, Adverse Media)', value: 'watchlist_enhanced' },
			{ name: 'Watchlist Standard (Sanctions, PEP)', value: 'watchlist_standard' },
		],
		default: ['document', 'watchlist_standard'],
		description: 'What Onfido checks. A document report needs a document uploaded first.',
	},
	{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '={{ $json.clientId }}', description: "The client's ID in your CRM, kept on the check as the tag client:&lt;ID&gt;" },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const reportNames = (this.getNodeParameter('reportNames', itemIndex, []) as unknown[]).map(String).filter((n) => n !== '');
	if (reportNames.length === 0) throw fieldError(this, itemIndex, 'Reports', 'choose at least one report');
	const clientId = readText(this, itemIndex, 'clientId');
	const check = await onfidoRequest<IDataObject>(this, {
		method: 'POST',
		path: '/checks',
		body: { applicant_id: applicantId, report_names: reportNames, ...(clientId ? { tags: [`${CLIENT_TAG_PREFIX}${clientId}`] } : {}) },
		action: `start a check (${reportNames.join(', ')}) for applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	return kycCaseJson(checkToKycCase(check, [], { includeRaw: readIncludeRaw(this, itemIndex) }));
}
