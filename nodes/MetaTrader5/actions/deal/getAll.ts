import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { DateTime } from 'luxon';

import { attempt } from '../../../../lib/errors';
import type { Deal } from '../../../../lib/model';
import { readRetryPolicy, type RetryPolicy } from '../../../../lib/retryOptions';
import { toUtcDateTime, utcToServerTime, utcToServerTimeMsc, type ServerZone } from '../../../../lib/time';
import { mt5Request, mt5ServerZone } from '../../transport';
import { accountSelectionProperties, includeRawOption, readGroupMask, readIncludeRaw, readLogin } from '../account/inputs';
import { BALANCE_OPERATION_KINDS, toDeal, type Mt5Record } from '../mappers';

/** `webapi_deal_get_page`: "total — number of deals to get (100 max)". */
export const DEALS_PER_PAGE = 100;

const properties: INodeProperties[] = [
	...accountSelectionProperties(true),
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Start of the period in UTC, included (e.g. 2026-10-01T00:00:00Z)',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			'End of the period in UTC, not included, so that back-to-back periods neither overlap nor leave a gap (e.g. 2026-11-01T00:00:00Z)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Deal Kinds',
				name: 'dealKinds',
				type: 'options',
				options: [
					{ name: 'All', value: 'all', description: 'Trades, balance operations, commissions and the rest' },
					{
						name: 'Balance Operations Only',
						value: 'balance',
						description: 'Deposits, withdrawals, credit, charges, corrections and bonuses',
					},
					{ name: 'Trades Only', value: 'trades', description: 'Buy and sell executions' },
				],
				default: 'all',
				description: 'Which deals to return',
			},
			{
				displayName: 'Max Deals',
				name: 'maxDeals',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Read at most this many deals of the account in this run (0 = all). With Skip, a long history is read in slices, one run each, so a run holds only its slice in memory. Accounts only, not group masks.',
			},
			{
				displayName: 'Skip',
				name: 'skip',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: "How many of the account's deals in the period to pass over first (those earlier runs read), in MT5's order. Accounts only, not group masks.",
			},
			includeRawOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['deal'], operation: ['getAll'] } }, properties);

function readInstant(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): DateTime<true> {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	if (value === undefined || value === null || value === '') {
		throw new NodeOperationError(ctx.getNode(), `"${label}": is required, e.g. 2026-10-01T00:00:00Z`, { itemIndex });
	}
	const parsed = attempt(() => toUtcDateTime(value as string, label));
	if (!parsed.ok) throw new NodeOperationError(ctx.getNode(), parsed.error.message, { itemIndex });
	return parsed.value;
}

/**
 * The UTC period as MT5's `from`/`to`: server wall-clock epoch seconds, both inclusive. `to` is the
 * last whole second before the (exclusive) end; each end takes the offset in force at that instant,
 * so a period across a DST switch is exact.
 */
export function serverWindow(fromUtc: DateTime, toUtc: DateTime, zone: ServerZone): { from: number; to: number } {
	return {
		from: utcToServerTime(fromUtc, zone),
		to: Math.ceil(utcToServerTimeMsc(toUtc, zone) / 1000) - 1,
	};
}

type DealQuery = { login: string } | { group: string };

function readCount(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): number {
	const value = Number(ctx.getNodeParameter(parameter, itemIndex, 0));
	if (!Number.isInteger(value) || value < 0) {
		throw new NodeOperationError(ctx.getNode(), `"${label}": must be a whole number, 0 or more; it is ${String(value)}`, { itemIndex });
	}
	return value;
}

/** Which of the account's deals to read: `skip` of them passed over, then at most `limit` (Max Deals; 0 = all). */
interface Slice {
	skip: number;
	limit: number;
}

/** A vendor record to the canonical deal the user asked for, or undefined to leave it out. */
type DealFilter = (record: Mt5Record) => Deal | undefined;

/**
 * Each page is mapped as it arrives, so a long slice holds canonical deals only, never its raw
 * records as well (what bounds memory when a history sync reads 10,000 deals a run).
 */
