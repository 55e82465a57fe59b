/**
 * A cashier session, deposit or withdrawal: Praxis answers a `redirect_url` the client opens (in an
 * iframe, from the browser: Praxis checks Origin/Referer) to pay or to ask for a payout.
 *
 * Retrying. `POST /cashier/cashier` changes state and has no idempotency header, but Praxis keeps
 * `order_id` unique per merchant and refuses a repeat as a duplicate. So after a failure that leaves
 * the outcome unknown (timeout, reset), the same signed request is sent again; if Praxis then says
 * "duplicate order", the first one did arrive, and the session is read back with find-order and
 * returned as `alreadyCreated: true` (its redirect URL is not in find-order's answer; the client is
 * sent to the cashier again with a new order id if one is needed). A duplicate on the first try is
 * the user's reused order id and stays an error.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt, attemptAsync } from '../../../../lib/errors';
import { currencyDigits, fromMinorUnits, MoneyError, toMinorUnits } from '../../../../lib/money';
import { readRetryPolicy, type RetryPolicy } from '../../../../lib/retryOptions';
import { PraxisApiError, praxisRequest } from '../../transport';
import { isDuplicateOrder, PraxisRefusal } from '../../transport/messages';
import { fieldError, includeRawOption, readOptions, readText, requireText, verifyAnswerOption } from '../inputs';

export type SessionIntent = 'payment' | 'withdrawal';

const CUSTOMER_FIELDS: Array<{ name: string; displayName: string; praxis: string; placeholder: string }> = [
	{ name: 'firstName', displayName: 'First Name', praxis: 'first_name', placeholder: 'John' },
	{ name: 'lastName', displayName: 'Last Name', praxis: 'last_name', placeholder: 'Johnson' },
	{ name: 'email', displayName: 'Email', praxis: 'email', placeholder: 'name@email.com' },
	{ name: 'phone', displayName: 'Phone', praxis: 'phone', placeholder: '+447700900123' },
	{ name: 'country', displayName: 'Country', praxis: 'country', placeholder: 'GB' },
	{ name: 'state', displayName: 'State', praxis: 'state', placeholder: 'NY' },
	{ name: 'city', displayName: 'City', praxis: 'city', placeholder: 'London' },
	{ name: 'zip', displayName: 'ZIP', praxis: 'zip', placeholder: 'SW1A 1AA' },
	{ name: 'address', displayName: 'Address', praxis: 'address', placeholder: '1 High Street' },
	{ name: 'dob', displayName: 'Date of Birth', praxis: 'dob', placeholder: '31/12/1980' },
];

export function sessionDescription(operation: string, intent: SessionIntent): INodeProperties[] {
	const deposit = intent === 'payment';
	return updateDisplayOptions({ show: { resource: ['cashier'], operation: [operation] } }, [
		{
			displayName: 'Client ID',
			name: 'cid',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'client-1001',
			description: 'Your ID of the client (Praxis cid); the same client must always have the same ID',
		},
		{
			displayName: 'Order ID',
			name: 'orderId',
			type: 'string',
			required: true,
			default: '',
			placeholder: deposit ? 'dep-2025-000123' : 'wd-2025-000045',
			description: 'Your unique ID of this session (Praxis order_id). Praxis refuses an order ID used before, which is what makes retries safe.',
		},
		{
			displayName: 'Amount',
			name: 'amount',
			type: 'string',
			required: true,
			default: '',
			placeholder: '100.00',
			description: `The ${deposit ? 'deposit' : 'withdrawal'} in major units (100.50 EUR). It is sent to Praxis in minor units, exactly; more decimals than the currency has is an error.`,
		},
		{
			displayName: 'Currency',
			name: 'currency',
			type: 'string',
			required: true,
			default: 'EUR',
			placeholder: 'EUR',
			description: 'ISO 4217 code of the amount',
		},
		{
			displayName: 'Notification URL',
			name: 'notificationUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://n8n.example.com/webhook/praxis',
			description: "Where Praxis sends the signed status notifications: the Praxis Trigger's production URL",
		},
		{
			displayName: 'Return URL',
			name: 'returnUrl',
			type: 'string',
			default: '',
			placeholder: 'https://broker.example.com/cashier/done',
			description: 'Where the client is sent when they leave the cashier',
		},
		{
			displayName: 'Customer Data',
			name: 'customerData',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'Details Praxis passes to the payment processor (customer_data)',
			options: CUSTOMER_FIELDS.map(({ name, displayName, placeholder }) => ({ displayName, name, type: 'string' as const, default: '', placeholder })),
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{ displayName: 'Gateway', name: 'gateway', type: 'string', default: '', description: 'Send the client straight to this Praxis gateway hash' },
				includeRawOption,
				{ displayName: 'Locale', name: 'locale', type: 'string', default: '', placeholder: 'en-GB', description: 'Language of the cashier page' },
				{ displayName: 'Payment Method', name: 'paymentMethod', type: 'string', default: '', placeholder: 'Credit Card', description: 'Show only this payment method' },
				{ displayName: 'Validation URL', name: 'validationUrl', type: 'string', default: '', description: 'Praxis asks this URL to accept or refuse the transaction before processing' },
				verifyAnswerOption,
			],
		},
	]);
}

/** Major units to Praxis's integer minor units, exactly (JPY and the like have 0 decimals). */
export function amountInMinorUnits(amount: string, currency: string): number {
	const minor = toMinorUnits(amount, currencyDigits(currency, 'Currency'), undefined, 'Amount');
	if (minor <= 0n) throw new MoneyError('Amount must be more than 0', 'Amount');
	if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError('Amount is too large', 'Amount');
	return Number(minor);
}

