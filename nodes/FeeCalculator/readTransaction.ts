import type { IDataObject } from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { digitsOf, readPspFee, type FeeInput } from '../../lib/fees';
import { getPath } from '../../lib/mapping';
import { compareDecimal, parseDecimal } from '../../lib/money';
import type { FeeCalculatorSettings, FieldPath } from './readSettings';

function present(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function requiredText(json: IDataObject, field: FieldPath): string {
	const value = getPath(json, field.path);
	if (!present(value)) throw new FieldError(field.name, 'is required but missing');
	if (typeof value === 'object') throw new FieldError(field.name, 'must be text, got an object');
	return String(value).trim();
}

function grossAmount(json: IDataObject, field: FieldPath): string {
	const value = getPath(json, field.path);
	if (!present(value)) throw new FieldError(field.name, 'is required but missing');
	const parsed = attempt(() => parseDecimal(value));
	if (!parsed.ok) {
		throw new FieldError(field.name, `must be a decimal number such as "100.50", got ${JSON.stringify(value)}`);
	}
	if (compareDecimal(parsed.value, '0') < 0) {
		throw new FieldError(field.name, `must not be negative, got "${parsed.value}"; give withdrawals as positive amounts`);
	}
	return parsed.value;
}

/** The fee inputs of one transaction item, each checked and named by the field it was read from. */
export function readTransaction(json: IDataObject, settings: FeeCalculatorSettings): FeeInput {
	const { fields } = settings;
	const gross = grossAmount(json, fields.grossAmount);
	const currency = requiredText(json, fields.currency).toUpperCase();
	digitsOf(currency, settings.currencyDigits, fields.currency.name);
	const provider = requiredText(json, fields.provider);
	const methodValue = getPath(json, fields.method.path);
	const method = present(methodValue) && typeof methodValue !== 'object' ? String(methodValue).trim() : undefined;
	const direction = requiredText(json, fields.direction).toLowerCase();
	if (direction !== 'deposit' && direction !== 'withdrawal') {
		throw new FieldError(fields.direction.name, `must be deposit or withdrawal, got "${direction}"`);
	}
	const pspFee = fields.pspFee ? readPspFee(getPath(json, fields.pspFee.path), currency, fields.pspFee.name) : undefined;
	return { gross, currency, provider, method, direction, pspFee };
}
