/**
 * Enhanced conversions for leads (reference/ads.md §3.3): the lead's e-mail and phone, normalised
 * as Google specifies and SHA-256 hashed here (lib/normalize.ts, destination "google"), let Google
 * find the click behind a lead form. The GCLID is optional ("for the most accurate measurement").
 * The account must have accepted the customer data terms and turned the feature on.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { FieldError } from '../../../../lib/errors';
import { googleUserIdentifiers, singleClickId } from '../../../../lib/googleAds';
import { leadingProperties, readConversion, trailingProperties, uploadConversions } from '../conversions';
import { readText } from '../inputs';

const identifierProperties: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '={{ $json.email }}',
		description: 'Hashed with SHA-256 after trimming and lower-casing (dots removed before @gmail.com), as Google specifies; an existing SHA-256 hex digest is sent as is',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		default: '={{ $json.phone }}',
		description: 'Written in E.164 with "+" (e.g. +35799123456) and hashed with SHA-256',
	},
	{
		displayName: 'Default Calling Code',
		name: 'defaultCallingCode',
		type: 'string',
		default: '',
		placeholder: '357',
		description: 'Country calling code added to phone numbers written without one',
	},
	{
		displayName: 'GCLID',
		name: 'gclid',
		type: 'string',
		default: '',
		description: 'Optional: the click ID when you have it, for the most accurate measurement',
	},
];

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['leadConversion'], operation: ['upload'] } }, [
	...leadingProperties,
	...identifierProperties,
	...trailingProperties,
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await uploadConversions(this, (itemIndex) => {
		const userIdentifiers = googleUserIdentifiers({
			email: readText(this, itemIndex, 'email'),
			phone: readText(this, itemIndex, 'phone'),
			defaultCallingCode: readText(this, itemIndex, 'defaultCallingCode'),
		});
		if (userIdentifiers.length === 0) throw new FieldError('Email', 'an e-mail or a phone number is required to match the lead');
		const click = singleClickId({ gclid: readText(this, itemIndex, 'gclid') }, false);
		return readConversion(this, itemIndex, {
			body: { ...(click ? { gclid: click.id } : {}), userIdentifiers },
			summary: { identifiers: userIdentifiers.map((identifier) => Object.keys(identifier)[0]) },
			click,
		});
	});
}
