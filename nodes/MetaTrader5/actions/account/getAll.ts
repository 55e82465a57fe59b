import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5ServerZone } from '../../transport';
import { toTradingAccount, type Mt5Record } from '../mappers';
import {
	accountSelectionProperties,
	checkAllFound,
	describeSelection,
	getBatch,
	groupCurrency,
	includeRawOption,
	readAccountSelection,
	readIncludeRaw,
	skipUnknownLoginsOption,
} from './inputs';

const properties: INodeProperties[] = [
	...accountSelectionProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption, skipUnknownLoginsOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['getAll'] } }, properties);

/**
 * One item per account: `/api/user/get_batch` for the records and `/api/user/account/get_batch`
 * for equity and margin, matched by login (`webapi_user_get_batch`, `webapi_user_account_get`).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const policy = readRetryPolicy(this, itemIndex);
	const selection = readAccountSelection(this, itemIndex);
	const action = `read ${describeSelection(selection)}`;
	const users = await getBatch(this, '/api/user/get_batch', selection, action, policy);
	if (selection.by === 'logins') checkAllFound(this, itemIndex, selection.logins, users.map((user) => String(user.Login)));
	const accounts = await getBatch(this, '/api/user/account/get_batch', selection, action, policy);
	const accountByLogin = new Map(accounts.map((account) => [String(account.Login), account]));
	const zone = await mt5ServerZone(this);
	const includeRaw = readIncludeRaw(this, itemIndex);
	const items: IDataObject[] = [];
	for (const user of users as Mt5Record[]) {
		const currency = await groupCurrency(this, typeof user.Group === 'string' ? user.Group : undefined, policy);
		items.push(toTradingAccount(user, accountByLogin.get(String(user.Login)), zone, { currency, includeRaw }) as unknown as IDataObject);
	}
	return items;
}
