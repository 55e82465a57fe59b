import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attemptAsync } from '../../../../lib/errors';
import { readRetryPolicy, type RetryPolicy } from '../../../../lib/retryOptions';
import { mt5Request, Mt5RetcodeError, mt5ServerZone } from '../../transport';
import { toTradingAccount, type Mt5Record } from '../mappers';
import {
	byDisplayName,
	DETAIL_FIELDS,
	EMAIL_FIELD,
	FIRST_NAME_FIELD,
	LAST_NAME_FIELD,
	looksLikeEmail,
	MAX_LEVERAGE,
	MIN_LEVERAGE,
	type DetailField,
} from './fields';
import { groupCurrency, includeRawOption, readIncludeRaw, readLogin } from './inputs';

/** retcode 3010: "move to a group with a different currency" (reference/trading.md §1.5). */
const RETCODE_DIFFERENT_CURRENCY = 3010;

const TEXT_FIELDS: readonly DetailField[] = [...DETAIL_FIELDS, EMAIL_FIELD, FIRST_NAME_FIELD, LAST_NAME_FIELD];

const groupField: INodeProperties = {
	displayName: 'Group',
	name: 'group',
	type: 'string',
	default: '',
	placeholder: 'real\\vip',
	description: 'Move the account to this group. The group must have the same currency as the account (MT5 refuses otherwise).',
};

const leverageField: INodeProperties = {
	displayName: 'Leverage',
	name: 'leverage',
	type: 'number',
	default: 100,
	typeOptions: { minValue: MIN_LEVERAGE, numberPrecision: 0 },
	description: 'The N in 1:N. MT5 accepts 1 to 500 and silently keeps the old leverage otherwise; the node reports that as an error.',
};

/** USER_RIGHT_TRADE_DISABLED (MQ docs `imtuser_enum`, reference/trading.md §5.1). */
const RIGHT_TRADE_DISABLED = 0x4;

const tradingField: INodeProperties = {
	displayName: 'Trading',
	name: 'trading',
	type: 'options',
	options: [
		{ name: 'Enabled', value: 'enabled', description: 'The client may trade again' },
		{ name: 'Disabled', value: 'disabled', description: 'Restrict the account: the client can log in but not trade (e.g. while compliance reviews it)' },
	],
	default: 'disabled',
	description: "Sets or clears MT5's trade-disabled right; the account's other rights stay as they are",
};

/** Sorted by display name, as n8n lists a collection's fields. */
const updateFields: INodeProperties[] = [...TEXT_FIELDS.map((field) => field.property), groupField, leverageField, tradingField].sort(byDisplayName);

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
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: updateFields,
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

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['update'] } }, properties);

/** One change asked for, with what MT5 must show afterwards for it to count as applied. */
interface Change {
	label: string;
	/** The canonical name reported in `updatedFields`. */
	name: string;
	mt5: string;
	value: string;
	/** Whether the value is shown in messages (never for personal details). */
	showValue: boolean;
	matches: (stored: string) => boolean;
	/** Why MT5 may have refused it, for the error message. */
	hint: string;
}

function fieldError(ctx: IExecuteFunctions, itemIndex: number, label: string, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `"${label}": ${problem}`, { itemIndex });
}

function readChanges(ctx: IExecuteFunctions, itemIndex: number): Change[] {
	const fields = ctx.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const changes: Change[] = [];
	const group = fields.group;
	if (group !== undefined && String(group).trim() !== '') {
		const wanted = String(group).trim();
		changes.push({
			label: 'Group',
			name: 'group',
			mt5: 'Group',
			value: wanted,
			showValue: true,
			// Group names compare case-insensitively on the server.
			matches: (stored) => stored.toLowerCase() === wanted.toLowerCase(),
			hint: 'the group may not exist, or the manager may not be allowed to use it',
		});
	}
	if (fields.leverage !== undefined && fields.leverage !== '') {
		const leverage = typeof fields.leverage === 'string' ? Number(fields.leverage.trim()) : fields.leverage;
		if (typeof leverage !== 'number' || !Number.isInteger(leverage)) {
			throw fieldError(ctx, itemIndex, 'Leverage', `must be a whole number (the N in 1:N); it is ${JSON.stringify(fields.leverage)}`);
		}
		changes.push({
			label: 'Leverage',
			name: 'leverage',
			mt5: 'Leverage',
			value: String(leverage),
			showValue: true,
			matches: (stored) => Number(stored) === leverage,
			hint: `${MIN_LEVERAGE}–${MAX_LEVERAGE}`,
		});
	}
	for (const field of TEXT_FIELDS) {
		const value = fields[field.name];
		if (value === undefined || value === null || String(value).trim() === '') continue;
		const wanted = String(value).trim();
		if (field === EMAIL_FIELD && !looksLikeEmail(wanted)) {
			throw fieldError(ctx, itemIndex, 'Email', 'is not an email address (expected name@domain)');
		}
		changes.push({
			label: field.property.displayName,
			name: field.name,
			mt5: field.mt5,
			value: wanted,
			showValue: false,
			matches: (stored) => stored === wanted,
			hint: 'check its length and characters',
		});
	}
	if (changes.length === 0 && fields.trading === undefined) {
		throw fieldError(ctx, itemIndex, 'Update Fields', 'add at least one field to change');
	}
	return changes;
}

