/**
 * Reading the account-selecting parameters every MT5 read shares (a login, a list of logins, a
 * group mask, "Include Raw Vendor Data"), and the group currency lookup. Account, deal and position
 * operations use these, so a bad login is reported the same way everywhere, naming the field.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attemptAsync } from '../../../../lib/errors';
import type { RetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request, Mt5RetcodeError } from '../../transport';
import { includeRawOption as rawOption, readIncludeRaw } from '../../../../lib/rawData';

const LOGIN = /^\d{1,19}$/;

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value === undefined || value === null || value === '') return 'empty';
	return JSON.stringify(value) ?? String(value);
}

function fieldError(ctx: IExecuteFunctions, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `"${field}": ${problem}`, { itemIndex });
}

/** One MT5 login (a positive whole number), as text. */
export function readLogin(ctx: IExecuteFunctions, itemIndex: number, parameter = 'login', label = 'Login'): string {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const login = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (login === '') throw fieldError(ctx, itemIndex, label, 'is required: give the MT5 login, e.g. 700001');
	if (!LOGIN.test(login) || /^0+$/.test(login)) {
		throw fieldError(ctx, itemIndex, label, `must be an MT5 login (a whole number such as 700001); it is ${show(value)}`);
	}
	return login.replace(/^0+/, '');
}

/** Logins as "700001, 700002", one per line, or an array from an expression; duplicates dropped. */
export function readLogins(ctx: IExecuteFunctions, itemIndex: number, parameter = 'logins', label = 'Logins'): string[] {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const parts = (Array.isArray(value) ? value : [value])
		.flatMap((entry) => (typeof entry === 'number' ? [String(entry)] : typeof entry === 'string' ? entry.split(/[\s,;]+/) : [entry]))
		.map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
		.filter((entry) => entry !== '');
	if (parts.length === 0) throw fieldError(ctx, itemIndex, label, 'is required: give one or more MT5 logins, e.g. 700001, 700002');
	const bad = parts.find((entry) => typeof entry !== 'string' || !LOGIN.test(entry) || /^0+$/.test(entry));
	if (bad !== undefined) {
		throw fieldError(ctx, itemIndex, label, `${show(bad)} is not an MT5 login (a whole number such as 700001)`);
	}
	return [...new Set((parts as string[]).map((login) => login.replace(/^0+/, '')))];
}

/** A group mask such as "real*" or "real\\*,!real\\vip" (`webapi_user_get_batch`). */
export function readGroupMask(ctx: IExecuteFunctions, itemIndex: number, parameter = 'groupMask', label = 'Group Mask'): string {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const mask = typeof value === 'string' ? value.trim() : '';
	if (mask === '') throw fieldError(ctx, itemIndex, label, 'is required: give a group or a mask such as real* or real\\*,!real\\vip');
	return mask;
}

/** A text parameter that must not be empty. */
export function readRequiredText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const result = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (result === '') throw fieldError(ctx, itemIndex, label, `is required, e.g. ${example}`);
	return result;
}

/** Logins asked for that the server did not return: an error naming them, unless told to skip them. */
export function checkAllFound(
	ctx: IExecuteFunctions,
	itemIndex: number,
	asked: string[],
	found: Iterable<string>,
	label = 'Logins',
): void {
	const present = new Set(found);
	const missing = asked.filter((login) => !present.has(login));
	if (missing.length === 0) return;
	if (ctx.getNodeParameter('options.skipUnknownLogins', itemIndex, false) === true) return;
	throw fieldError(
		ctx,
		itemIndex,
		label,
		`the server has no account ${missing.join(', ')} (turn on "Skip Unknown Logins" to leave unknown logins out)`,
	);
}

/** The "Skip Unknown Logins" option, for operations that accept a list of logins. */
export const skipUnknownLoginsOption: INodeProperties = {
	displayName: 'Skip Unknown Logins',
	name: 'skipUnknownLogins',
	type: 'boolean',
	default: false,
	description: 'Whether to leave out logins the server does not know instead of failing the item',
};

export const includeRawOption = rawOption('the records exactly as MetaTrader 5 returned them');
export { readIncludeRaw };

// ---------------------------------------------------------------------------------------------
// Group currencies

const currencyCaches = new WeakMap<object, Map<string, Promise<string | undefined>>>();

/** Group reads that leave the currency unknown instead of failing: not found, no permission. */
const CURRENCY_UNKNOWN_RETCODES = new Set([8, 13]);

/**
 * The currency of a group (the MT5 user record has none: an account's currency is its group's).
 * Asked once per group and node run. A group the server no longer knows (retcode 13), or a manager
 * without access to group settings (retcode 8), leaves `currency` out of the output rather than
 * failing a read that is about the account.
 */
export async function groupCurrency(ctx: IExecuteFunctions, group: string | undefined, policy: RetryPolicy): Promise<string | undefined> {
	if (!group) return undefined;
	let cache = currencyCaches.get(ctx);
	if (!cache) {
		cache = new Map();
		currencyCaches.set(ctx, cache);
	}
	const key = group.toLowerCase();
	let pending = cache.get(key);
	if (!pending) {
		pending = readGroupCurrency(ctx, group, policy, () => cache.delete(key));
		cache.set(key, pending);
	}
	return await pending;
}

