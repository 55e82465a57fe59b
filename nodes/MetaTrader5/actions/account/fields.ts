/**
 * The client details an MT5 account record holds (`webapi_user_data_structure`), shared by Create
 * (Additional Fields) and Update (Update Fields): parameter name → MT5 JSON field (case-sensitive).
 */
import type { INodeProperties } from 'n8n-workflow';

export interface DetailField {
	/** The node parameter. */
	name: string;
	/** The MT5 JSON field (`webapi_user_add`, `webapi_user_update`). */
	mt5: string;
	property: INodeProperties;
}

function textField(displayName: string, name: string, mt5: string, description: string, placeholder?: string): DetailField {
	return {
		name,
		mt5,
		property: { displayName, name, type: 'string', default: '', description, ...(placeholder ? { placeholder } : {}) },
	};
}

/** Optional details, sorted by display name as the editor lists them. */
export const DETAIL_FIELDS: readonly DetailField[] = [
	textField('Address', 'address', 'Address', 'Street address'),
	textField('City', 'city', 'City', 'City of residence'),
	textField('Comment', 'comment', 'Comment', 'A note on the account, visible to MT5 managers'),
	textField('Country', 'country', 'Country', 'Country of residence as MT5 shows it, e.g. Cyprus', 'Cyprus'),
	textField('Lead Campaign', 'leadCampaign', 'LeadCampaign', 'The marketing campaign the client came from'),
	textField('Lead Source', 'leadSource', 'LeadSource', 'Where the client came from, e.g. the CRM or a landing page'),
	textField('Phone', 'phone', 'Phone', 'Phone number, ideally in E.164 form such as +35799123456', '+35799123456'),
	textField('State', 'state', 'State', 'State or region'),
	textField('ZIP Code', 'zipCode', 'ZIPCode', 'Postal code'),
];

export const EMAIL_FIELD: DetailField = textField('Email', 'email', 'Email', "The client's email address", 'name@email.com');
export const FIRST_NAME_FIELD: DetailField = textField('First Name', 'firstName', 'FirstName', "The client's first name");
export const LAST_NAME_FIELD: DetailField = textField('Last Name', 'lastName', 'LastName', "The client's last name");

export function byDisplayName(a: INodeProperties, b: INodeProperties): number {
	return a.displayName.localeCompare(b.displayName);
}

/** MT5 Web API: leverage 1..500 (`webapi_user_add`). */
export const MIN_LEVERAGE = 1;
export const MAX_LEVERAGE = 500;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(value: string): boolean {
	return EMAIL.test(value);
}
