/** Reading the parameters CoinsPaid operations share, so a bad value is reported naming the field. */
import { type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { includeRawOption as rawOption, optionsWithRaw, readIncludeRaw } from '../../../lib/rawData';
import { fieldError, readText, readRequired } from '../../../lib/parameters';

export { fieldError, readText, readRequired };

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
	return optionsWithRaw(includeRawOption, extra);
}
