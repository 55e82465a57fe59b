import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { attempt } from '../../lib/errors';
import { compareDecimal, parseDecimal } from '../../lib/money';
import { readRetryPolicy, retryAndTimeoutOptions } from '../../lib/retryOptions';
import { DEFAULT_CONTRACT_SIZE, itemJson, toClosedDeal, toTradingAccount } from './actions/mappers';
import { listTraders, readClosedPositions, timestampMs, type UtcRange } from './transport/reports';
import { advanceCursor, pollWindow, type Observed, type PollState } from './trigger/cursor';
import { includeRawOption } from '../../lib/rawData';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** How far back "Fetch Test Event" looks for a sample: one closed-positions window, a month of accounts. */
const SAMPLE_LOOKBACK_MS = { newAccount: 30 * DAY_MS, closedTrade: 2 * DAY_MS } as const;

type TriggerEvent = keyof typeof SAMPLE_LOOKBACK_MS;

export class CTraderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'cTrader Trigger',
		name: 'cTraderTrigger',
		icon: { light: 'file:cTrader.svg', dark: 'file:cTrader.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when a trader account is opened or a trade is closed on cTrader (checks on a schedule)',
		defaults: { name: 'cTrader Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cTraderApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'New Account', value: 'newAccount', description: 'A trader account was registered' },
					{ name: 'Closed Trade', value: 'closedTrade', description: 'A position was closed, fully or in part (one item per closing deal)' },
				],
				default: 'closedTrade',
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'Each check also looks this far before the end of the previous one, so records that appear late are not missed; they are never emitted twice',
			},
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
						description: 'Units of the base asset in one lot, to turn closed-trade volumes into lots (100000 for forex)',
						displayOptions: { show: { '/event': ['closedTrade'] } },
					},
					includeRawOption('the records exactly as cTrader returned them'),
				],
			},
			retryAndTimeoutOptions,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as TriggerEvent;
		const overlapMinutes = Number(this.getNodeParameter('overlapMinutes', 10));
		if (!Number.isFinite(overlapMinutes) || overlapMinutes < 0) {
			throw new NodeOperationError(this.getNode(), `"Overlap (Minutes)": must be 0 or more, got ${JSON.stringify(overlapMinutes)}`);
		}
		const overlapMs = Math.round(overlapMinutes * MINUTE_MS);
		const nowMs = Date.now();

		if (this.getMode() === 'manual') {
			// "Fetch Test Event": the latest record as a sample; the cursor is left alone.
			const sample = await observe(this, event, { fromMs: nowMs - SAMPLE_LOOKBACK_MS[event], toMs: nowMs });
			const latest = sample.sort((a, b) => a.timeMs - b.timeMs).at(-1);
			return latest ? [[{ json: latest.record }]] : null;
		}

		const state = this.getWorkflowStaticData('node') as PollState;
		const window = pollWindow(state, event, nowMs, overlapMs);
		const observed = window ? await observe(this, event, window) : [];
		const fresh = advanceCursor(state, event, observed, nowMs, overlapMs);
		return fresh.length > 0 ? [fresh.map((entry) => ({ json: entry.record }))] : null;
	}
}

/** The records of the event in the window, as canonical items with their id and time. */
async function observe(ctx: IPollFunctions, event: TriggerEvent, window: UtcRange): Promise<Array<Observed<IDataObject>>> {
	const policy = readRetryPolicy(ctx);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const includeRaw = options.includeRaw === true;
	if (event === 'newAccount') {
		const traders = await listTraders(ctx, window, policy);
		return traders.map((trader) => ({
			id: `account:${String(trader.login)}`,
			timeMs: timestampMs(trader.registrationTimestamp) ?? window.toMs,
			record: itemJson(toTradingAccount(trader, { includeRaw })),
		}));
	}
	const size = attempt(() => parseDecimal(options.contractSize ?? DEFAULT_CONTRACT_SIZE, 'Contract Size'));
	if (!size.ok || compareDecimal(size.value, 0) <= 0) {
		throw new NodeOperationError(ctx.getNode(), `"Contract Size": must be a positive number such as 100000, got ${JSON.stringify(options.contractSize)}`);
	}
	const rows = await readClosedPositions(ctx, window, policy);
	return rows.map((row) => ({
		id: `deal:${row.login}:${row.closingDealId}`,
		timeMs: timestampMs(row.closeTimestamp) ?? window.toMs,
		record: itemJson(toClosedDeal(row, { contractSize: size.value, includeRaw })),
	}));
}
