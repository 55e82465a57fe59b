/**
 * What click conversions and enhanced conversions for leads share: the fields every conversion
 * has, the batched `uploadClickConversions` call, and the verdict on each row.
 *
 * Routing of a row Google refused (its partialFailureError entry for conversions[i]):
 * - TOO_RECENT_EVENT, TOO_RECENT_CONVERSION_ACTION → the "Retry Later" output with `retryAfterUtc`
 *   (now + 6 h, Google's window), so a template can park the row and send it again;
 * - CLICK_CONVERSION_ALREADY_EXISTS, ORDER_ID_ALREADY_IN_USE → "Uploaded" with status alreadyUploaded:
 *   the same conversion (same click, or same order id — our idempotency key) was imported before, e.g.
 *   a resend after a lost answer with a time written in another zone; nothing is lost;
 * - CLICK_NOT_FOUND (leads only: no click matches the identifiers, "can be ignored") → "Uploaded"
 *   with status notMatched;
 * - anything else → the item's error, naming the field and Google's code.
 * Because Google refuses a conversion it already has, resending a batch is harmless, so the call is
 * retried like a read.
 */
import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runInBatches, type RowOutcome } from '../../../lib/batches';
import { attempt, FieldError } from '../../../lib/errors';
import { googleConversionDateTime, type ClickIdKind, type GoogleConsentStatus } from '../../../lib/googleAds';
import type { ConversionUploadResult } from '../../../lib/model';
import { parseDecimal } from '../../../lib/money';
import { readRetryPolicy } from '../../../lib/retryOptions';
import { describeGoogleAdsError, googleAdsErrorsOf, googleAdsRequest, type GoogleAdsErrorDetail } from '../transport';
import { consentProperty, customerIdProperty, includeRawOption, MAX_CONVERSIONS_PER_REQUEST, readConsent, readConversionAction, readCustomerId, readOption, readText, readWholeOption } from './inputs';

export const OUTPUT_UPLOADED = 0;
export const OUTPUT_RETRY_LATER = 1;
/** Google already holds this conversion: a resend, counted once. The order id is our idempotency key. */
const ALREADY_UPLOADED_CODES = new Set(['CLICK_CONVERSION_ALREADY_EXISTS', 'ORDER_ID_ALREADY_IN_USE']);
const RETRY_LATER_CODES = new Set(['TOO_RECENT_EVENT', 'TOO_RECENT_CONVERSION_ACTION']);
const RETRY_AFTER_HOURS = 6;

/** The fields before the click ids or identifiers. */
export const leadingProperties: INodeProperties[] = [
	customerIdProperty,
	{
		displayName: 'Conversion Action',
		name: 'conversionAction',
		type: 'string',
		required: true,
		default: '',
		placeholder: '987654321',
		description: 'ID of the conversion action (type "Import from clicks", UPLOAD_CLICKS) or its resource name customers/…/conversionActions/…',
	},
];

/** The fields after them. */
export const trailingProperties: INodeProperties[] = [
	{
		displayName: 'Conversion Time',
		name: 'conversionTime',
		type: 'string',
		required: true,
		default: '={{ $json.timeUtc }}',
		placeholder: '2026-11-25T14:30:00Z',
		description: 'When the conversion happened (after the click), as an ISO-8601 time; without an offset it is read as UTC',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'UTC',
		placeholder: 'Europe/Nicosia',
		description:
			'The time is sent to Google in this zone with its offset at that moment (summer or winter time), e.g. "2026-07-01 12:00:00+03:00". Google accepts any zone; the Google Ads account\'s zone makes reports easiest to read.',
	},
	consentProperty(
		'adUserData',
		'Ad User Data Consent',
		"Sent as consent.ad_user_data: whether the client agreed to their data being sent to Google for advertising (Google's EU user consent policy covers offline imports). Set it from the CRM's consent record.",
	),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Conversion Value',
				name: 'conversionValue',
				type: 'string',
				default: '',
				placeholder: '250.00',
				description: 'The value of the conversion, e.g. the first deposit, as a decimal',
			},
			{
				displayName: 'Currency',
				name: 'currencyCode',
				type: 'string',
				default: '',
				placeholder: 'EUR',
				description: "ISO 4217 code of the value; the conversion action's currency when empty",
			},
			{
				displayName: 'Order ID',
				name: 'orderId',
				type: 'string',
				default: '',
				description:
					'Your unique ID for this conversion, e.g. ftd: followed by the client ID (the same key Meta gets as event_id). Google keeps one conversion per order ID and action, so a resend is refused instead of counted twice. Never personal data.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONVERSIONS_PER_REQUEST, numberPrecision: 0 },
				default: 2000,
				description: 'Conversions per call to Google (at most 2000)',
			},
			includeRawOption,
			{
				displayName: 'Validate Only',
				name: 'validateOnly',
				type: 'boolean',
				default: false,
				description: 'Whether Google only checks the conversions without importing them',
			},
		],
	},
];

