import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request, mt5ServerZone } from '../../transport';
import { toTradingAccount, type Mt5Record } from '../mappers';
import { groupCurrency, includeRawOption, readIncludeRaw, readLogin } from './inputs';

const properties: INodeProperties[] = [
	{
		displayName: 'Login',
		name: 'login',
		type: 'string',
		default: '',
		required: true,
		placeholder: '700001',
		description: 'The MT5 account number',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['get'] } }, properties);

/** The user record (`/api/user/get`) with its money state (`/api/user/account/get`) merged in. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const policy = readRetryPolicy(this, itemIndex);
	const login = readLogin(this, itemIndex);
	const action = `read account ${login}`;
	const user = (await mt5Request(this, { path: '/api/user/get', query: { login }, idempotent: true }, action, policy)).answer as Mt5Record;
	const account = (await mt5Request(this, { path: '/api/user/account/get', query: { login }, idempotent: true }, action, policy))
		.answer as Mt5Record;
	const zone = await mt5ServerZone(this);
	const currency = await groupCurrency(this, typeof user.Group === 'string' ? user.Group : undefined, policy);
	return toTradingAccount(user, account, zone, { currency, includeRaw: readIncludeRaw(this, itemIndex) }) as unknown as IDataObject;
}
