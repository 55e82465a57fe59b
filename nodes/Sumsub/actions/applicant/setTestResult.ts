import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { segment, sumsubRequest } from '../../transport';
import { applicantIdField, fieldError, includeRawOption, readApplicantId, readOptions, readText } from '../inputs';
import { asJson, readStatusCase } from './read';

const show = { resource: ['applicant'], operation: ['setTestResult'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	{
		displayName:
			'Sandbox only: this simulates the review of an applicant with a sandbox app token (sbx:). Production refuses it. Sumsub sends the applicantReviewed webhook as for a real review.',
		name: 'sandboxNotice',
		type: 'notice',
		default: '',
	},
	applicantIdField,
	{
		displayName: 'Review Answer',
		name: 'reviewAnswer',
		type: 'options',
		options: [
			{ name: 'GREEN (Approved)', value: 'GREEN' },
			{ name: 'RED (Rejected)', value: 'RED' },
		],
		default: 'GREEN',
	},
	{
		displayName: 'Reject Type',
		name: 'rejectType',
		type: 'options',
		options: [
			{ name: 'RETRY (Client May Resubmit)', value: 'RETRY' },
			{ name: 'FINAL (Closed)', value: 'FINAL' },
		],
		default: 'RETRY',
		displayOptions: { show: { reviewAnswer: ['RED'] } },
	},
	{
		displayName: 'Reject Labels',
		name: 'rejectLabels',
		type: 'string',
		default: '',
		placeholder: 'UNSATISFACTORY_PHOTOS, DOCUMENT_PAGE_MISSING',
		description: "Sumsub's rejection labels, separated by commas (e.g. FORGERY, PEP, SANCTIONS, ADVERSE_MEDIA)",
		displayOptions: { show: { reviewAnswer: ['RED'] } },
	},
	{
		displayName: 'Message to the Client',
		name: 'moderationComment',
		type: 'string',
		default: '',
		description: "What the client is told (Sumsub's moderationComment)",
		displayOptions: { show: { reviewAnswer: ['RED'] } },
	},
	{
		displayName: 'Internal Note',
		name: 'clientComment',
		type: 'string',
		default: '',
		description: "A note for compliance only (Sumsub's clientComment)",
		displayOptions: { show: { reviewAnswer: ['RED'] } },
	},
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

/** POST …/status/testCompleted (docs.sumsub.com/reference/set-review-for-applicant-on-sandbox). */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const reviewAnswer = readText(this, itemIndex, 'reviewAnswer', 'GREEN');
	if (reviewAnswer !== 'GREEN' && reviewAnswer !== 'RED') throw fieldError(this, itemIndex, 'Review Answer', `must be GREEN or RED; it is "${reviewAnswer}"`);
	const options = readOptions(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	const body: IDataObject = { reviewAnswer };
	if (reviewAnswer === 'RED') {
		const rejectType = readText(this, itemIndex, 'rejectType', 'RETRY');
		if (rejectType !== 'RETRY' && rejectType !== 'FINAL') throw fieldError(this, itemIndex, 'Reject Type', `must be RETRY or FINAL; it is "${rejectType}"`);
		const labels = readText(this, itemIndex, 'rejectLabels')
			.split(',')
			.map((label) => label.trim().toUpperCase())
			.filter(Boolean);
		const bad = labels.find((label) => !/^[A-Z][A-Z0-9_]*$/.test(label));
		if (bad) throw fieldError(this, itemIndex, 'Reject Labels', `"${bad}" is not a Sumsub label; labels are written like UNSATISFACTORY_PHOTOS, separated by commas`);
		body.reviewRejectType = rejectType;
		body.rejectLabels = labels;
		const moderationComment = readText(this, itemIndex, 'moderationComment');
		const clientComment = readText(this, itemIndex, 'clientComment');
		if (moderationComment) body.moderationComment = moderationComment;
		if (clientComment) body.clientComment = clientComment;
	}
	await sumsubRequest(this, {
		method: 'POST',
		path: `/resources/applicants/${segment(applicantId)}/status/testCompleted`,
		body,
		idempotent: false,
		action: `set a test result for applicant ${applicantId}`,
		policy,
		itemIndex,
	});
	return asJson(await readStatusCase(this, itemIndex, applicantId, policy, options.includeRaw));
}