/** One conversion ready to send, with the summary its output item starts from. */
export interface PreparedConversion {
	body: IDataObject;
	summary: IDataObject;
	conversion: NonNullable<ConversionUploadResult['conversion']>;
}

/** Reads the fields every conversion shares; `extra` adds the click id or identifiers. */
export function readConversion(
	ctx: IExecuteFunctions,
	itemIndex: number,
	extra: { body: IDataObject; summary: IDataObject; click?: { kind: ClickIdKind; id: string } },
): PreparedConversion {
	const customerId = readCustomerId(ctx, itemIndex);
	const conversionAction = readConversionAction(ctx, itemIndex, customerId);
	const timeText = readText(ctx, itemIndex, 'conversionTime');
	if (!timeText) throw new FieldError('Conversion Time', 'is required, e.g. 2026-11-25T14:30:00Z');
	const timeZone = readText(ctx, itemIndex, 'timeZone', 'UTC');
	const conversionDateTime = googleConversionDateTime(timeText, timeZone);
	const timeUtc = DateTime.fromFormat(conversionDateTime, 'yyyy-MM-dd HH:mm:ssZZ', { setZone: true }).toUTC().toISO() ?? timeText;
	const adUserData = readConsent(ctx, itemIndex, 'adUserData', 'Ad User Data Consent');
	const fields = ctx.getNodeParameter('additionalFields', itemIndex, {}) as Record<string, unknown>;
	const valueText = String(fields.conversionValue ?? '').trim();
	const parsed = valueText ? attempt(() => parseDecimal(valueText, 'Conversion Value')) : undefined;
	if (parsed && !parsed.ok) throw new FieldError('Conversion Value', parsed.error.message);
	const amount = parsed?.ok ? parsed.value : undefined;
	const currency = String(fields.currencyCode ?? '').trim().toUpperCase();
	if (currency && !/^[A-Z]{3}$/.test(currency)) throw new FieldError('Currency', `must be an ISO 4217 code such as EUR; it is "${String(fields.currencyCode)}"`);
	const orderId = String(fields.orderId ?? '').trim();
	if (orderId && (orderId.includes('@') || /^\+?\d[\d\s-]{9,}$/.test(orderId))) {
		throw new FieldError('Order ID', 'looks like an e-mail address or phone number; Google refuses personal data in order ids (ORDER_ID_CONTAINS_PII)');
	}
	const consent: { adUserData?: GoogleConsentStatus } = adUserData ? { adUserData } : {};
	const body: IDataObject = {
		...extra.body,
		conversionAction,
		conversionDateTime,
		...(amount !== undefined ? { conversionValue: Number(amount) } : {}),
		...(currency ? { currencyCode: currency } : {}),
		...(orderId ? { orderId } : {}),
		...(adUserData ? { consent } : {}),
	};
	const summary: IDataObject = {
		destination: 'google_ads',
		customerId,
		conversionAction,
		conversionDateTime,
		...(extra.click ? { clickIdType: extra.click.kind, clickId: extra.click.id } : {}),
		...extra.summary,
		...(orderId ? { orderId } : {}),
	};
	const conversion: PreparedConversion['conversion'] = {
		eventId: orderId || `${extra.click?.id ?? 'lead'}|${timeUtc}`,
		eventName: conversionAction,
		timeUtc,
		...(amount !== undefined ? { value: { amount, currency } } : {}),
		consent: adUserData === 'GRANTED',
		destination: 'google_ads',
		...(extra.click ? { touchpoint: { timeUtc, [extra.click.kind]: extra.click.id } } : {}),
	};
	return { body, summary: { ...summary, customerId }, conversion };
}

