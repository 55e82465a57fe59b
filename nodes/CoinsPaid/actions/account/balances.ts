/** The merchant balances (`POST /v2/accounts/list`): every currency, zero balances included. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { isZero, parseDecimal } from '../../../../lib/money';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { coinsPaidRequest } from '../../transport';
import { optionsCollection, readIncludeRaw } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['account'], operation: ['balances'] } }, [
	optionsCollection([
		{
			displayName: 'Skip Zero Balances',
			name: 'skipZero',
			type: 'boolean',
			default: false,
			description: 'Whether to leave out currencies whose balance is 0',
		},
	]),
]);

interface AccountsAnswer {
	data?: Array<{ currency?: string; type?: string; balance?: string | number }>;
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const answer = await coinsPaidRequest<AccountsAnswer>(this, '/accounts/list', {}, 'list the balances', {
		policy: readRetryPolicy(this, itemIndex),
		idempotent: true,
	});
	const skipZero = this.getNodeParameter('options.skipZero', itemIndex, false) === true;
	const includeRaw = readIncludeRaw(this, itemIndex);
	const rows: IDataObject[] = [];
	for (const entry of answer.data ?? []) {
		const currency = String(entry.currency ?? '').toUpperCase();
		const amount = parseDecimal(entry.balance ?? '0', `balance of ${currency}`);
		if (skipZero && isZero(amount)) continue;
		rows.push({
			source: 'coinspaid',
			currency,
			currencyType: entry.type ?? '',
			balance: { amount, currency },
			...(includeRaw ? { raw: entry as IDataObject } : {}),
		});
	}
	return rows;
}