async function readGroupCurrency(
	ctx: IExecuteFunctions,
	group: string,
	policy: RetryPolicy,
	forget: () => void,
): Promise<string | undefined> {
	const result = await attemptAsync(
		async () =>
			await mt5Request(ctx, { path: '/api/group/get', query: { group }, idempotent: true }, `read group ${group}`, policy),
	);
	if (!result.ok) {
		if (result.error instanceof Mt5RetcodeError && CURRENCY_UNKNOWN_RETCODES.has(result.error.retcode)) return undefined;
		// A failure is not remembered: the next item asks again.
		forget();
		throw result.error;
	}
	const currency = (result.value.answer as Record<string, unknown> | undefined)?.Currency;
	return typeof currency === 'string' && currency.trim() !== '' ? currency.trim().toUpperCase() : undefined;
}

// ---------------------------------------------------------------------------------------------
// Selecting accounts

/**
 * "Select By" with its two fields: a list of logins or a group mask (`webapi_user_get_batch`:
 * `login=a,b` or `group=demo*,!demoforex`). `single` asks for one login instead of a list (deal
 * history pages per login).
 */
export function accountSelectionProperties(single = false): INodeProperties[] {
	return single ? [selectByLoginOrGroup, loginField, groupMaskField] : [selectByLoginsOrGroup, loginsField, groupMaskField];
}

const selectByLoginOrGroup: INodeProperties = {
	displayName: 'Select By',
	name: 'selectBy',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Group Mask', value: 'group', description: 'Every account in the groups that match a mask' },
		{ name: 'Login', value: 'login', description: 'One account' },
	],
	default: 'login',
};

const selectByLoginsOrGroup: INodeProperties = {
	displayName: 'Select By',
	name: 'selectBy',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Group Mask', value: 'group', description: 'Every account in the groups that match a mask' },
		{ name: 'Logins', value: 'logins', description: 'One account or a list of accounts' },
	],
	default: 'logins',
};

const loginField: INodeProperties = {
	displayName: 'Login',
	name: 'login',
	type: 'string',
	default: '',
	required: true,
	placeholder: '700001',
	description: 'The MT5 account number',
	displayOptions: { show: { selectBy: ['login'] } },
};

const loginsField: INodeProperties = {
	displayName: 'Logins',
	name: 'logins',
	type: 'string',
	default: '',
	required: true,
	placeholder: '700001, 700002',
	description: 'One MT5 login or several, separated by commas (an expression may also give a list)',
	displayOptions: { show: { selectBy: ['logins'] } },
};

const groupMaskField: INodeProperties = {
	displayName: 'Group Mask',
	name: 'groupMask',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'real*',
	description:
		'A group path or a mask: * matches any characters, commas separate patterns and a leading ! excludes one, e.g. real*,!real\\vip',
	displayOptions: { show: { selectBy: ['group'] } },
};

export type AccountSelection = { by: 'logins'; logins: string[] } | { by: 'group'; mask: string };

export function readAccountSelection(ctx: IExecuteFunctions, itemIndex: number): AccountSelection {
	const by = ctx.getNodeParameter('selectBy', itemIndex, 'logins') as string;
	if (by === 'group') return { by: 'group', mask: readGroupMask(ctx, itemIndex) };
	if (by === 'login') return { by: 'logins', logins: [readLogin(ctx, itemIndex)] };
	return { by: 'logins', logins: readLogins(ctx, itemIndex) };
}

/** Long login lists go in several requests, so no URL grows past what servers accept. */
export const LOGINS_PER_REQUEST = 100;

export function inChunks<T>(list: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < list.length; start += size) chunks.push(list.slice(start, start + size));
	return chunks;
}

/**
 * A `get_batch` command for the selection: one request for a group mask, one per 100 logins.
 * Unknown logins are simply absent from MT5's answer; callers check with `checkAllFound`.
 */
export async function getBatch(
	ctx: IExecuteFunctions,
	path: string,
	selection: AccountSelection,
	action: string,
	policy: RetryPolicy,
	extraQuery: Record<string, string | number | undefined> = {},
): Promise<Array<Record<string, unknown>>> {
	const queries =
		selection.by === 'group'
			? [{ group: selection.mask }]
			: inChunks(selection.logins, LOGINS_PER_REQUEST).map((chunk) => ({ login: chunk.join(',') }));
	const records: Array<Record<string, unknown>> = [];
	for (const query of queries) {
		const { answer } = await mt5Request(ctx, { path, query: { ...query, ...extraQuery }, idempotent: true }, action, policy);
		if (Array.isArray(answer)) records.push(...(answer as Array<Record<string, unknown>>));
	}
	return records;
}

export function describeSelection(selection: AccountSelection): string {
	return selection.by === 'group' ? `group ${selection.mask}` : `account ${selection.logins.join(', ')}`;
}
