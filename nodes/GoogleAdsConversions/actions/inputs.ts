/** Reading the parameters Google Ads operations share, so a bad value is reported naming the field. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FieldError } from '../../../lib/errors';
import { googleConsent, googleCustomerId, googleResourceName, type GoogleConsentStatus } from '../../../lib/googleAds';
import { readText } from '../../../lib/parameters';

export { readText };

/** Google's limit per uploadClickConversions call (TOO_MANY_CONVERSIONS_IN_REQUEST above 2000). */
export const MAX_CONVERSIONS_PER_REQUEST = 2000;

export function readRequired(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const text = readText(ctx, itemIndex, parameter);
	if (text === '') throw new FieldError(label, `is required, e.g. ${example}`);
	return text;
}

export function readCustomerId(ctx: IExecuteFunctions, itemIndex: number): string {
	return googleCustomerId(readRequired(ctx, itemIndex, 'customerId', 'Customer ID', '123-456-7890'));
}

export function readConversionAction(ctx: IExecuteFunctions, itemIndex: number, customerId: string): string {
	const value = readRequired(ctx, itemIndex, 'conversionAction', 'Conversion Action', '987654321');
	return googleResourceName(customerId, 'conversionActions', value, 'Conversion Action');
}

export function readConsent(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): GoogleConsentStatus | undefined {
	return googleConsent(ctx.getNodeParameter(parameter, itemIndex, '') as unknown, label);
}

/** A value from the "Options" collection. */
export function readOption<T>(ctx: IExecuteFunctions, itemIndex: number, name: string, fallback: T): T {
	const value = ctx.getNodeParameter(`options.${name}`, itemIndex, fallback) as T | undefined;
	return value === undefined || value === null || (value as unknown) === '' ? fallback : value;
}

/** A whole number option within limits; the error names the option. */
export function readWholeOption(ctx: IExecuteFunctions, name: string, label: string, fallback: number, min: number, max: number): number {
	const value = Number(readOption<unknown>(ctx, 0, name, fallback));
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new FieldError(label, `must be a whole number from ${min} to ${max}; it is ${JSON.stringify(readOption<unknown>(ctx, 0, name, fallback))}`);
	}
	return value;
}

export const customerIdProperty: INodeProperties = {
	displayName: 'Customer ID',
	name: 'customerId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '123-456-7890',
	description: 'The Google Ads account that owns the conversion action or list (10 digits, hyphens allowed)',
};

export function consentProperty(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		options: [
			{ name: 'Denied', value: 'DENIED' },
			{ name: 'Granted', value: 'GRANTED' },
			{ name: 'Not Sent', value: '' },
		],
		default: 'GRANTED',
		description,
	};
}

export const includeRawOption: INodeProperties = {
	displayName: 'Include Raw Vendor Data',
	name: 'includeRaw',
	type: 'boolean',
	default: false,
	description: 'Whether to add what Google Ads returned for the row under "raw"',
};
