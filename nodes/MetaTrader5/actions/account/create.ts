import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { fitKey, onceInProcess } from '../../../../lib/idempotency';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request, mt5ServerZone } from '../../transport';
import { toTradingAccount, type Mt5Record } from '../mappers';
import { DETAIL_FIELDS, EMAIL_FIELD, looksLikeEmail, MAX_LEVERAGE, MIN_LEVERAGE } from './fields';
import { groupCurrency, includeRawOption, readIncludeRaw, readRequiredText } from './inputs';
import { generateMt5Password, mt5PasswordProblem } from './passwords';

const PASSWORD_NOTE =
	'Leave empty to generate one that meets MT5 rules. The password is returned once, in the output field';

const properties: INodeProperties[] = [
	{
		displayName:
			'The output holds the new login and both passwords (mainPassword, investorPassword). MT5 never shows them again: store them in the CRM or send them to the client.',
		name: 'createNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Group',
		name: 'group',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'real\\standard',
		description: 'The MT5 group the account opens in; it decides the currency, e.g. real\\standard',
	},
	{
		displayName: 'Leverage',
		name: 'leverage',
		type: 'number',
		default: 100,
		typeOptions: { minValue: MIN_LEVERAGE, maxValue: MAX_LEVERAGE, numberPrecision: 0 },
		description: 'The N in 1:N, from 1 to 500',
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		description: "The client's first name",
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		required: true,
		description: "The client's last name",
	},
	{ ...EMAIL_FIELD.property },
	{
		displayName: 'Client Reference',
		name: 'clientReference',
		type: 'string',
		default: '',
		placeholder: 'crm:1003',
		description:
			"The CRM's ID for the client. Kept in the account's comment: when an account with this reference already exists in the group, it is returned (alreadyExisted: true) instead of a second one being opened — a re-sent event opens no second account.",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: DETAIL_FIELDS.map((field) => field.property),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			includeRawOption,
			{
				displayName: 'Investor Password',
				name: 'investorPassword',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: `The read-only password. ${PASSWORD_NOTE} investorPassword.`,
			},
			{
				displayName: 'Main Password',
				name: 'mainPassword',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: `The trading password. ${PASSWORD_NOTE} mainPassword.`,
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['create'] } }, properties);

function readLeverage(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = ctx.getNodeParameter('leverage', itemIndex, 100) as unknown;
	const leverage = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof leverage !== 'number' || !Number.isInteger(leverage) || leverage < MIN_LEVERAGE || leverage > MAX_LEVERAGE) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Leverage": must be a whole number from ${MIN_LEVERAGE} to ${MAX_LEVERAGE} (the N in 1:N); it is ${JSON.stringify(value)}`,
			{ itemIndex },
		);
	}
	return leverage;
}

/** A given password is checked here (MT5 would only say 3006); an empty one is generated. */
function passwordFor(ctx: IExecuteFunctions, itemIndex: number, option: string, label: string): string {
	const given = ctx.getNodeParameter(`options.${option}`, itemIndex, '') as unknown;
	if (given === undefined || given === null || given === '') return generateMt5Password();
	const problem = typeof given === 'string' ? mt5PasswordProblem(given) : 'must be text';
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${label}": ${problem}. MT5 needs 8 to 16 characters with lower case, upper case, a digit and a special character; leave it empty to generate one`,
			{ itemIndex },
		);
	}
	return given as string;
}

/** `POST /api/user/add` (`webapi_user_add`): login 0, so the server allocates the next free login. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const policy = readRetryPolicy(this, itemIndex);
	const group = readRequiredText(this, itemIndex, 'group', 'Group', 'real\\standard');
	const leverage = readLeverage(this, itemIndex);
	const firstName = readRequiredText(this, itemIndex, 'firstName', 'First Name', 'Maria');
	const lastName = readRequiredText(this, itemIndex, 'lastName', 'Last Name', 'Papadopoulou');
	const email = String(this.getNodeParameter('email', itemIndex, '') ?? '').trim();
	if (email !== '' && !looksLikeEmail(email)) {
		throw new NodeOperationError(this.getNode(), '"Email": is not an email address (expected name@domain)', { itemIndex });
	}
	const details = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const mainPassword = passwordFor(this, itemIndex, 'mainPassword', 'Main Password');
	const investorPassword = passwordFor(this, itemIndex, 'investorPassword', 'Investor Password');

	// Everything goes in the JSON body (MT5 field names, case-sensitive): passwords must not be in
	// the URL (`webapi_user_add`), and a body needs no parameter escaping.
	const body: Record<string, string> = {
		Login: '0',
		Group: group,
		Leverage: String(leverage),
		Name: `${firstName} ${lastName}`,
		FirstName: firstName,
		LastName: lastName,
		PassMain: mainPassword,
		PassInvestor: investorPassword,
	};
	if (email !== '') body.Email = email;
	for (const field of DETAIL_FIELDS) {
		const value = details[field.name];
		if (typeof value === 'string' && value.trim() !== '') body[field.mt5] = value.trim();
	}

	const reference = String(this.getNodeParameter('clientReference', itemIndex, '') ?? '').trim();
	const includeRaw = readIncludeRaw(this, itemIndex);
	const describe = async (user: Mt5Record, extra: IDataObject): Promise<IDataObject> => {
		const zone = await mt5ServerZone(this);
		const currency = await groupCurrency(this, typeof user.Group === 'string' ? user.Group : group, policy);
		return { ...toTradingAccount(user, undefined, zone, { currency, includeRaw }), ...extra } as IDataObject;
	};
	const open = async (): Promise<IDataObject> => {
		const { answer } = await mt5Request(
			this,
			{ method: 'POST', path: '/api/user/add', body, idempotent: false },
			`create an account in group ${group}`,
			policy,
			reference
				? {
						// The answer was lost: the account may exist; look before opening another.
						beforeRetry: async () => {
							const found = await findByReference(this, group, body.Comment, policy);
							return found ? { result: { retcode: 0, answer: found, body: {} } } : { retry: true };
						},
					}
				: {},
		);
		return await describe(answer as Mt5Record, { mainPassword, investorPassword, alreadyExisted: false });
	};
	if (!reference) return await open();

	body.Comment = fitKey(reference, MT5_USER_COMMENT_MAX);
	// Not remembered after it finishes: the result holds the new passwords.
	const { result, duplicate } = await onceInProcess(
		`mt5-account|${group}|${body.Comment}`,
		async () => {
			const existing = await findByReference(this, group, body.Comment, policy);
			return existing ? await describe(existing, { alreadyExisted: true }) : await open();
		},
		{ remember: false },
	);
	return duplicate ? withoutPasswords(result) : result;
}

/** MT5 keeps a user comment of up to 64 characters with the terminator (`IMTUser::Comment`). */
const MT5_USER_COMMENT_MAX = 63;

function withoutPasswords(account: IDataObject): IDataObject {
	const { mainPassword: _main, investorPassword: _investor, ...rest } = account;
	return { ...rest, alreadyExisted: true };
}

/** The account of the group whose comment is this client reference, if there is one. */
async function findByReference(
	ctx: IExecuteFunctions,
	group: string,
	comment: string,
	policy: ReturnType<typeof readRetryPolicy>,
): Promise<Mt5Record | undefined> {
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/user/get_batch', query: { group }, idempotent: true },
		`look for an existing account in group ${group}`,
		policy,
	);
	return (Array.isArray(answer) ? (answer as Mt5Record[]) : []).find((user) => user.Comment === comment);
}
