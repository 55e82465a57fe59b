/**
 * Opens a trader account (`POST /webserv/traders`). The API wants every required setting spelled
 * out (access rights, account type, balance, broker, currency, group, MD5 of the password,
 * leverageInCents, margin calculation type); the balance is always 0 here, because money moves only
 * through Balance operations, which are exactly once.
 */
import { randomInt } from 'crypto';
import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt } from '../../../../lib/errors';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { computePlainHash } from '../../../../lib/signatures';
import { cTraderRequest, cTraderSettings } from '../../transport';
import { readTrader, type CTraderRecord } from '../../transport/reports';
import { fieldError, includeRawOption, readIncludeRaw, readText } from '../inputs';
import { itemJson, leverageInCents, toTradingAccount } from '../mappers';

export const ACCESS_RIGHTS = [
	{ name: 'Full Access', value: 'FULL_ACCESS', description: 'The client may log in and trade' },
	{ name: 'Close Only', value: 'CLOSE_ONLY', description: 'The client may only close positions' },
	{ name: 'No Trading', value: 'NO_TRADING', description: 'The client may log in but not trade' },
	{ name: 'No Login', value: 'NO_LOGIN', description: 'The client may not log in' },
];

export const ACCOUNT_TYPES = [
	{ name: 'Hedged', value: 'HEDGED', description: 'Opposite positions in one symbol may coexist' },
	{ name: 'Netted', value: 'NETTED', description: 'One net position per symbol' },
	{ name: 'Spread Betting', value: 'SPREAD_BETTING' },
];

export const MARGIN_CALCULATION_TYPES = [
	{ name: 'Max', value: 'MAX', description: 'The larger of the buy and sell margin' },
	{ name: 'Sum', value: 'SUM', description: 'Buy and sell margin added' },
	{ name: 'Net', value: 'NET', description: 'Margin of the net exposure' },
];

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['account'], operation: ['create'] } }, [
	{
		displayName: 'Group',
		name: 'groupName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Standard',
		description: 'The trader group the account joins, by name',
	},
	{
		displayName: 'Leverage',
		name: 'leverage',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 100,
		description: 'The N of 1:N, e.g. 100 for 1:100 (sent to cTrader as leverageInCents, 10000)',
	},
	{
		displayName: 'Deposit Currency',
		name: 'depositCurrency',
		type: 'string',
		default: 'USD',
		description: 'The account currency, e.g. USD or EUR',
	},
	{
		displayName: 'Access Rights',
		name: 'accessRights',
		type: 'options',
		options: ACCESS_RIGHTS,
		default: 'FULL_ACCESS',
	},
	{
		displayName: 'Account Type',
		name: 'accountType',
		type: 'options',
		options: ACCOUNT_TYPES,
		default: 'HEDGED',
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '={{ $json.firstName }}',
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '={{ $json.lastName }}',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '={{ $json.email }}',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'A note on the account, shown to the broker only',
			},
			{
				displayName: 'Margin Calculation',
				name: 'totalMarginCalculationType',
				type: 'options',
				options: MARGIN_CALCULATION_TYPES,
				default: 'MAX',
				description: 'How cTrader adds up the margin of opposite positions',
			},
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The trading password. Left empty, one is generated and returned as generatedPassword, so it can be sent to the client. Only its MD5 hash is sent to cTrader.',
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				description: 'In international form, e.g. +35799123456',
			},
			{
				displayName: 'Swap Free',
				name: 'swapFree',
				type: 'boolean',
				default: false,
				description: 'Whether the account is charged no swap (Islamic account)',
			},
		],
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

const PASSWORD_ALPHABETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789'];

/** 12 characters with an upper-case letter, a lower-case letter and a digit; no look-alikes (0/O, 1/l/I). */
export function generateTraderPassword(length = 12): string {
	const all = PASSWORD_ALPHABETS.join('');
	const chars = PASSWORD_ALPHABETS.map((alphabet) => alphabet[randomInt(alphabet.length)]);
	while (chars.length < length) chars.push(all[randomInt(all.length)]);
	// Fisher–Yates, so the guaranteed characters are not always first.
	for (let i = chars.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[chars[i], chars[j]] = [chars[j], chars[i]];
	}
	return chars.join('');
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const policy = readRetryPolicy(this, itemIndex);
	const { brokerName } = await cTraderSettings(this);
	if (!brokerName) throw fieldError(this, itemIndex, 'Broker Name', 'is empty in the cTrader credential; new accounts need it');
	const groupName = readText(this, itemIndex, 'groupName');
	if (!groupName) throw fieldError(this, itemIndex, 'Group', 'is required, e.g. Standard');
	const leverage = attempt(() => leverageInCents(this.getNodeParameter('leverage', itemIndex), 'Leverage'));
	if (!leverage.ok) throw new NodeOperationError(this.getNode(), leverage.error.message, { itemIndex });
	const depositCurrency = readText(this, itemIndex, 'depositCurrency').toUpperCase();
	if (!/^[A-Z0-9]{2,10}$/.test(depositCurrency)) {
		throw fieldError(this, itemIndex, 'Deposit Currency', `must be an asset name such as USD, got "${depositCurrency}"`);
	}
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const email = readText(this, itemIndex, 'email').toLowerCase();
	if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw fieldError(this, itemIndex, 'Email', `is not an email address: "${email}"`);
	const phone = typeof extra.phone === 'string' ? extra.phone.trim() : '';
	const given = typeof extra.password === 'string' ? extra.password : '';
	const password = given === '' ? generateTraderPassword() : given;

	const body: IDataObject = {
		accessRights: this.getNodeParameter('accessRights', itemIndex, 'FULL_ACCESS') as string,
		accountType: this.getNodeParameter('accountType', itemIndex, 'HEDGED') as string,
		balance: 0,
		brokerName,
		depositCurrency,
		groupName,
		hashedPassword: computePlainHash('md5', [password], 'hex'),
		leverageInCents: leverage.value,
		totalMarginCalculationType: typeof extra.totalMarginCalculationType === 'string' ? extra.totalMarginCalculationType : 'MAX',
		contactDetails: { ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
	};
	const firstName = readText(this, itemIndex, 'firstName');
	const lastName = readText(this, itemIndex, 'lastName');
	if (firstName) body.name = firstName;
	if (lastName) body.lastName = lastName;
	if (typeof extra.description === 'string' && extra.description.trim()) body.description = extra.description.trim();
	if (typeof extra.swapFree === 'boolean') body.swapFree = extra.swapFree;

	let trader = await cTraderRequest<CTraderRecord>(
		this,
		{ method: 'POST', path: '/webserv/traders', body },
		`create an account in group ${groupName}`,
		policy,
	);
	// The docs promise only the login in the answer; read the account when the figures are missing.
	if (trader?.moneyDigits === undefined && trader?.login !== undefined) trader = await readTrader(this, String(trader.login), policy);
	const account = toTradingAccount(trader, { includeRaw: readIncludeRaw(this, itemIndex) });
	return itemJson(given === '' ? { ...account, generatedPassword: password } : account);
}
