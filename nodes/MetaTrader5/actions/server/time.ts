import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { formatServerTime, offsetSecondsAt, serverTimeToUtc } from '../../../../lib/time';
import { mt5ServerNow, mt5ServerZone } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['server'], operation: ['time'] } }, [
	{
		displayName: 'Reads the trade server clock and its time zone: what MT5 calls "server time", and the same instant in UTC.',
		name: 'serverTimeNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions) {
	const zone = await mt5ServerZone(this);
	const serverEpoch = await mt5ServerNow(this);
	const utc = serverTimeToUtc(serverEpoch, zone);
	return {
		serverTime: formatServerTime(serverEpoch),
		serverEpochSeconds: serverEpoch,
		timeUtc: utc.toISO(),
		zone: zone.name,
		offsetMinutes: offsetSecondsAt(zone, utc) / 60,
	};
}
