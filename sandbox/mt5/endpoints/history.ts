/**
 * Deals and open positions: `webapi_deal_get_total`, `webapi_deal_get_page`, `webapi_deal_get_batch`,
 * `webapi_deal_get`, `webapi_position_get_batch`, `webapi_position_get_total`,
 * `webapi_position_get_page`.
 *
 * `from`/`to` are SERVER-time epoch seconds, both inclusive, and required whenever deals are
 * selected by login or group (retcode 3 without them); a page holds at most 100 deals.
 */
import { Mt5Error, RET } from '../retcodes';
import { groupMatcher, parseLogins, parseTickets, type Mt5Params } from '../params';
import { dealRecord, positionRecord } from '../records';
import type { Deal, Mt5Store, Position, User } from '../store';
import type { ApiRoute } from './api';

/** `webapi_deal_get_page`: "total — number of deals to get (100 max)". More is capped, not refused. */
export const MAX_PAGE = 100;

interface Window {
	from: number;
	to: number;
}

function timeWindow(params: Mt5Params): Window {
	const from = params.integer('from');
	const to = params.integer('to');
	if (from === undefined || to === undefined) {
		throw new Mt5Error(RET.ERR_PARAMS, '"from" and "to" (server time, seconds) are required');
	}
	return { from, to };
}

function singleUser(params: Mt5Params, store: Mt5Store): User {
	const login = params.requiredInteger('login');
	return store.user(login);
}

function dealsIn(store: Mt5Store, user: User, window: Window): Deal[] {
	const { start, end } = store.dealRange(user, window.from, window.to);
	return user.deals.slice(start, end);
}

/** Exactly one of login / group / ticket (`webapi_deal_get_batch`: "use only one"). */
function selector(params: Mt5Params): 'login' | 'group' | 'ticket' {
	const given = (['login', 'group', 'ticket'] as const).filter((name) => params.text(name) !== undefined);
	if (given.length !== 1) throw new Mt5Error(RET.ERR_PARAMS, 'give exactly one of "login", "group" or "ticket"');
	return given[0];
}

function symbolFilter(params: Mt5Params): (symbol: string) => boolean {
	const mask = params.text('symbol');
	return mask === undefined ? () => true : groupMatcher(mask);
}

function renderDeals(store: Mt5Store, deals: Deal[]) {
	return deals.map((deal) => dealRecord(deal, store.digitsOf(store.user(deal.login))));
}

function renderPositions(store: Mt5Store, positions: Position[]) {
	return positions.map((p) => positionRecord(p, store.digitsOf(store.user(p.login))));
}

function batchUsers(params: Mt5Params, store: Mt5Store, by: 'login' | 'group'): User[] {
	return by === 'login' ? store.usersByLogin(parseLogins(params.required('login'))) : store.usersInGroups(params.required('group'));
}

export const historyRoutes: ApiRoute[] = [
	{
		path: '/api/deal/get_total',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const window = timeWindow(params);
			const { start, end } = store.dealRange(singleUser(params, store), window.from, window.to);
			return { total: String(end - start) };
		},
	},
	{
		path: '/api/deal/get_page',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const window = timeWindow(params);
			const offset = params.integer('offset') ?? 0;
			const total = params.requiredInteger('total');
			if (offset < 0 || total < 0) throw new Mt5Error(RET.ERR_PARAMS, '"offset" and "total" must not be negative');
			const user = singleUser(params, store);
			const { start, end } = store.dealRange(user, window.from, window.to);
			const first = Math.min(start + offset, end);
			return renderDeals(store, user.deals.slice(first, Math.min(first + Math.min(total, MAX_PAGE), end)));
		},
	},
	{
		path: '/api/deal/get_batch',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const by = selector(params);
			const symbolOk = symbolFilter(params);
			let deals: Deal[];
			if (by === 'ticket') {
				deals = parseTickets(params.required('ticket'))
					.map((t) => store.dealByTicket(t))
					.filter((d): d is Deal => d !== undefined);
			} else {
				const window = timeWindow(params);
				deals = batchUsers(params, store, by).flatMap((user) => dealsIn(store, user, window));
			}
			return renderDeals(store, deals.filter((d) => symbolOk(d.symbol)));
		},
	},
	{
		path: '/api/deal/get',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const deal = store.dealByTicket(params.requiredInteger('ticket'));
			if (!deal) throw new Mt5Error(RET.ERR_NOTFOUND, 'no such deal');
			return renderDeals(store, [deal])[0];
		},
	},
	{
		path: '/api/position/get_batch',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const by = selector(params);
			const symbolOk = symbolFilter(params);
			const positions =
				by === 'ticket'
					? parseTickets(params.required('ticket'))
							.map((t) => store.positionByTicket(t))
							.filter((p): p is Position => p !== undefined)
					: batchUsers(params, store, by).flatMap((user) => user.positions);
			return renderPositions(store, positions.filter((p) => symbolOk(p.symbol)));
		},
	},
	{
		path: '/api/position/get_total',
		right: 'tradesRead',
		handler: ({ params, store }) => ({ total: String(singleUser(params, store).positions.length) }),
	},
	{
		path: '/api/position/get_page',
		right: 'tradesRead',
		handler: ({ params, store }) => {
			const offset = params.integer('offset') ?? 0;
			const total = params.requiredInteger('total');
			if (offset < 0 || total < 0) throw new Mt5Error(RET.ERR_PARAMS, '"offset" and "total" must not be negative');
			const positions = singleUser(params, store).positions;
			return renderPositions(store, positions.slice(offset, offset + Math.min(total, MAX_PAGE)));
		},
	},
];
