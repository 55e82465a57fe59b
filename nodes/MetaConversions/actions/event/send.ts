/**
 * Server events to the Conversions API (`POST /{version}/{pixel_id}/events`, reference/ads.md §1).
 *
 * - Consent first: an item without consent is not processed at all and leaves on "Not Sent" with
 *   the reason (reference/ads.md §6: gate sending on your consent record).
 * - Then each item is validated and built on its own (lib/metaConversions.ts): Meta rejects the
 *   whole request when one event is invalid, so a bad item goes to the error output naming its
 *   field and is never sent, while the rest are.
 * - Events go in requests of at most 1,000 (Meta's limit), each with `event_id` for dedup.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runInBatches } from '../../../../lib/batches';
import { attempt, ItemValidationError } from '../../../../lib/errors';
import { buildServerEvent, META_ACTION_SOURCES, META_MAX_EVENTS_PER_REQUEST, type BuiltEvent } from '../../../../lib/metaConversions';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { metaContextOf, metaRequest } from '../../transport';
import {
	batchSizeOption,
	consentProperty,
	defaultCallingCodeOption,
	identifierProperties,
	notSentJson,
	readBatchSize,
	readConsent,
	readDefaultCallingCode,
	readIdentifiers,
	readText,
	validationError,
} from '../inputs';
import { NOT_SENT, OUTPUT_COUNT, SENT } from '../outputs';

/** The event_id prefix when Event ID is left empty: "<prefix>:<clientId>" (ads.md §7). */
export const EVENT_ID_PREFIX: Readonly<Record<string, string>> = {
	Purchase: 'ftd',
	CompleteRegistration: 'registration',
	Lead: 'lead',
};

export function defaultEventId(eventName: string, clientId: string): string {
	if (!clientId) return '';
	const prefix = EVENT_ID_PREFIX[eventName] ?? eventName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
	return `${prefix}:${clientId}`;
}

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['event'], operation: ['send'] } }, [
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'options',
		options: [
			{ name: 'Complete Registration', value: 'CompleteRegistration', description: 'The client opened an account' },
			{ name: 'Custom', value: 'custom', description: 'Your own name, e.g. KYCApproved' },
			{ name: 'Lead', value: 'Lead', description: 'A lead was captured' },
			{ name: 'Purchase (First-Time Deposit)', value: 'Purchase', description: 'The first deposit, with its value and currency' },
		],
		default: 'Purchase',
	},
	{
		displayName: 'Custom Event Name',
		name: 'customEventName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'KYCApproved',
		displayOptions: { show: { eventName: ['custom'] } },
	},
	{
		displayName: 'Client ID',
		name: 'clientId',
		type: 'string',
		default: '={{ $json.clientId }}',
		description: 'Your CRM client ID. Builds the default Event ID and is copied to the output.',
	},
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '',
		placeholder: 'ftd:{{ $json.clientId }}',
		description:
			'Deduplication key: Meta keeps one event per Event Name + Event ID within 48 hours, so resending never counts twice. Use the same ID as the browser pixel for the same event. Empty: ftd:&lt;client ID&gt; for Purchase, registration:&lt;client ID&gt;, lead:&lt;client ID&gt;, or the custom name.',
	},
	{
		displayName: 'Event Time',
		name: 'eventTime',
		type: 'string',
		default: '={{ $json.eventTime }}',
		description: 'When it happened: ISO-8601 in UTC or Unix seconds. Empty means now. Meta refuses events older than 7 days.',
	},
	{
		displayName: 'Action Source',
		name: 'actionSource',
		type: 'options',
		options: META_ACTION_SOURCES.map((value) => ({
			name: value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()),
			value,
		})),
		default: 'system_generated',
		description: 'Where the conversion happened. Website also needs Event Source URL and Client User Agent. Meta holds you to this being accurate.',
	},
	{
		displayName: 'Event Source URL',
		name: 'eventSourceUrl',
		type: 'string',
		default: '={{ $json.eventSourceUrl }}',
		description: 'The page where it happened; required for Action Source website',
	},
	consentProperty,
	...identifierProperties(),
	{
		displayName: 'Click ID (Fbc)',
		name: 'fbc',
		type: 'string',
		default: '={{ $json.fbc }}',
		description: 'The _fbc cookie or fb.1.&lt;ms&gt;.&lt;fbclid&gt;, sent as captured (never hashed)',
	},
	{
		displayName: 'Browser ID (Fbp)',
		name: 'fbp',
		type: 'string',
		default: '={{ $json.fbp }}',
		description: 'The _fbp cookie, sent as captured (never hashed)',
	},
	{
		displayName: 'Client IP Address',
		name: 'clientIpAddress',
		type: 'string',
		default: '={{ $json.clientIpAddress }}',
		description: 'IPv4 or IPv6 of the client, sent as captured (never hashed)',
	},
	{
		displayName: 'Client User Agent',
		name: 'clientUserAgent',
		type: 'string',
		default: '={{ $json.clientUserAgent }}',
		description: "The client's browser user agent, sent as captured (never hashed)",
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '={{ $json.value }}',
		description: 'The conversion value, e.g. the deposit amount (a number, or a Money object with amount and currency). Required for Purchase.',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: '={{ $json.currency }}',
		description: 'ISO 4217 code such as USD. Required for Purchase.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			batchSizeOption(META_MAX_EVENTS_PER_REQUEST),
			defaultCallingCodeOption,
			{
				displayName: 'Opt Out of Delivery Optimisation',
				name: 'optOut',
				type: 'boolean',
				default: false,
				description: 'Whether Meta should use the events for measurement only, not to optimise ad delivery (opt_out)',
			},
			{
				displayName: 'Test Event Code',
				name: 'testEventCode',
				type: 'string',
				default: '',
				description: "Overrides the credential's Test Event Code for this node (Events Manager → Test Events)",
			},
		],
	},
]);