/** The Trading field as a change of the Rights bit mask, from the account's current rights. */
function tradingChange(fields: IDataObject, currentRights: number): Change | undefined {
	if (fields.trading !== 'enabled' && fields.trading !== 'disabled') return undefined;
	const disable = fields.trading === 'disabled';
	const rights = disable ? currentRights | RIGHT_TRADE_DISABLED : currentRights & ~RIGHT_TRADE_DISABLED;
	return {
		label: 'Trading',
		name: tradingField.name,
		mt5: 'Rights',
		value: String(rights),
		showValue: true,
		matches: (stored) => ((Number(stored) & RIGHT_TRADE_DISABLED) !== 0) === disable,
		hint: 'the manager may lack the right to change user rights',
	};
}

async function readUser(ctx: IExecuteFunctions, login: string, policy: RetryPolicy): Promise<Mt5Record> {
	const { answer } = await mt5Request(ctx, { path: '/api/user/get', query: { login }, idempotent: true }, `read account ${login}`, policy);
	return answer as Mt5Record;
}

/**
 * The 3010 refusal in words, with both currencies when they can be read. A move between currencies
 * would re-denominate the balance, so MT5 refuses it and nothing changes.
 */
async function differentCurrencyError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	login: string,
	target: string,
	policy: RetryPolicy,
): Promise<NodeOperationError> {
	const known = await attemptAsync(async () => {
		const user = await readUser(ctx, login, policy);
		const current = String(user.Group ?? '');
		return {
			current,
			currentCurrency: await groupCurrency(ctx, current, policy),
			targetCurrency: await groupCurrency(ctx, target, policy),
		};
	});
	const detail =
		known.ok && known.value.currentCurrency && known.value.targetCurrency
			? `account ${login} is in ${known.value.currentCurrency} (group ${known.value.current}) and group ${target} is in ${known.value.targetCurrency}`
			: `group ${target} has another currency than account ${login}`;
	return fieldError(
		ctx,
		itemIndex,
		'Group',
		`${detail}; MT5 cannot move an account to a group with another currency (MT5 retcode ${RETCODE_DIFFERENT_CURRENCY}). Nothing was changed: choose a group in the account's currency, or open a new account in ${target}.`,
	);
}

/**
 * `POST /api/user/update?login=N` (`webapi_user_update`). MT5 answers "0 Done" even when it ignores
 * a value it does not accept ("if an invalid value is passed, it is ignored and the old value is
 * kept"), so the record it returns is compared with what was asked, field by field.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const policy = readRetryPolicy(this, itemIndex);
	const login = readLogin(this, itemIndex);
	const changes = readChanges(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	// Rights is a bit mask: only the trade-disabled bit changes, so the others are read first.
	const names = changes.filter((change) => change.mt5 === 'FirstName' || change.mt5 === 'LastName').length;
	const needsUser = fields.trading !== undefined || names === 1;
	const currentUser = needsUser ? await readUser(this, login, policy) : {};
	const trading = tradingChange(fields, Number(currentUser.Rights ?? 0));
	if (trading) changes.push(trading);
	const body: Record<string, string> = Object.fromEntries(changes.map((change) => [change.mt5, change.value]));

	// MT5's display name is Name; keep it in step with first and last name.
	if (body.FirstName !== undefined || body.LastName !== undefined) {
		const current = currentUser;
		const first = body.FirstName ?? String(current.FirstName ?? '').trim();
		const last = body.LastName ?? String(current.LastName ?? '').trim();
		body.Name = [first, last].filter(Boolean).join(' ');
	}

	const sent = await attemptAsync(
		async () =>
			await mt5Request(
				this,
				{ method: 'POST', path: '/api/user/update', query: { login }, body, idempotent: true },
				`update account ${login}`,
				policy,
			),
	);
	if (!sent.ok) {
		if (sent.error instanceof Mt5RetcodeError && sent.error.retcode === RETCODE_DIFFERENT_CURRENCY && body.Group !== undefined) {
			throw await differentCurrencyError(this, itemIndex, login, body.Group, policy);
		}
		throw sent.error;
	}

	const user = sent.value.answer as Mt5Record;
	const ignored = changes.filter((change) => !change.matches(String(user[change.mt5] ?? '')));
	if (ignored.length > 0) {
		const problems = ignored.map((change) =>
			change.showValue
				? `"${change.label}": MT5 kept ${String(user[change.mt5] ?? '')}; ${change.value} is not accepted (${change.hint})`
				: `"${change.label}": MT5 did not store the value asked for (${change.hint})`,
		);
		const applied = changes.length > ignored.length ? ' The other changes were applied.' : '';
		throw new NodeOperationError(this.getNode(), `${problems.join('; ')}.${applied}`, { itemIndex });
	}

	const zone = await mt5ServerZone(this);
	const currency = await groupCurrency(this, typeof user.Group === 'string' ? user.Group : undefined, policy);
	const account = toTradingAccount(user, undefined, zone, { currency, includeRaw: readIncludeRaw(this, itemIndex) });
	return { ...account, updatedFields: changes.map((change) => change.name) } as IDataObject;
}
