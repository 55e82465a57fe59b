import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attemptAsync } from '../../../../lib/errors';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { applicantToKycCase, type SumsubApplicant } from '../../mappers';
import { objectOf, sumsubRequest, SumsubApiError, type SumsubResponse } from '../../transport';
import { externalUserIdField, fieldError, includeRawOption, levelNameField, readDate, readOptions, requireText, toAlpha3 } from '../inputs';
import { asJson, readApplicantByClientId } from './read';

const show = { resource: ['applicant'], operation: ['create'] };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	levelNameField,
	externalUserIdField,
	{
		displayName: 'Personal Info',
		name: 'personalInfo',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: "Details from the CRM that Sumsub compares with the documents (Sumsub's fixedInfo)",
		options: [
			{ displayName: 'Country', name: 'country', type: 'string', default: '', placeholder: 'GB', description: 'Country of residence, ISO code with two or three letters' },
			{ displayName: 'Date of Birth', name: 'dob', type: 'string', default: '', placeholder: '1990-04-25', description: 'As YYYY-MM-DD' },
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			{ displayName: 'Middle Name', name: 'middleName', type: 'string', default: '' },
			{ displayName: 'Nationality', name: 'nationality', type: 'string', default: '', placeholder: 'GB', description: 'ISO country code with two or three letters' },
			{ displayName: 'Phone', name: 'phone', type: 'string', default: '', placeholder: '+35799123456', description: 'In international format, with +' },
			{ displayName: 'Place of Birth', name: 'placeOfBirth', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'If the Client Already Has an Applicant',
				name: 'ifExists',
				type: 'options',
				options: [
					{ name: 'Return the Existing Applicant', value: 'returnExisting', description: 'Sumsub keeps one applicant per client ID; output that one' },
					{ name: 'Fail', value: 'fail', description: 'Stop with an error naming the existing applicant' },
				],
				default: 'returnExisting',
			},
			includeRawOption,
			{ displayName: 'Language', name: 'lang', type: 'string', default: '', placeholder: 'en', description: 'Language of the verification screens (ISO 639-1)' },
		],
	},
]);

/** The applicant id in Sumsub's 409 text "Applicant with external user id '…' already exists: <id>". */
function existingIdOf(description: string | undefined): string | undefined {
	return /already exists:\s*([0-9a-f]{24})/i.exec(description ?? '')?.[1];
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const levelName = requireText(this, itemIndex, 'levelName', 'Level Name', 'basic-kyc-level');
	const clientId = requireText(this, itemIndex, 'externalUserId', 'Client ID', 'CRM-100234');
	const info = this.getNodeParameter('personalInfo', itemIndex, {}) as IDataObject;
	const options = readOptions(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);

	const text = (key: string) => (typeof info[key] === 'string' && (info[key] as string).trim() !== '' ? (info[key] as string).trim() : undefined);
	const fixedInfo: IDataObject = {};
	for (const key of ['firstName', 'lastName', 'middleName', 'placeOfBirth']) if (text(key)) fixedInfo[key] = text(key);
	const dob = readDate(this, itemIndex, info.dob, 'Personal Info → Date of Birth');
	if (dob) fixedInfo.dob = dob;
	for (const [key, label] of [['country', 'Country'], ['nationality', 'Nationality']] as const) {
		if (!text(key)) continue;
		fixedInfo[key] = toAlpha3(this, itemIndex, text(key) as string, `Personal Info → ${label}`, true);
	}
	const email = text('email');
	if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw fieldError(this, itemIndex, 'Personal Info → Email', `"${email}" is not an email address`);
	const phone = text('phone');
	const body: IDataObject = {
		externalUserId: clientId,
		...(email ? { email } : {}),
		...(phone ? { phone } : {}),
		...(Object.keys(fixedInfo).length ? { fixedInfo } : {}),
		...(typeof options.lang === 'string' && options.lang.trim() ? { lang: options.lang.trim() } : {}),
	};

	const sent = await attemptAsync(
		async () =>
			await sumsubRequest(this, {
				method: 'POST',
				path: `/resources/applicants?${new URLSearchParams({ levelName }).toString()}`,
				body,
				idempotent: false,
				action: `create an applicant for client ID "${clientId}" at level "${levelName}"`,
				policy,
				itemIndex,
				hooks: {
					// The outcome of a timed-out create is unknown: Sumsub's own record of the client ID says.
					beforeRetry: async (): Promise<{ retry: true } | { result: SumsubResponse }> => {
						const found = await attemptAsync(async () => await readApplicantByClientId(this, itemIndex, clientId, policy));
						if (found.ok) return { result: { statusCode: 200, headers: {}, body: found.value } };
						if (found.error instanceof SumsubApiError && found.error.statusCode === 404) return { retry: true };
						throw found.error;
					},
				},
			}),
	);
	let created = true;
	let applicant: SumsubApplicant;
	if (sent.ok) applicant = objectOf(sent.value) as SumsubApplicant;
	else {
		const error = sent.error;
		if (!(error instanceof SumsubApiError) || error.statusCode !== 409) throw error;
		const existingId = existingIdOf(error.sumsub.description);
		if (options.ifExists === 'fail') {
			throw fieldError(this, itemIndex, 'Client ID', `client ID "${clientId}" already has a Sumsub applicant${existingId ? ` (${existingId})` : ''}; use Get with "Find By: Client ID", or set "If the Client Already Has an Applicant" to return it`);
		}
		created = false;
		applicant = await readApplicantByClientId(this, itemIndex, clientId, policy);
	}
	return { ...asJson(applicantToKycCase(applicant, { includeRaw: options.includeRaw })), created };
}
