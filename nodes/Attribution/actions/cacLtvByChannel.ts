/**
 * CAC and LTV by channel: the one operation that reads all items together. Each item is either a
 * spend row (it has the Spend Field) or a client. Items are read one at a time through runPerItem, so
 * a bad one leaves on the error output on its own (and is not counted); the report comes after.
 */
import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	channelReport,
	ftdTimeOf,
	readChannelShares,
	readChannelSpend,
	readInstant,
	readMovements,
	type AcquiredClient,
	ATTRIBUTION_MODELS,
	type AttributionModel,
	type ChannelSpend,
} from '../../../lib/attribution';
import { attempt, FieldError } from '../../../lib/errors';
import { getPath } from '../../../lib/mapping';
import { runPerItem } from '../../../lib/perItem';
import { MODEL_OPTIONS } from './attribute';
import { currencyDecimalsOption, readDigits, readFieldPath, type FieldPath } from './shared';

const field = (displayName: string, name: string, fallback: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: fallback,
	placeholder: fallback,
	description,
});

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['cacLtvByChannel'] } }, [
	{
		displayName:
			'Give spend items ({channel, period "2026-10", spend}) and client items ({clientId, attribution or a channel, transactions}) together. Out comes one row per channel for all time ("all") and one per cohort month: spend, FTD credit, CAC = spend / FTD credit, and net deposits in the 30/90/180/365 days after each FTD.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: MODEL_OPTIONS,
		default: 'last',
		description: 'Whose FTD credit counts: a client\'s FTD is split over channels by this model (from the Attribute operation\'s shareByChannel)',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: 'USD',
		description: 'The currency of the report; every spend and transaction must be in it',
	},
	field('Spend Field', 'spendField', 'spend', 'An item with this field is a spend row: an amount such as "1500.00" or {"amount", "currency"}'),
	field('Channel Field', 'channelField', 'channel', 'Where a spend row names its channel'),
	field('Period Field', 'periodField', 'period', 'Where a spend row names its month, e.g. 2026-10 (UTC)'),
	field('Client ID Field', 'clientIdField', 'clientId', 'Where a client item has its client ID'),
	field(
		'Channel Credit Field',
		'creditField',
		'attribution',
		'Where a client item has its FTD channel: the Attribute operation\'s output, a channel name, or {"channel": share} adding up to 1',
	),
	field('Transactions Field', 'transactionsField', 'transactions', 'Where a client item has its canonical transactions (succeeded deposits and withdrawals count)'),
	field('FTD Time Field', 'ftdTimeField', 'ftdTimeUtc', 'Where a client item has its first-time deposit time; when missing, the earliest succeeded deposit is the FTD'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: '2026-11-26T00:00:00Z',
				description: 'When given, each LTV window says whether it has fully passed (complete) for every client in the row',
			},
			currencyDecimalsOption,
		],
	},
]);

interface Settings {
	model: AttributionModel;
	currency: string;
	digits: number;
	asOfMs?: number;
	fields: Record<'spend' | 'channel' | 'period' | 'clientId' | 'credit' | 'transactions' | 'ftdTime', FieldPath>;
}

function readSettings(ctx: IExecuteFunctions): Settings {
	const currency = String(ctx.getNodeParameter('currency', 0, 'USD') ?? '').trim().toUpperCase();
	if (!currency) throw new FieldError('Currency', 'is empty; give the report currency, e.g. USD');
	const asOf = String(ctx.getNodeParameter('options.asOf', 0, '') ?? '').trim();
	// An expression can give any text: an unknown model fails once here, not every client later.
	const model = String(ctx.getNodeParameter('model', 0, 'last') ?? '').trim();
	if (!(ATTRIBUTION_MODELS as readonly string[]).includes(model)) {
		throw new FieldError('Model', `"${model}" is not an attribution model; use one of ${ATTRIBUTION_MODELS.join(', ')}`);
	}
	return {
		model: model as AttributionModel,
		currency,
		digits: readDigits(ctx, 0, currency, 'Currency'),
		asOfMs: asOf ? readInstant(asOf, 'As Of').toMillis() : undefined,
		fields: {
			spend: readFieldPath(ctx, 'spendField', 'Spend Field', 'spend'),
			channel: readFieldPath(ctx, 'channelField', 'Channel Field', 'channel'),
			period: readFieldPath(ctx, 'periodField', 'Period Field', 'period'),
			clientId: readFieldPath(ctx, 'clientIdField', 'Client ID Field', 'clientId'),
			credit: readFieldPath(ctx, 'creditField', 'Channel Credit Field', 'attribution'),
			transactions: readFieldPath(ctx, 'transactionsField', 'Transactions Field', 'transactions'),
			ftdTime: readFieldPath(ctx, 'ftdTimeField', 'FTD Time Field', 'ftdTimeUtc'),
		},
	};
}

/**
 * A problem with the whole run (the settings). n8n, when a node set to continue on error throws,
 * passes the input items on to the main output; so instead the reason goes to the error output.
 */
function stopWith(ctx: IExecuteFunctions, message: string, extra: { description?: string }): INodeExecutionData[][] {
	if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), message, extra);
	const detail = extra.description ? ` (${extra.description})` : '';
	return [[{ json: { error: `${message}${detail}` } }]];
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const read = attempt(() => readSettings(this));
	if (!read.ok) {
		return stopWith(this, `The CAC and LTV settings are invalid: ${read.error.message}`, {
			description: read.error instanceof FieldError ? 'Fix the parameter named above and run again.' : undefined,
		});
	}
	const { fields, currency, model } = read.value;
	const spend: ChannelSpend[] = [];
	const clients: AcquiredClient[] = [];
	const [errorItems] = await runPerItem.call(this, async (itemIndex, item) => {
		const json = item.json;
		const spendValue = getPath(json, fields.spend.path);
		if (present(spendValue)) {
			spend.push(
				readChannelSpend(
					{ channel: getPath(json, fields.channel.path), period: getPath(json, fields.period.path), spend: spendValue },
					currency,
					{ channel: fields.channel.name, period: fields.period.name, spend: fields.spend.name },
					itemIndex,
				),
			);
			return null;
		}
		const clientId = getPath(json, fields.clientId.path);
		if (!present(clientId) || typeof clientId === 'object') {
			throw new FieldError(fields.clientId.name, `is required: each item must be a spend row (with ${fields.spend.name}) or a client (with ${fields.clientId.name})`);
		}
		const shares = readChannelShares(getPath(json, fields.credit.path), model, fields.credit.name);
		const movements = readMovements(getPath(json, fields.transactions.path), currency, fields.transactions.name);
		const ftdValue = getPath(json, fields.ftdTime.path);
		const given = present(ftdValue) ? readInstant(ftdValue, fields.ftdTime.name).toMillis() : undefined;
		clients.push({ clientId: String(clientId), ftdTimeMs: ftdTimeOf(given, movements), shares, movements, itemIndex });
		return null;
	});
	const rows = channelReport(spend, clients, read.value).map(({ itemIndexes, ...row }) => ({
		json: JSON.parse(JSON.stringify(row)) as IDataObject,
		pairedItem: itemIndexes.map((item) => ({ item })),
	}));
	return [[...rows, ...errorItems]];
}
