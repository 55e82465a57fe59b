import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { countryAlpha2 } from '../../../../lib/kyc';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { objectOf, segment, sumsubRequest } from '../../transport';
import { applicantIdField, includeRawOption, readApplicantId, readOptions } from '../inputs';

const show = { resource: ['applicant'], operation: ['getRequiredDocuments'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	applicantIdField,
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [includeRawOption] },
]);

interface StepStatus {
	idDocType?: string;
	country?: string;
	imageIds?: unknown[];
	reviewResult?: { reviewAnswer?: string; rejectLabels?: string[]; reviewRejectType?: string; moderationComment?: string };
}

/**
 * GET …/requiredIdDocsStatus: one entry per verification step of the level (IDENTITY, SELFIE,
 * PROOF_OF_RESIDENCE…), null while nothing was submitted for it. Output: every step with whether it
 * was submitted and its review, and the steps still missing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const options = readOptions(this, itemIndex);
	const response = await sumsubRequest(this, {
		method: 'GET',
		path: `/resources/applicants/${segment(applicantId)}/requiredIdDocsStatus`,
		idempotent: true,
		action: `read the required documents of applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
		itemIndex,
	});
	const raw = objectOf(response);
	const steps: IDataObject[] = Object.entries(raw).map(([step, value]) => {
		const status = (value ?? null) as StepStatus | null;
		if (!status) return { step, submitted: false };
		const country = countryAlpha2(status.country);
		const result = status.reviewResult ?? {};
		return {
			step,
			submitted: true,
			...(status.idDocType ? { documentType: status.idDocType } : {}),
			...(country ? { country } : {}),
			...(result.reviewAnswer ? { reviewAnswer: result.reviewAnswer } : {}),
			...(result.reviewRejectType ? { rejectType: result.reviewRejectType } : {}),
			...(result.rejectLabels?.length ? { rejectLabels: result.rejectLabels } : {}),
			...(result.moderationComment ? { clientMessage: result.moderationComment } : {}),
		};
	});
	const missingSteps = steps.filter((s) => s.submitted === false).map((s) => s.step as string);
	return {
		applicantId,
		allSubmitted: missingSteps.length === 0,
		missingSteps,
		steps,
		...(options.includeRaw ? { raw } : {}),
	};
}
