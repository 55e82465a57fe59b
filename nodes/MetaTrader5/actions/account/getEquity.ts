import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { changesSince } from '../../../../lib/changes';
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
		options: [
			includeRawOption,
			{
				displayName: 'Only Changes Since Last Run',
				name: 'onlyChanges',
				type: 'boolean',
				default: false,
				description:
					'Whether to output only accounts whose figures changed since the previous run, with only the changed fields (for syncing to the CRM). Remembered when the workflow is active.',
			},
			skipUnknownLoginsOption,
		],
	},
];

/** The figures a sync compares and sends. */
const FIGURE_FIELDS = ['balance', 'credit', 'equity', 'margin', 'freeMargin', 'marginLevelPercent'] as const;

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
	const figures = accounts.map((account) => toAccountFigures(account, { includeRaw }) as IDataObject);
	if (this.getNodeParameter('options.onlyChanges', itemIndex, false) !== true) return figures;

	// One memory per node: the figures last reported for each login.
	const state = this.getWorkflowStaticData('node');
	state.reportedFigures ??= {};
	const memory = state.reportedFigures as IDataObject;
	return figures.flatMap((account) => {
		const changes = changesSince(memory, String(account.login), account, FIGURE_FIELDS);
		return changes ? [{ platform: 'mt5', login: account.login, ...changes.changed, changedFields: Object.keys(changes.changed), previous: changes.previous }] : [];
	});
}
