/**
 * `webapi_trade_balance`: GET or POST /api/trade/balance?login=&type=&balance=&comment=&check_margin=
 * → {"retcode":"0 Done","answer":{"Ticket":"<deal>"}}. The rules are in Mt5Store.balance.
 */
import { Mt5Error, RET } from '../retcodes';
import type { ApiRoute } from './api';

export const tradeRoutes: ApiRoute[] = [
	{
		path: '/api/trade/balance',
		right: 'accountant',
		handler: ({ params, store, manager }) => {
			const login = params.requiredInteger('login');
			const type = params.requiredInteger('type');
			const amount = params.required('balance');
			// check_margin: "1 — check (default), 0 — do not check".
			const checkMargin = params.text('check_margin') !== '0';
			if (login <= 0) throw new Mt5Error(RET.ERR_PARAMS, '"login" must be positive');
			const deal = store.balance({ login, type, amount, comment: params.text('comment') ?? '', checkMargin, dealer: manager.login });
			return { Ticket: String(deal.ticket) };
		},
	},
];
