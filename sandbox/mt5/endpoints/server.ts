/**
 * Server configuration a CRM reads: groups (`webapi_group_get`, `webapi_group_total`,
 * `webapi_group_next`) and time (`webapi_time_server`, `webapi_time_get`), plus the ping
 * (`webapi_pings`) and the end of a session (`/api/quit`).
 */
import { Mt5Error, RET } from '../retcodes';
import { groupRecord } from '../records';
import type { ApiRoute } from './api';

export const serverRoutes: ApiRoute[] = [
	{
		// `?group=real\standard` → that group; `?mask=real*` (a mask as in user/get_batch) → a list.
		path: '/api/group/get',
		handler: ({ params, store }) => {
			const mask = params.text('mask');
			if (mask !== undefined) return store.groupsMatching(mask).map(groupRecord);
			const group = store.group(params.required('group'));
			if (!group) throw new Mt5Error(RET.ERR_NOTFOUND, 'no such group');
			return groupRecord(group);
		},
	},
	{
		path: '/api/group/total',
		handler: ({ store }) => ({ total: String(store.allGroups().length) }),
	},
	{
		path: '/api/group/next',
		handler: ({ params, store }) => {
			const group = store.allGroups()[params.requiredInteger('index')];
			if (!group) throw new Mt5Error(RET.ERR_NOTFOUND, 'no group at that index');
			return groupRecord(group);
		},
	},
	{
		// "1572518788 2019.10.31 10:46:28": the server's wall clock, as epoch seconds and as text.
		path: '/api/time/server',
		handler: ({ clock }) => ({ Time: clock.serverTimeText() }),
	},
	{
		path: '/api/time/get',
		handler: ({ clock }) => clock.timeConfig(),
	},
	{
		// `webapi_pings`: {"retcode":"0 Done"}; every request restarts the 180 s idle clock.
		path: '/api/test/access',
		handler: () => undefined,
	},
	{
		path: '/api/quit',
		handler: ({ endSession }) => {
			endSession();
			return undefined;
		},
	},
];