async function dealsOfLogin(
	ctx: IExecuteFunctions,
	login: string,
	window: { from: number; to: number },
	policy: RetryPolicy,
	slice: Slice,
	keep: DealFilter,
): Promise<Deal[]> {
	const action = `read the deals of account ${login}`;
	const query = { login, ...window };
	const { answer } = await mt5Request(ctx, { path: '/api/deal/get_total', query, idempotent: true }, action, policy);
	const total = Number((answer as { total?: unknown } | undefined)?.total ?? 0);
	const end = slice.limit > 0 ? Math.min(total, slice.skip + slice.limit) : total;
	const deals: Deal[] = [];
	const seen = new Set<string>();
	for (let offset = slice.skip; offset < end; offset += DEALS_PER_PAGE) {
		const page = await mt5Request(
			ctx,
			{ path: '/api/deal/get_page', query: { ...query, offset, total: Math.min(DEALS_PER_PAGE, end - offset) }, idempotent: true },
			action,
			policy,
		);
		const records = Array.isArray(page.answer) ? (page.answer as Mt5Record[]) : [];
		// A deal filed while we page can shift later pages by one: keep each ticket once.
		for (const record of records) {
			const ticket = String(record.Deal);
			if (!seen.has(ticket)) {
				seen.add(ticket);
				const deal = keep(record);
				if (deal) deals.push(deal);
			}
		}
		if (records.length === 0) break;
	}
	return deals;
}

async function dealsOfGroup(
	ctx: IExecuteFunctions,
	group: string,
	window: { from: number; to: number },
	policy: RetryPolicy,
): Promise<Mt5Record[]> {
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/deal/get_batch', query: { group, ...window }, idempotent: true },
		`read the deals of group ${group}`,
		policy,
	);
	return Array.isArray(answer) ? (answer as Mt5Record[]) : [];
}

function keepKind(which: string): (deal: Deal) => boolean {
	if (which === 'balance') return (deal) => BALANCE_OPERATION_KINDS.has(deal.kind);
	if (which === 'trades') return (deal) => deal.kind === 'trade';
	return () => true;
}

/**
 * Deals of a login (paged with `get_total` + `get_page`, 100 at a time, to the end) or of a group
 * mask (`get_batch`) over a UTC period, one canonical deal per item with its time in UTC.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const policy = readRetryPolicy(this, itemIndex);
	const selectBy = this.getNodeParameter('selectBy', itemIndex, 'login') as string;
	const query: DealQuery =
		selectBy === 'group' ? { group: readGroupMask(this, itemIndex) } : { login: readLogin(this, itemIndex) };
	const fromUtc = readInstant(this, itemIndex, 'from', 'From');
	const toUtc = readInstant(this, itemIndex, 'to', 'To');
	if (toUtc.toMillis() <= fromUtc.toMillis()) {
		throw new NodeOperationError(
			this.getNode(),
			`"To": must be after "From" (${fromUtc.toISO()}); it is ${toUtc.toISO()}`,
			{ itemIndex },
		);
	}
	const slice: Slice = {
		skip: readCount(this, itemIndex, 'options.skip', 'Skip'),
		limit: readCount(this, itemIndex, 'options.maxDeals', 'Max Deals'),
	};
	if ('group' in query && (slice.skip > 0 || slice.limit > 0)) {
		throw new NodeOperationError(
			this.getNode(),
			'"Max Deals" and "Skip": work for one account only; MT5 answers a group mask in one batch. Select by account, or clear them.',
			{ itemIndex },
		);
	}
	const zone = await mt5ServerZone(this);
	const window = serverWindow(fromUtc, toUtc, zone);
	const includeRaw = readIncludeRaw(this, itemIndex);
	const wanted = keepKind(this.getNodeParameter('options.dealKinds', itemIndex, 'all') as string);
	const fromMs = fromUtc.toMillis();
	const toMs = toUtc.toMillis();
	// MT5 filters on whole server seconds; the exact UTC bounds are applied here.
	const keep: DealFilter = (record) => {
		const deal = toDeal(record, zone, { includeRaw });
		const at = Date.parse(deal.timeUtc);
		return at >= fromMs && at < toMs && wanted(deal) ? deal : undefined;
	};
	const deals =
		'login' in query
			? await dealsOfLogin(this, query.login, window, policy, slice, keep)
			: (await dealsOfGroup(this, query.group, window, policy)).map(keep).filter((deal): deal is Deal => deal !== undefined);
	return deals as unknown as IDataObject[];
}
