import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { applicantToKycCase } from '../../mappers';
import { applicantIdField, includeRawOption, readApplicantId, readOptions, requireText } from '../inputs';
import { asJson, readAmlCase, readApplicant, readApplicantByClientId } from './read';

const show = { resource: ['applicant'], operation: ['get'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'Applicant ID', value: 'applicantId', description: "Sumsub's ID of the applicant" },
			{ name: 'Client ID', value: 'externalUserId', description: "Your CRM's client ID, given when the applicant was created" },
		],
		default: 'applicantId',
	},
	{ ...applicantIdField, displayOptions: { show: { findBy: ['applicantId'] } } },
	{
		displayName: 'Client ID',
		name: 'externalUserId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'CRM-100234',
		description: "Your CRM's client ID (Sumsub's externalUserId)",
		displayOptions: { show: { findBy: ['externalUserId'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include AML Screening',
				name: 'includeAmlCase',
				type: 'boolean',
				default: false,
				description: "Whether to also read the applicant's latest AML case, so PEP, sanctions and adverse-media flags are known even when the applicant was approved. Sumsub allows 10 such reads a minute.",
			},
			includeRawOption,
		],
	},
]);

/** The applicant as a canonical kycCase: status, review, documents (alpha-2 countries, expiry dates), AML flags. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const options = readOptions(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	const findBy = this.getNodeParameter('findBy', itemIndex, 'applicantId') as string;
	const applicant =
		findBy === 'externalUserId'
			? await readApplicantByClientId(this, itemIndex, requireText(this, itemIndex, 'externalUserId', 'Client ID', 'CRM-100234'), policy)
			: await readApplicant(this, itemIndex, readApplicantId(this, itemIndex), policy);
	const amlCase = options.includeAmlCase === true && applicant.id ? await readAmlCase(this, itemIndex, applicant.id, policy) : undefined;
	return asJson(applicantToKycCase(applicant, { amlCase, includeRaw: options.includeRaw }));
}
