/**
 * A crypto withdrawal exactly once (`POST /v2/withdrawal/crypto`). CoinsPaid requires "the unique
 * foreign_id every time you make a withdrawal request" (integration-guide/withdrawals.md) and
 * refuses one it has seen, so the foreign_id is the idempotency key and CoinsPaid's own ledger
 * holds it across n8n workers and restarts:
 * 1. concurrent duplicates in this process wait for the first and share its result (onceInProcess);
 * 2. a foreign_id CoinsPaid refuses as taken means the withdrawal was already requested: reported
 *    with `alreadyApplied: true`, never sent again under another id;
 * 3. because of 2, resending after a lost answer is harmless, so the call is retried like a read.
 * The answer is `processing`; the outcome (confirmed or failed) arrives as a callback.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt, attemptAsync } from '../../../../lib/errors';
import { onceInProcess } from '../../../../lib/idempotency';
import type { Transaction } from '../../../../lib/model';
import { compareDecimal, parseDecimal } from '../../../../lib/money';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { CoinsPaidApiError, coinsPaidBaseUrlOf, coinsPaidRequest } from '../../transport';
import { fieldError, optionsCollection, readCurrency, readIncludeRaw, readRequired, readText } from '../inputs';

/** CoinsPaid writes amounts with 8 decimals and refuses more. */
const AMOUNT_DIGITS = 8;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['withdrawal'], operation: ['crypto'] } }, [
	{
		displayName: 'Withdrawal ID',
		name: 'foreignId',
		type: 'string',
		required: true,
		default: '={{ $json.withdrawalId }}',
		placeholder: 'wd-2024-000123',
		description:
			'Your unique ID for this withdrawal, sent as foreign_id. CoinsPaid refuses an ID it has seen, so running again with the same ID never pays twice; use a new ID for every withdrawal.',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		required: true,
		default: '={{ $json.amount }}',
		description: 'In the Currency below, as a positive decimal with at most 8 decimals, e.g. 0.015',
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		required: true,
		default: 'BTC',
		description: 'The balance the withdrawal is paid from, e.g. BTC, or EUR together with Convert To',
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		required: true,
		default: '={{ $json.address }}',
		description: "The client's wallet address",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Client ID',
				name: 'clientId',
				type: 'string',
				default: '',
				description: "The client's ID in your CRM, copied to the output (CoinsPaid does not store it)",
			},
			{
				displayName: 'Convert To',
				name: 'convertTo',
				type: 'string',
				default: '',
				description: 'The cryptocurrency to send when paying from a fiat balance (e.g. EUR → BTC)',
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				description: 'Destination tag or memo, for currencies that need one (XRP)',
			},
		],
	},
	optionsCollection(),
]);

interface WithdrawalAnswer {
	data?: {
		id?: number;
		foreign_id?: string;
		type?: string;
		status?: string;
		sender_amount?: string;
		sender_currency?: string;
		receiver_amount?: string;
		receiver_currency?: string;
	};
}

export type WithdrawalResult = Transaction & {
	foreignId: string;
	address: string;
	/** What the client receives, in the sent cryptocurrency (differs from gross when converted). */
	receiverAmount?: { amount: string; currency: string };
	vendorStatus: string;
	/** True when no withdrawal was requested this time: the foreign_id had been used already. */
	alreadyApplied: boolean;
	/** How the outcome is known: CoinsPaid's answer, its refusal of a repeated foreign_id, or this process. */
	confirmedBy: 'answer' | 'foreignIdRefusal' | 'thisProcess';
};

/** CoinsPaid refused the foreign_id as used before ("The foreign id has already been taken."). */
function isRepeatedForeignId(error: Error): boolean {
	if (!(error instanceof CoinsPaidApiError) || error.statusCode !== 400) return false;
	const message = error.fieldErrors.foreign_id ?? '';
	return /taken|already|exist|duplicate|unique/i.test(message);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const foreignId = readRequired(this, itemIndex, 'foreignId', 'Withdrawal ID', 'wd-2024-000123');
	const amountText = readText(this, itemIndex, 'amount');
	const parsed = attempt(() => parseDecimal(amountText, 'Amount'));
	if (!parsed.ok) throw fieldError(this, itemIndex, 'Amount', parsed.error.message);
	const amount = parsed.value;
	if (compareDecimal(amount, 0) <= 0) throw fieldError(this, itemIndex, 'Amount', `must be positive; it is "${amount}"`);
	if ((amount.split('.')[1] ?? '').length > AMOUNT_DIGITS) {
		throw fieldError(this, itemIndex, 'Amount', `has more than ${AMOUNT_DIGITS} decimals, which CoinsPaid refuses: "${amount}"`);
	}
	const currency = readCurrency(this, itemIndex, 'currency', 'Currency');
	const address = readRequired(this, itemIndex, 'address', 'Address', "the client's wallet address");
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as Record<string, unknown>;
	const convertTo = typeof extra.convertTo === 'string' ? extra.convertTo.trim().toUpperCase() : '';
	const tag = typeof extra.tag === 'string' ? extra.tag.trim() : '';
	const clientId = typeof extra.clientId === 'string' ? extra.clientId.trim() : '';
	const includeRaw = readIncludeRaw(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	const baseUrl = await coinsPaidBaseUrlOf(this);

	const result = (confirmedBy: WithdrawalResult['confirmedBy'], answer?: WithdrawalAnswer): WithdrawalResult => {
		const data = answer?.data;
		const receiverCurrency = data?.receiver_currency ?? (convertTo || currency);
		return {
			transactionId: data?.id === undefined ? '' : String(data.id),
			source: 'coinspaid',
			type: 'withdrawal',
			// Accepted is not paid: the confirmed or failed callback decides.
			status: 'pending',
			gross: { amount: data?.sender_amount ?? amount, currency: data?.sender_currency ?? currency },
			...(data?.receiver_amount ? { receiverAmount: { amount: data.receiver_amount, currency: receiverCurrency } } : {}),
			...(clientId ? { clientId } : {}),
			method: receiverCurrency.toLowerCase(),
			idempotencyKey: foreignId,
			foreignId,
			address,
			vendorStatus: data?.status ?? (confirmedBy === 'foreignIdRefusal' ? 'already_requested' : ''),
			alreadyApplied: confirmedBy !== 'answer',
			confirmedBy,
			...(includeRaw && answer ? { raw: answer } : {}),
		};
	};

	const { result: done, duplicate } = await onceInProcess(`coinspaid|${baseUrl}|withdrawal|${foreignId}`, async () => {
		const sent = await attemptAsync(
			async () =>
				await coinsPaidRequest<WithdrawalAnswer>(
					this,
					'/withdrawal/crypto',
					{ foreign_id: foreignId, amount, currency, address, ...(convertTo ? { convert_to: convertTo } : {}), ...(tag ? { tag } : {}) },
					`withdraw ${amount} ${currency} (withdrawal ${foreignId})`,
					// A resent request with the same foreign_id is refused, never paid twice.
					{ policy, idempotent: true },
				),
		);
		if (sent.ok) return result('answer', sent.value);
		if (isRepeatedForeignId(sent.error)) return result('foreignIdRefusal');
		throw sent.error;
	});
	const output: WithdrawalResult = duplicate && !done.alreadyApplied ? { ...done, alreadyApplied: true, confirmedBy: 'thisProcess' } : done;
	return output as unknown as IDataObject;
}
