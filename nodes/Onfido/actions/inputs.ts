/** Reading the parameters Onfido operations share, so a bad value is reported naming the field. */
import { type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { countryAlpha3 } from '../../../lib/kyc';
import { includeRawOption as rawOption, optionsWithRaw, readIncludeRaw } from '../../../lib/rawData';
import { fieldError, readText, readRequired } from '../../../lib/parameters';

export { fieldError, readText, readRequired };

/** Onfido ids are UUIDs; anything else cannot exist there and would only produce a vague 404. */
export function readOnfidoId(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): string {
	const id = readRequired(ctx, itemIndex, parameter, label, '1030303-123123-123123');
	if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) throw fieldError(ctx, itemIndex, label, `must be an Onfido ID (letters, digits and dashes); it is "${id}"`);
	return id;
}

/** A country as Onfido wants it (ISO 3166-1 alpha-3); alpha-2 is accepted and converted. Empty when not set. */
export function readCountry(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): string {
	const text = readText(ctx, itemIndex, parameter);
	if (text === '') return '';
	const code = countryAlpha3(text);
	if (!code) throw fieldError(ctx, itemIndex, label, `must be an ISO 3166-1 country code such as GB or GBR; it is "${text}"`);
	return code;
}

/** A date written YYYY-MM-DD (what Onfido takes for a date of birth). Empty when not set. */
export function readDate(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): string {
	const text = readText(ctx, itemIndex, parameter);
	if (text === '') return '';
	const date = text.slice(0, 10);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
		throw fieldError(ctx, itemIndex, label, `must be a date written YYYY-MM-DD, e.g. 1990-04-01; it is "${text}"`);
	}
	return date;
}

export const includeRawOption = rawOption('the answer exactly as Onfido returned it');
export { readIncludeRaw };

export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return optionsWithRaw(includeRawOption, extra);
}
