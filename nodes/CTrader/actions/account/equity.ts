import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { readTrader } from '../../transport/reports';
import { includeRawOption, readIncludeRaw, readLogin } from '../inputs';
import { itemJson, toAccountFigures } from '../mappers';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['account'], operation: ['equity'] } }, [
	{
		displayName: 'Login',
		name: 'login',
		type: 'string',
		required: true,
		default: '',
		placeholder: '3100101',
		description: 'The cTrader trader login',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
]);

/** Balance, credit, equity, used and free margin and margin level, exact, in the deposit currency. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const login = readLogin(this, itemIndex);
	const trader = await readTrader(this, login, readRetryPolicy(this, itemIndex));
	return itemJson(toAccountFigures(trader, { includeRaw: readIncludeRaw(this, itemIndex) }));
}
