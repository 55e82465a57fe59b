import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { captureTouchpoint } from '../../../lib/attribution';
import { attempt, FieldError } from '../../../lib/errors';
import { readChannelRules } from './shared';

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['captureTouchpoint'] } }, [
	{
		displayName: 'Landing URL',
		name: 'landingUrl',
		type: 'string',
		required: true,
		default: '={{ $json.landingUrl }}',
		placeholder: 'https://broker.example/open-account?utm_source=google&gclid=Cj0KCQ',
		description: 'The full URL of the first request of the visit, with its query string',
	},
	{
		displayName: 'Referrer',
		name: 'referrer',
		type: 'string',
		default: '={{ $json.referrer }}',
		placeholder: 'https://www.google.com/',
		description: 'The Referer header of that request; empty when the browser sent none',
	},
	{
		displayName: 'Cookies',
		name: 'cookies',
		type: 'string',
		default: '={{ $json.cookies }}',
		placeholder: '_fbp=fb.1.1596403881668.1116446470; _gcl_aw=GCL.1700000000.Cj0KCQ',
		description: 'The Cookie header, or an object of cookie names and values. _fbc, _fbp, _gcl_aw and _ttp are read.',
	},
	{
		displayName: 'Time',
		name: 'time',
		type: 'string',
		required: true,
		default: '={{ $json.timeUtc }}',
		placeholder: '2026-10-25T09:30:00Z',
		description: 'When the visit happened (ISO-8601; no offset means UTC). It is the creation time in a new fbc. For a visit happening now use {{ $now.toISO() }}.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Client ID',
				name: 'clientId',
				type: 'string',
				default: '',
				description: 'The CRM client ID, when the visitor is known',
			},
			{
				displayName: 'Visitor ID',
				name: 'visitorId',
				type: 'string',
				default: '',
				description: 'A visitor ID from a first-party cookie, when the client is not known yet',
			},
		],
	},
]);

/** The item with `touchpoint` (canonical, with its channel) and `channelRule` (the row that named it). */
export async function execute(this: IExecuteFunctions, itemIndex: number, item: INodeExecutionData): Promise<INodeExecutionData> {
	const rules = attempt(() => readChannelRules(this, itemIndex));
	if (!rules.ok) {
		throw new NodeOperationError(this.getNode(), `The channel rules are invalid: ${rules.error.message}`, {
			itemIndex,
			description: rules.error instanceof FieldError ? 'Fix the channel rule named above and run again.' : undefined,
		});
	}
	const parameter = (name: string) => this.getNodeParameter(name, itemIndex, '') as unknown;
	const captured = captureTouchpoint(
		{
			landingUrl: parameter('landingUrl'),
			referrer: parameter('referrer'),
			cookies: parameter('cookies'),
			time: parameter('time'),
			clientId: parameter('options.clientId'),
			visitorId: parameter('options.visitorId'),
		},
		rules.value,
	);
	const json: IDataObject = {
		...item.json,
		touchpoint: { ...captured.touchpoint } as IDataObject,
		channelRule: captured.channelRule,
	};
	return { json, binary: item.binary, pairedItem: { item: itemIndex } };
}
