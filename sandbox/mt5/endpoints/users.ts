/**
 * Client accounts: `webapi_user_add`, `webapi_user_get`, `webapi_user_get_batch`,
 * `webapi_user_logins`, `webapi_user_update`, `webapi_user_check_password`, and the trade account
 * (`webapi_user_account_get`, `..._get_batch`).
 *
 * Parameters come from the query (lower-case names, as in the docs) and/or a JSON body (MT5 field
 * names, case-sensitive: `PassMain`, `Group`, `LeadCampaign`); when both carry a field the query wins.
 * Passwords belong in the body (`webapi_user_add`), though pass_main/pass_investor are accepted.
 */
import { Mt5Error, RET } from '../retcodes';
import { groupMatcher, parseLogins, type Mt5Params } from '../params';
import { accountRecord, userRecord } from '../records';
import {
	USER_NUMBER_FIELDS,
	USER_TEXT_FIELDS,
	wholeNumber,
	type Mt5Store,
	type NewUser,
	type User,
	type UserChanges,
	type UserNumberField,
	type UserTextField,
} from '../store';
import type { ApiRoute, Mt5Context } from './api';

/** Query parameter → record field (`webapi_user_add`, `webapi_user_update`). */
const QUERY_FIELDS: Readonly<Record<string, UserTextField | UserNumberField>> = {
	name: 'Name',
	company: 'Company',
	language: 'Language',
	country: 'Country',
	city: 'City',
	state: 'State',
	zipcode: 'ZIPCode',
	address: 'Address',
	phone: 'Phone',
	email: 'Email',
	id: 'ID',
	status: 'Status',
	comment: 'Comment',
	color: 'Color',
	pass_phone: 'PhonePassword',
	agent: 'Agent',
};

/** A field's raw value: the query parameter if sent, else the body's (exact JSON name). */
function raw(params: Mt5Params, body: Record<string, unknown>, jsonName: string, queryName?: string): unknown {
	const fromQuery = queryName === undefined ? undefined : params.text(queryName);
	return fromQuery !== undefined ? fromQuery : body[jsonName];
}

function queryNameOf(field: string): string | undefined {
	return Object.keys(QUERY_FIELDS).find((q) => QUERY_FIELDS[q] === field);
}

function textValue(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function readNewUser(params: Mt5Params): NewUser {
	const body = params.body();
	const leverage = raw(params, body, 'Leverage', 'leverage');
	const login = raw(params, body, 'Login', 'login');
	const rights = raw(params, body, 'Rights', 'rights');
	const user: NewUser = {
		login: login === undefined ? undefined : strictWhole(login, 'login'),
		group: textValue(raw(params, body, 'Group', 'group')),
		leverage: leverage === undefined ? undefined : strictWhole(leverage, 'leverage'),
		rights: rights === undefined ? undefined : strictWhole(rights, 'rights'),
		passMain: textValue(raw(params, body, 'PassMain', 'pass_main')),
		passInvestor: textValue(raw(params, body, 'PassInvestor', 'pass_investor')),
		text: {},
		numbers: {},
	};
	for (const field of USER_TEXT_FIELDS) user.text[field] = textValue(raw(params, body, field, queryNameOf(field)));
	for (const field of USER_NUMBER_FIELDS) {
		const value = raw(params, body, field, queryNameOf(field));
		if (value !== undefined) user.numbers[field] = strictWhole(value, field);
	}
	return user;
}

function strictWhole(value: unknown, name: string): number {
	const number = wholeNumber(value);
	if (number === undefined) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" must be a whole number`);
	return number;
}

/** user/update: raw values only; the store keeps what is invalid unchanged. */
function readChanges(params: Mt5Params): UserChanges {
	const body = params.body();
	const changes: UserChanges = {
		group: textValue(raw(params, body, 'Group', 'group')),
		leverage: raw(params, body, 'Leverage', 'leverage'),
		rights: raw(params, body, 'Rights', 'rights'),
		text: {},
		numbers: {},
	};
	for (const field of USER_TEXT_FIELDS) changes.text[field] = raw(params, body, field, queryNameOf(field));
	for (const field of USER_NUMBER_FIELDS) changes.numbers[field] = raw(params, body, field, queryNameOf(field));
	return changes;
}

function loginParam(params: Mt5Params): number {
	const login = params.requiredInteger('login');
	if (login <= 0) throw new Mt5Error(RET.ERR_PARAMS, '"login" must be positive');
	return login;
}

/** `login=a,b` or `group=mask`: exactly one of them (`webapi_user_get_batch`). */
export function selectUsers(params: Mt5Params, store: Mt5Store): User[] {
	const logins = params.text('login');
	const group = params.text('group');
	if ((logins === undefined) === (group === undefined)) {
		throw new Mt5Error(RET.ERR_PARAMS, 'give either "login" or "group"');
	}
	return logins !== undefined ? store.usersByLogin(parseLogins(logins)) : store.usersInGroups(group as string);
}

function renderUser({ store }: Mt5Context, user: User) {
	return userRecord(user, store.figures(user), store.digitsOf(user));
}

function renderAccount({ store }: Mt5Context, user: User) {
	return accountRecord(user, store.figures(user), store.digitsOf(user));
}

export const userRoutes: ApiRoute[] = [
	{
		path: '/api/user/add',
		right: 'accountsModify',
		handler: (ctx) => renderUser(ctx, ctx.store.addUser(readNewUser(ctx.params))),
	},
	{
		path: '/api/user/get',
		right: 'accountsRead',
		handler: (ctx) => renderUser(ctx, ctx.store.user(loginParam(ctx.params))),
	},
	{
		path: '/api/user/get_batch',
		right: 'accountsRead',
		handler: (ctx) => selectUsers(ctx.params, ctx.store).map((user) => renderUser(ctx, user)),
	},
	{
		// `webapi_user_logins`: the logins of the groups matching the mask, as strings.
		path: '/api/user/logins',
		right: 'accountsRead',
		handler: ({ params, store }) => {
			const matches = groupMatcher(params.required('group'));
			return store
				.allUsers()
				.filter((u) => matches(u.group.name))
				.map((u) => String(u.login));
		},
	},
	{
		path: '/api/user/update',
		right: 'accountsModify',
		handler: (ctx) => renderUser(ctx, ctx.store.updateUser(loginParam(ctx.params), readChanges(ctx.params))),
	},
	{
		// `webapi_user_check_password`: "0 Done" when it matches, "3006 Invalid account password" if not.
		path: '/api/user/check_password',
		right: 'accountsRead',
		handler: ({ params, store }) => {
			const body = params.body();
			const login = strictWhole(raw(params, body, 'Login', 'login'), 'login');
			const type = textValue(raw(params, body, 'Type', 'type')) ?? 'main';
			const password = textValue(raw(params, body, 'Password', 'password'));
			if (password === undefined) throw new Mt5Error(RET.ERR_PARAMS, '"password" is required');
			store.checkPassword(login, type, password);
			return undefined;
		},
	},
	{
		path: '/api/user/account/get',
		right: 'accountsRead',
		handler: (ctx) => renderAccount(ctx, ctx.store.user(loginParam(ctx.params))),
	},
	{
		path: '/api/user/account/get_batch',
		right: 'accountsRead',
		handler: (ctx) => selectUsers(ctx.params, ctx.store).map((user) => renderAccount(ctx, user)),
	},
];
