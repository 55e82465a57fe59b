/** Reads shared by several applicant operations: the applicant itself, its status and its AML case. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attemptAsync } from '../../../../lib/errors';
import type { RetryPolicy } from '../../../../lib/retryOptions';
import { reviewStatusToKycCase, type SumsubAmlCase, type SumsubApplicant, type SumsubKycCase } from '../../mappers';
import { objectOf, segment, sumsubRequest, SumsubApiError } from '../../transport';

export async function readApplicant(ctx: IExecuteFunctions, itemIndex: number, applicantId: string, policy: RetryPolicy): Promise<SumsubApplicant> {
	const response = await sumsubRequest(ctx, { method: 'GET', path: `/resources/applicants/${segment(applicantId)}/one`, idempotent: true, action: `read applicant ${applicantId}`, policy, itemIndex });
	return objectOf(response) as SumsubApplicant;
}

/** By our client id (Sumsub's externalUserId): GET /resources/applicants/-;externalUserId={id}/one. */
export async function readApplicantByClientId(ctx: IExecuteFunctions, itemIndex: number, clientId: string, policy: RetryPolicy): Promise<SumsubApplicant> {
	const response = await sumsubRequest(ctx, {
		method: 'GET',
		path: `/resources/applicants/-;externalUserId=${segment(clientId)}/one`,
		idempotent: true,
		action: `find the applicant of client ID "${clientId}"`,
		policy,
		itemIndex,
	});
	return objectOf(response) as SumsubApplicant;
}

/** The latest AML case, or undefined when the applicant has none (Sumsub answers 404). */
export async function readAmlCase(ctx: IExecuteFunctions, itemIndex: number, applicantId: string, policy: RetryPolicy): Promise<SumsubAmlCase | undefined> {
	const read = await attemptAsync(
		async () =>
			await sumsubRequest(ctx, { method: 'GET', path: `/resources/api/applicants/${segment(applicantId)}/amlCase`, idempotent: true, action: `read the AML case of applicant ${applicantId}`, policy, itemIndex }),
	);
	if (read.ok) return objectOf(read.value) as SumsubAmlCase;
	if (read.error instanceof SumsubApiError && read.error.statusCode === 404) return undefined;
	throw read.error;
}

export async function readStatusCase(ctx: IExecuteFunctions, itemIndex: number, applicantId: string, policy: RetryPolicy, includeRaw: boolean): Promise<SumsubKycCase> {
	const response = await sumsubRequest(ctx, { method: 'GET', path: `/resources/applicants/${segment(applicantId)}/status`, idempotent: true, action: `read the status of applicant ${applicantId}`, policy, itemIndex });
	return reviewStatusToKycCase(applicantId, objectOf(response), includeRaw);
}

export function asJson(kycCase: SumsubKycCase): IDataObject {
	return kycCase as unknown as IDataObject;
}
