/** Reading the parameters CoinsPaid operations share, so a bad value is reported naming the field. */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { includeRawOption as rawOption, readIncludeRaw } from '../../../lib/rawData';

export function fieldError(ctx: IExecuteFunctions, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `"${field}": ${problem}`, { itemIndex });
}

/** A text parameter, trimmed; empty when not set. */
export function readText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, fallback = ''): string {
	const value = ctx.getNodeParameter(parameter, itemIndex, fallback) as unknown;
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** A required text parameter. */
export function readRequired(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const text = readText(ctx, itemIndex, parameter);
	if (text === '') throw fieldError(ctx, itemIndex, label, `is required, e.g. ${example}`);
	return text;
}

/** A currency ticker as CoinsPaid writes it (BTC, USDT, EUR). */
export function readCurrency(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, required = true): string {
	const code = readText(ctx, itemIndex, parameter).toUpperCase();
	if (code === '' && !required) return '';
	if (!/^[A-Z0-9]{2,10}$/.test(code)) {
		throw fieldError(ctx, itemIndex, label, `must be a currency ticker such as BTC, ETH or USDT; it is "${code}"`);
	}
	return code;
}

export const includeRawOption = rawOption('the answer exactly as CoinsPaid returned it');
export { readIncludeRaw };

export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, includeRawOption],
	};
}