function readEventName(ctx: IExecuteFunctions, itemIndex: number): string {
	const chosen = readText(ctx, itemIndex, 'eventName');
	return chosen === 'custom' ? readText(ctx, itemIndex, 'customEventName') : chosen;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const meta = await metaContextOf(this);
	const testEventCode = readText(this, 0, 'options.testEventCode') || meta.testEventCode;
	const size = attempt(() => readBatchSize(this, META_MAX_EVENTS_PER_REQUEST));
	const policy = attempt(() => readRetryPolicy(this, 0));
	const nowMs = Date.now();

	return await (runInBatches<BuiltEvent>).call(this, {
		outputCount: OUTPUT_COUNT,
		failedItemsOutput: NOT_SENT,
		batchSize: size.ok ? size.value : META_MAX_EVENTS_PER_REQUEST,
		// A bad setting fails every item rather than throwing (see perItem.ts on the continue modes).
		beforeSend: () => (!size.ok ? size.error : !policy.ok ? policy.error : undefined),
		prepare: async (itemIndex, item) => {
			const consent = readConsent(this, itemIndex);
			if (!consent.granted) {
				return {
					route: {
						output: NOT_SENT,
						result: { json: notSentJson(item.json, 'consent_missing', `No consent to ad measurement (Consent is ${JSON.stringify(consent.value ?? null)}); nothing was sent to Meta`) },
					},
				};
			}
			const eventName = readEventName(this, itemIndex);
			const clientId = readText(this, itemIndex, 'clientId');
			const built = buildServerEvent(
				{
					eventName,
					eventId: readText(this, itemIndex, 'eventId') || defaultEventId(eventName, clientId),
					eventTime: this.getNodeParameter('eventTime', itemIndex, '') as unknown,
					actionSource: readText(this, itemIndex, 'actionSource'),
					eventSourceUrl: readText(this, itemIndex, 'eventSourceUrl'),
					identifiers: readIdentifiers(this, itemIndex),
					fbc: readText(this, itemIndex, 'fbc'),
					fbp: readText(this, itemIndex, 'fbp'),
					clientIpAddress: readText(this, itemIndex, 'clientIpAddress'),
					clientUserAgent: readText(this, itemIndex, 'clientUserAgent'),
					value: this.getNodeParameter('value', itemIndex, '') as unknown,
					currency: readText(this, itemIndex, 'currency'),
					clientId,
					defaultCallingCode: readDefaultCallingCode(this, itemIndex),
					optOut: this.getNodeParameter('options.optOut', itemIndex, false) === true,
				},
				nowMs,
			);
			if (!built.ok) throw validationError(this, itemIndex, new ItemValidationError(built.errors));
			return { send: built.value };
		},
		send: async (batch, plan) => {
			const answer = await metaRequest<{ events_received?: number; fbtrace_id?: string; messages?: unknown[] }>(
				this,
				meta,
				{
					method: 'POST',
					path: `/${encodeURIComponent(meta.pixelId)}/events`,
					body: {
						data: batch.map(({ payload }) => payload.event) as unknown as IDataObject[],
						...(testEventCode ? { test_event_code: testEventCode } : {}),
					},
				},
				`accept ${batch.length} event(s) for pixel ${meta.pixelId} (batch ${plan.batchIndex + 1} of ${plan.batchCount})`,
				policy.ok ? policy.value : undefined,
			);
			return batch.map(({ payload }) => ({
				output: SENT,
				result: {
					json: {
						...payload.conversion,
						actionSource: payload.event.action_source,
						pixelId: meta.pixelId,
						fbtraceId: answer.fbtrace_id ?? '',
						eventsReceived: answer.events_received ?? 0,
						batch: plan.batchIndex + 1,
						batchCount: plan.batchCount,
						...(testEventCode ? { testEventCode } : {}),
					} as unknown as IDataObject,
				},
			}));
		},
	});
}
