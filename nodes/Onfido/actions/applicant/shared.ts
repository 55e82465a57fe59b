/**
 * Applicant fields shared by Create and Update, and the applicant as the node outputs it. Onfido
 * applicants have no external-id field (onfido-node docs/ApplicantBuilder.md: names, email, dob,
 * id_numbers, phone_number, consents, address, location{ip_address, country_of_residence}), so
 * the CRM client id cannot be stored on the applicant; it travels on the workflow run
 * (`customer_user_id`) and on checks (a `client:<id>` tag), and is echoed in this output.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { countryAlpha2 } from '../../../../lib/kyc';
import { readCountry, readDate, readText } from '../inputs';

export const detailFields: INodeProperties[] = [
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
	{ displayName: 'Date of Birth', name: 'dob', type: 'string', default: '', placeholder: '1990-04-01', description: 'Written YYYY-MM-DD' },
	{ displayName: 'Phone Number', name: 'phoneNumber', type: 'string', default: '', placeholder: '+35799123456' },
	{
		displayName: 'Country of Residence',
		name: 'countryOfResidence',
		type: 'string',
		default: '',
		placeholder: 'CY',
		description: 'Two- or three-letter ISO country code; sent to Onfido as the applicant\'s location',
	},
	{ displayName: 'IP Address', name: 'ipAddress', type: 'string', default: '', description: 'The IP the client signed up from, sent as the applicant\'s location' },
];

/** The body Onfido takes, from the parameters under `prefix` ("" for top-level, "updateFields." for Update). */
export function applicantBody(ctx: IExecuteFunctions, itemIndex: number, prefix: string, names?: { first: string; last: string }): IDataObject {
	const body: IDataObject = {};
	if (names) {
		body.first_name = names.first;
		body.last_name = names.last;
	}
	const email = readText(ctx, itemIndex, `${prefix}email`);
	if (email) body.email = email.toLowerCase();
	const dob = readDate(ctx, itemIndex, `${prefix}dob`, 'Date of Birth');
	if (dob) body.dob = dob;
	const phone = readText(ctx, itemIndex, `${prefix}phoneNumber`);
	if (phone) body.phone_number = phone;
	const country = readCountry(ctx, itemIndex, `${prefix}countryOfResidence`, 'Country of Residence');
	const ip = readText(ctx, itemIndex, `${prefix}ipAddress`);
	if (country || ip) body.location = { ...(country ? { country_of_residence: country } : {}), ...(ip ? { ip_address: ip } : {}) };
	return body;
}

/** The applicant in the model's words (lib/model.ts Client fields), Onfido's id as applicantId. */
export function applicantJson(applicant: IDataObject, clientId: string, includeRaw: boolean): IDataObject {
	const location = (applicant.location ?? {}) as IDataObject;
	const country = countryAlpha2(location.country_of_residence);
	const json: IDataObject = {
		provider: 'onfido',
		applicantId: String(applicant.id ?? ''),
		...(clientId ? { clientId } : {}),
		firstName: applicant.first_name ?? null,
		lastName: applicant.last_name ?? null,
		email: applicant.email ?? null,
		dateOfBirth: applicant.dob ?? null,
		phone: applicant.phone_number ?? null,
		country: country ?? null,
		createdAtUtc: typeof applicant.created_at === 'string' ? new Date(applicant.created_at).toISOString() : null,
		deleteAtUtc: typeof applicant.delete_at === 'string' ? new Date(applicant.delete_at).toISOString() : null,
	};
	if (includeRaw) json.raw = applicant;
	return json;
}
