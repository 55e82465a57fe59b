import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { periodWindow, type Period } from '../../../../lib/time';
import { mt5ServerZone } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['server'], operation: ['periodWindow'] } }, [
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Day', value: 'day' },
			{ name: 'Month', value: 'month' },
		],
		default: 'month',
		description: 'A calendar day or month as the trade server counts it (server midnight, not UTC midnight)',
	},
	{
		displayName: 'Which',
		name: 'which',
		type: 'options',
		options: [
			{ name: 'Current', value: 'current', description: 'The day or month now running on the server' },
			{ name: 'Previous', value: 'previous', description: 'The last complete day or month (for monthly reviews)' },
		],
		default: 'previous',
	},
	{
		displayName: 'Reference Time',
		name: 'reference',
		type: 'string',
		default: '',
		placeholder: '2026-11-01T00:00:00Z',
		description: 'The instant (UTC) the window is taken relative to; empty means now',
	},
]);

/**
 * The window of a server-time calendar period: MT5 brokers run GMT+2/+3, so "October" starts at
 * 21:00 or 22:00 UTC on 30 September. Deal queries and volume tiers use it to count the same month
 * the platform and its statements do.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const period = this.getNodeParameter('period', itemIndex) as Period;
	const which = this.getNodeParameter('which', itemIndex) as 'current' | 'previous';
	const reference = String(this.getNodeParameter('reference', itemIndex, '') ?? '').trim() || new Date().toISOString();
	const zone = await mt5ServerZone(this);
	const window = periodWindow(period, reference, zone, which);
	return {
		period,
		label: window.label,
		fromUtc: window.startUtc.toISO(),
		toUtc: window.endUtc.toISO(),
		fromServerEpoch: window.startServerEpoch,
		toServerEpoch: window.endServerEpoch,
		zone: zone.name,
	};
}
