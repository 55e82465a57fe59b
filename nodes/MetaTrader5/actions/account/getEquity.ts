import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { toAccountFigures } from '../mappers';
import {
	accountSelectionProperties,
	checkAllFound,
	describeSelection,
	getBatch,
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

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['getEquity'] } }, properties);

/**
 * Balance, credit, equity, margin, free margin and margin level of one account or many, from
 * `/api/user/account/get_batch` (`webapi_user_account_get`), one item per account.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const policy = readRetryPolicy(this, itemIndex);
	const selection = readAccountSelection(this, itemIndex);
	const accounts = await getBatch(
		this,
		'/api/user/account/get_batch',
		selection,
		`read equity and margin of ${describeSelection(selection)}`,
		policy,
	);
	if (selection.by === 'logins') checkAllFound(this, itemIndex, selection.logins, accounts.map((account) => String(account.Login)));
	const includeRaw = readIncludeRaw(this, itemIndex);
	return accounts.map((account) => toAccountFigures(account, { includeRaw }) as IDataObject);
}
