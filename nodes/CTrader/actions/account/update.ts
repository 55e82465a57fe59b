/**
 * Changes an account with `PATCH /webserv/traders/{login}`, sending only the fields to change.
 * Never PUT: PUT replaces the whole trader, so every field it omits is reset to its default
 * (Spotware, Operations With Accounts) — a group change would wipe the name, contact details and
 * settings. cTrader replaces `contactDetails` as one object, so a changed email or phone is merged
 * into the current contact details first.
 */
import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { attempt } from '../../../../lib/errors';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { cTraderRequest } from '../../transport';
import { readTrader, type CTraderRecord } from '../../transport/reports';
import { fieldError, includeRawOption, readIncludeRaw, readLogin } from '../inputs';
import { itemJson, leverageInCents, toTradingAccount } from '../mappers';
import { ACCESS_RIGHTS, MARGIN_CALCULATION_TYPES } from './create';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['account'], operation: ['update'] } }, [
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
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; everything else stays as it is',
		options: [
			{
				displayName: 'Access Rights',
				name: 'accessRights',
				type: 'options',
				options: ACCESS_RIGHTS,
				default: 'FULL_ACCESS',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'First Name',
				name: 'firstName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Group',
				name: 'groupName',
				type: 'string',
				default: '',
				placeholder: 'VIP',
				description: 'The trader group to move the account to, by name',
			},
			{
				displayName: 'Last Name',
				name: 'lastName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Leverage',
				name: 'leverage',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: 100,
				description: 'The N of 1:N, e.g. 200 for 1:200',
			},
			{
				displayName: 'Margin Calculation',
				name: 'totalMarginCalculationType',
				type: 'options',
				options: MARGIN_CALCULATION_TYPES,
				default: 'MAX',
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				description: 'In international form, e.g. +35799123456',
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

function trimmed(value: unknown): string | undefined {
	return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const login = readLogin(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch: IDataObject = {};

	const groupName = trimmed(fields.groupName);
	if (groupName !== undefined) {
		if (groupName === '') throw fieldError(this, itemIndex, 'Group', 'is empty; give the name of the group to move the account to');
		patch.groupName = groupName;
	}
	if (fields.leverage !== undefined) {
		const cents = attempt(() => leverageInCents(fields.leverage, 'Leverage'));
		if (!cents.ok) throw new NodeOperationError(this.getNode(), cents.error.message, { itemIndex });
		patch.leverageInCents = cents.value;
	}
	for (const [field, target] of [
		['accessRights', 'accessRights'],
		['totalMarginCalculationType', 'totalMarginCalculationType'],
		['firstName', 'name'],
		['lastName', 'lastName'],
		['description', 'description'],
	] as const) {
		const value = trimmed(fields[field]);
		if (value !== undefined) patch[target] = value;
	}
	const email = trimmed(fields.email)?.toLowerCase();
	if (email !== undefined && email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw fieldError(this, itemIndex, 'Email', `is not an email address: "${email}"`);
	}
	const phone = trimmed(fields.phone);
	if (email !== undefined || phone !== undefined) {
		const current = await readTrader(this, login, policy);
		const contact = typeof current.contactDetails === 'object' && current.contactDetails !== null ? (current.contactDetails as IDataObject) : {};
		patch.contactDetails = { ...contact, ...(email !== undefined ? { email } : {}), ...(phone !== undefined ? { phone } : {}) };
	}
	if (Object.keys(patch).length === 0) throw fieldError(this, itemIndex, 'Update Fields', 'add at least one field to change');

	// Absolute values only (no increments): sending the same PATCH twice leaves the same account,
	// so a lost answer may be retried.
	let trader = await cTraderRequest<CTraderRecord>(
		this,
		{ method: 'PATCH', path: `/webserv/traders/${login}`, body: patch, idempotent: true },
		`update trader ${login}`,
		policy,
	);
	// An answer without the trader record (e.g. 204): read the account as it now is.
	if (typeof trader !== 'object' || trader === null || trader.moneyDigits === undefined) trader = await readTrader(this, login, policy);
	return itemJson(toTradingAccount(trader, { includeRaw: readIncludeRaw(this, itemIndex) }));
}