function outcomeFor(row: PreparedConversion, errors: GoogleAdsErrorDetail[], result: unknown, includeRaw: boolean, validateOnly: boolean): RowOutcome {
	const first = errors[0];
	const base = (status: ConversionUploadResult['status']): IDataObject => ({
		status,
		...row.summary,
		conversion: row.conversion as unknown as IDataObject,
		...(validateOnly ? { validateOnly: true } : {}),
		...(first ? { vendorError: { code: first.code, ...(first.field ? { field: first.field } : {}), message: first.message } } : {}),
		...(includeRaw ? { raw: (first ? { errors } : result) as IDataObject } : {}),
	});
	if (!first) return { output: OUTPUT_UPLOADED, result: base('uploaded') };
	if (RETRY_LATER_CODES.has(first.code)) {
		const retryAfterUtc = DateTime.utc().plus({ hours: RETRY_AFTER_HOURS }).toISO();
		return { output: OUTPUT_RETRY_LATER, result: { ...base('retryLater'), retryAfterUtc } };
	}
	if (ALREADY_UPLOADED_CODES.has(first.code)) return { output: OUTPUT_UPLOADED, result: base('alreadyUploaded') };
	if (first.code === 'CLICK_NOT_FOUND') return { output: OUTPUT_UPLOADED, result: base('notMatched') };
	return new Error(`Google Ads refused the conversion: ${errors.map(describeGoogleAdsError).join('; ')}`);
}

/**
 * Runs an upload operation: `prepare` reads one item; rows go to Google in batches of the same
 * customer; each row's verdict comes back to its item.
 */
export async function uploadConversions(ctx: IExecuteFunctions, prepare: (itemIndex: number) => PreparedConversion): Promise<INodeExecutionData[][]> {
	const batchSize = readWholeOption(ctx, 'batchSize', 'Batch Size', MAX_CONVERSIONS_PER_REQUEST, 1, MAX_CONVERSIONS_PER_REQUEST);
	const validateOnly = readOption<boolean>(ctx, 0, 'validateOnly', false) === true;
	const includeRaw = readOption<boolean>(ctx, 0, 'includeRaw', false) === true;
	const policy = readRetryPolicy(ctx, 0);
	return await (runInBatches<PreparedConversion>).call(ctx, {
		// Under "Continue" (without an error output) a failed row must not look uploaded: it stays on Retry Later.
		outputCount: 2,
		failedItemsOutput: OUTPUT_RETRY_LATER,
		batchSize,
		prepare: async (itemIndex) => ({ send: prepare(itemIndex) }),
		send: async (rows) => {
			// One call per customer: the customer is in the URL.
			const outcomes: RowOutcome[] = new Array(rows.length);
			const byCustomer = new Map<string, number[]>();
			rows.forEach(({ payload }, i) => {
				const id = String(payload.summary.customerId);
				byCustomer.set(id, [...(byCustomer.get(id) ?? []), i]);
			});
			for (const [customerId, positions] of byCustomer) {
				const answer = await googleAdsRequest<{ results?: unknown[]; partialFailureError?: unknown; jobId?: string }>(
					ctx,
					'POST',
					`customers/${customerId}:uploadClickConversions`,
					{ conversions: positions.map((i) => rows[i].payload.body), partialFailure: true, ...(validateOnly ? { validateOnly: true } : {}) },
					`upload ${positions.length} conversion${positions.length === 1 ? '' : 's'} to customer ${customerId}`,
					{ policy, idempotent: true },
				);
				const errors = googleAdsErrorsOf(answer.partialFailureError);
				positions.forEach((position, index) => {
					const rowErrors = errors.filter((e) => e.index === index);
					outcomes[position] = outcomeFor(rows[position].payload, rowErrors, answer.results?.[index], includeRaw, validateOnly);
				});
			}
			return outcomes;
		},
	});
}
