/**
 * Parameters the Meta Conversions operations share: the customer identifiers (read from the
 * item's canonical client fields by default), consent, and reading them so a bad value is
 * reported naming the field.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { ItemValidationError } from '../../../lib/errors';
import type { Identifiers } from '../../../lib/metaConversions';
import type { IdentifierKind } from '../../../lib/normalize';
import { fieldError, readText } from '../../../lib/parameters';

export { fieldError, readText };

/** The identifier parameters and the canonical field each reads by default. */
export const IDENTIFIER_PARAMETERS: ReadonlyArray<{ kind: IdentifierKind; name: string; displayName: string; field: string; description: string }> = [
	{ kind: 'email', name: 'email', displayName: 'Email', field: 'email', description: 'Trimmed and lower-cased, then SHA-256 hashed (em)' },
	{
		kind: 'phone',
		name: 'phone',
		displayName: 'Phone',
		field: 'phone',
		description: 'With country code (+357 99 123456); symbols and leading zeros removed, then hashed (ph). A national number needs Default Calling Code.',
	},
	{ kind: 'firstName', name: 'firstName', displayName: 'First Name', field: 'firstName', description: 'Lower-cased without punctuation or spaces, then hashed (fn)' },
	{ kind: 'lastName', name: 'lastName', displayName: 'Last Name', field: 'lastName', description: 'Lower-cased without punctuation or spaces, then hashed (ln)' },
	{ kind: 'dateOfBirth', name: 'dateOfBirth', displayName: 'Date of Birth', field: 'dateOfBirth', description: 'YYYY-MM-DD, sent as YYYYMMDD hashed (db)' },
	{ kind: 'gender', name: 'gender', displayName: 'Gender', field: 'gender', description: 'f or m (Female/Male accepted), hashed (ge)' },
	{ kind: 'city', name: 'city', displayName: 'City', field: 'city', description: 'Lower-cased without spaces or punctuation, then hashed (ct)' },
	{ kind: 'state', name: 'state', displayName: 'State', field: 'state', description: 'Two-letter state or province code, hashed (st)' },
	{ kind: 'zip', name: 'zip', displayName: 'Zip', field: 'zip', description: 'Lower-cased without spaces (US: first five digits), then hashed (zp)' },
	{ kind: 'country', name: 'country', displayName: 'Country', field: 'country', description: 'Two-letter ISO code such as CY, hashed (country)' },
	{
		kind: 'externalId',
		name: 'externalId',
		displayName: 'External ID',
		field: 'clientId',
		description: 'Your stable CRM client ID, hashed (external_id). Use the same ID as your pixel does. Never a trading account number.',
	},
];

export function identifierProperties(): INodeProperties[] {
	return IDENTIFIER_PARAMETERS.map(({ name, displayName, field, description }) => ({
		displayName,
		name,
		type: 'string',
		default: `={{ $json.${field} }}`,
		description,
	}));
}

export const consentProperty: INodeProperties = {
	displayName: 'Consent',
	name: 'consent',
	type: 'string',
	default: '={{ $json.consent }}',
	description:
		'Whether the client agreed to ad measurement. Only true, "true", "yes", "granted" or 1 count as consent; anything else (including empty) sends nothing and puts the item on the Not Sent output.',
};

/** Turns the field errors of one item into one error that names every field. */
export function validationError(ctx: IExecuteFunctions, itemIndex: number, error: ItemValidationError): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), error.message, { itemIndex });
}

export function readIdentifiers(ctx: IExecuteFunctions, itemIndex: number): Identifiers {
	const identifiers: Identifiers = {};
	for (const { kind, name } of IDENTIFIER_PARAMETERS) {
		const value = readText(ctx, itemIndex, name);
		if (value) identifiers[kind] = value;
	}
	return identifiers;
}

const CONSENT_WORDS = new Set(['true', 'yes', 'granted', '1', 'y']);

/** Consent is explicit: only clear yes-values count; missing or unreadable is no consent. */
export function hasConsent(value: unknown): boolean {
	if (value === true || value === 1) return true;
	return typeof value === 'string' && CONSENT_WORDS.has(value.trim().toLowerCase());
}

export function readConsent(ctx: IExecuteFunctions, itemIndex: number): { granted: boolean; value: unknown } {
	const value = ctx.getNodeParameter('consent', itemIndex, '') as unknown;
	return { granted: hasConsent(value), value };
}

/** The Options collection's Default Calling Code (digits only). */
export function readDefaultCallingCode(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const value = ctx.getNodeParameter('options.defaultCallingCode', itemIndex, '') as unknown;
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.replace(/\D/g, '') : '';
	return text || undefined;
}

export const defaultCallingCodeOption: INodeProperties = {
	displayName: 'Default Calling Code',
	name: 'defaultCallingCode',
	type: 'string',
	default: '',
	placeholder: '357',
	description: 'Country calling code added to phone numbers written without one (e.g. 357 for Cyprus). Meta needs every phone with its country code.',
};

export function batchSizeOption(max: number): INodeProperties {
	return {
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: max, numberPrecision: 0 },
		default: max,
		description: `How many items go in one request to Meta, at most ${max.toLocaleString('en-US')} (Meta's limit)`,
	};
}

/** Batch size from the options, checked against Meta's limit. */
export function readBatchSize(ctx: IExecuteFunctions, max: number): number {
	const value = ctx.getNodeParameter('options.batchSize', 0, max) as unknown;
	const size = typeof value === 'string' ? Number(value) : (value as number);
	if (!Number.isInteger(size) || size < 1 || size > max) {
		throw new NodeOperationError(ctx.getNode(), `"Batch Size" must be a whole number from 1 to ${max}; it is ${JSON.stringify(value)}`, {
			description: 'Correct Batch Size under Options, or remove it to use the largest batch Meta accepts.',
		});
	}
	return size;
}

/** Not-sent items keep their input fields and say why, for a review queue. */
export function notSentJson(input: Record<string, unknown>, code: string, reason: string) {
	return { ...input, notSent: { destination: 'meta', code, reason } };
}