function customerData(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const given = ctx.getNodeParameter('customerData', itemIndex, {}) as IDataObject;
	const out: IDataObject = {};
	for (const { name, praxis } of CUSTOMER_FIELDS) {
		const value = typeof given[name] === 'string' ? (given[name] as string).trim() : given[name];
		if (value !== undefined && value !== '' && value !== null) out[praxis] = String(value);
	}
	return out;
}

function optional(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function text(value: unknown): string | null {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

export async function createSession(ctx: IExecuteFunctions, itemIndex: number, intent: SessionIntent): Promise<IDataObject> {
	const cid = requireText(ctx, itemIndex, 'cid', 'Client ID', 'client-1001');
	const orderId = requireText(ctx, itemIndex, 'orderId', 'Order ID', 'dep-2025-000123');
	const currency = requireText(ctx, itemIndex, 'currency', 'Currency', 'EUR').toUpperCase();
	const amountText = requireText(ctx, itemIndex, 'amount', 'Amount', '100.00');
	const amount = attempt(() => amountInMinorUnits(amountText, currency));
	if (!amount.ok) {
		const field = amount.error instanceof MoneyError && amount.error.message.includes('Currency') ? 'Currency' : 'Amount';
		throw fieldError(ctx, itemIndex, field, amount.error.message);
	}
	const notificationUrl = requireText(ctx, itemIndex, 'notificationUrl', 'Notification URL', 'https://n8n.example.com/webhook/praxis');
	if (!/^https?:\/\//.test(notificationUrl)) throw fieldError(ctx, itemIndex, 'Notification URL', 'must start with https:// (or http:// for a local test)');
	const options = readOptions(ctx, itemIndex);
	const policy = readRetryPolicy(ctx, itemIndex);
	const action = `open the ${intent === 'payment' ? 'deposit' : 'withdrawal'} session for order ${orderId}`;

	let outcomeWasUnknown = false;
	const opened = await attemptAsync(
		async () =>
			await praxisRequest(
				ctx,
				{
					path: '/cashier/cashier',
					message: 'cashier',
					answer: 'cashierAnswer',
					fields: {
						intent,
						currency,
						amount: amount.value,
						cid,
						locale: optional(options.other.locale),
						customer_data: customerData(ctx, itemIndex),
						payment_method: optional(options.other.paymentMethod),
						gateway: optional(options.other.gateway),
						validation_url: optional(options.other.validationUrl),
						notification_url: notificationUrl,
						return_url: optional(readText(ctx, itemIndex, 'returnUrl')),
						order_id: orderId,
					},
					idempotent: false,
					verifyAnswer: options.verifyAnswer,
				},
				action,
				policy,
				{
					beforeRetry: async () => {
						// Safe to resend: a second arrival is refused as a duplicate order (see header).
						outcomeWasUnknown = true;
						return { retry: true };
					},
				},
			),
	);
	if (opened.ok) {
		const { json } = opened.value;
		const session = (json.session ?? {}) as IDataObject;
		const customer = (json.customer ?? {}) as IDataObject;
		return {
			orderId,
			intent: intent === 'payment' ? 'deposit' : 'withdrawal',
			clientId: cid,
			amount: { amount: fromMinorUnits(amount.value, currencyDigits(currency)), currency },
			amountMinor: amount.value,
			redirectUrl: text(json.redirect_url),
			authToken: text(session.auth_token),
			customerToken: text(customer.customer_token),
			sessionStatus: text(session.session_status),
			alreadyCreated: false,
			...(options.includeRaw ? { raw: json } : {}),
		};
	}
	const error = opened.error;
	const refusal = error instanceof PraxisApiError && error.praxisStatus !== undefined ? new PraxisRefusal(error.praxisStatus, error.praxisDescription ?? '') : undefined;
	if (!outcomeWasUnknown || !refusal || !isDuplicateOrder(refusal)) throw error;

	const found = await findOrderAnswer(ctx, orderId, options.verifyAnswer, policy);
	const session = (found.json.session ?? {}) as IDataObject;
	const customer = (found.json.customer ?? {}) as IDataObject;
	const same =
		String(session.intent) === intent &&
		String(session.cid) === cid &&
		String(session.currency).toUpperCase() === currency &&
		found.scalars.get('session.amount') === String(amount.value);
	if (!same) {
		throw fieldError(
			ctx,
			itemIndex,
			'Order ID',
			`Praxis already has order ${orderId} with different details (${String(session.intent)} of ${String(session.amount)} ${String(session.currency)} minor units for ${String(session.cid)}); use a new order ID`,
		);
	}
	return {
		orderId,
		intent: intent === 'payment' ? 'deposit' : 'withdrawal',
		clientId: cid,
		amount: { amount: fromMinorUnits(amount.value, currencyDigits(currency)), currency },
		amountMinor: amount.value,
		redirectUrl: null,
		authToken: text(session.auth_token),
		customerToken: text(customer.customer_token),
		sessionStatus: text(session.session_status),
		alreadyCreated: true,
		...(options.includeRaw ? { raw: found.json } : {}),
	};
}

export async function findOrderAnswer(ctx: IExecuteFunctions, orderId: string, verifyAnswer: boolean, policy: RetryPolicy) {
	return await praxisRequest(
		ctx,
		{ path: '/agent/find-order', message: 'findOrder', answer: 'agentAnswer', fields: { order_id: orderId }, idempotent: true, verifyAnswer },
		`find order ${orderId}`,
		policy,
	);
}
