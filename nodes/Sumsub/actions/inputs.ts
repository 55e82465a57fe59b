/**
 * Reading the parameters several Sumsub operations share, so a bad value is reported the same way
 * everywhere: naming the field and saying what to enter.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { calendarDate, countryAlpha3 } from '../../../lib/kyc';
import { includeRawOption as rawOption } from '../../../lib/rawData';
import { fieldError, readText } from '../../../lib/parameters';

export { fieldError, readText };

export function requireText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const value = readText(ctx, itemIndex, parameter);
	if (value === '') throw fieldError(ctx, itemIndex, label, `is required, e.g. ${example}`);
	return value;
}

/** Sumsub applicant ids are 24 hexadecimal characters (a MongoDB ObjectId), e.g. 5b594ade0a975a36c9349e66. */
export function readApplicantId(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = requireText(ctx, itemIndex, 'applicantId', 'Applicant ID', '5b594ade0a975a36c9349e66');
	if (!/^[0-9a-fA-F]{24}$/.test(id)) {
		throw fieldError(ctx, itemIndex, 'Applicant ID', `must be the 24-character ID Sumsub gave the applicant (e.g. 5b594ade0a975a36c9349e66); it is "${id}". To find an applicant by your own client ID, use Get with "Find By: Client ID".`);
	}
	return id.toLowerCase();
}

/** A country as Sumsub wants it (ISO 3166-1 alpha-3), from alpha-2 ("GB") or alpha-3 ("GBR"). */
export function readCountry(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, required: boolean): string | undefined {
	return toAlpha3(ctx, itemIndex, readText(ctx, itemIndex, parameter), label, required);
}

/** The same rule for a value already read (e.g. from a collection). */
export function toAlpha3(ctx: IExecuteFunctions, itemIndex: number, text: string, label: string, required: boolean): string | undefined {
	if (text === '') {
		if (required) throw fieldError(ctx, itemIndex, label, 'is required: a two- or three-letter ISO country code, e.g. GB or GBR');
		return undefined;
	}
	const alpha3 = countryAlpha3(text);
	if (!alpha3) throw fieldError(ctx, itemIndex, label, `"${text}" is not an ISO 3166-1 country code; enter two or three letters, e.g. GB or GBR`);
	return alpha3;
}

/** A calendar date YYYY-MM-DD (a date-time keeps its date part). */
export function readDate(ctx: IExecuteFunctions, itemIndex: number, value: unknown, label: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = calendarDate(typeof value === 'string' ? value : String(value));
	if (!date) throw fieldError(ctx, itemIndex, label, `"${String(value)}" is not a date; write it as YYYY-MM-DD, e.g. 1990-04-25`);
	return date;
}

export const includeRawOption = rawOption('Sumsub\'s answer as it came');

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject & { includeRaw: boolean } {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { ...options, includeRaw: options.includeRaw === true };
}

export const applicantIdField: INodeProperties = {
	displayName: 'Applicant ID',
	name: 'applicantId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '5b594ade0a975a36c9349e66',
	description: 'The ID Sumsub gave the applicant (applicantId in its webhooks)',
};

export const levelNameField: INodeProperties = {
	displayName: 'Level Name',
	name: 'levelName',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'basic-kyc-level',
	description: 'The verification level configured in the Sumsub dashboard; it decides which documents are asked for',
};

export const externalUserIdField: INodeProperties = {
	displayName: 'Client ID',
	name: 'externalUserId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'CRM-100234',
	description: "Your CRM's client ID. Sumsub keeps it as the applicant's externalUserId, one applicant per client ID.",
};
