/**
 * Closed trades from the closedPositions report: one canonical deal per closing deal (a partial
 * close is a row of its own), for one login or all, over any UTC range — the report allows two
 * days per call, so longer ranges are read window by window and stitched (transport/reports).
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt } from '../../../../lib/errors';
import { compareDecimal, parseDecimal } from '../../../../lib/money';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { readClosedPositions } from '../../transport/reports';
import { fieldError, includeRawOption, readIncludeRaw, readLogin, readUtcRange, utcRangeProperties } from '../inputs';
import { DEFAULT_CONTRACT_SIZE, itemJson, toClosedDeal } from '../mappers';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['deal'], operation: ['getMany'] } }, [
	{
		displayName: 'Accounts',
		name: 'selectBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'All Accounts', value: 'all', description: 'Every account the manager may see' },
			{ name: 'One Account', value: 'login', description: 'One trader login' },
		],
		default: 'login',
	},
	{
		displayName: 'Login',
		name: 'login',
		type: 'string',
		required: true,
		default: '',
		placeholder: '3100101',
		description: 'The cTrader trader login',
		displayOptions: { show: { selectBy: ['login'] } },
	},
	...utcRangeProperties('close times'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Contract Size',
				name: 'contractSize',
				type: 'string',
				default: DEFAULT_CONTRACT_SIZE,
				description:
					'Units of the base asset in one lot, to turn cTrader volumes into lots: 100000 for forex; use the symbol\'s own size for metals or indices',
			},
			includeRawOption,
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const login = this.getNodeParameter('selectBy', itemIndex, 'login') === 'login' ? readLogin(this, itemIndex) : undefined;
	const range = readUtcRange(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const size = attempt(() => parseDecimal(options.contractSize ?? DEFAULT_CONTRACT_SIZE, 'Contract Size'));
	if (!size.ok || compareDecimal(size.value, 0) <= 0) {
		throw fieldError(this, itemIndex, 'Contract Size', `must be a positive number such as 100000, got ${JSON.stringify(options.contractSize)}`);
	}
	const rows = await readClosedPositions(this, { ...range, login }, readRetryPolicy(this, itemIndex));
	const includeRaw = readIncludeRaw(this, itemIndex);
	return rows.map((row) => itemJson(toClosedDeal(row, { contractSize: size.value, includeRaw })));
}
