/**
 * Balance operations exactly once, through `POST /webserv/traders/{login}/changebalance` with the
 * idempotency key as `externalId`.
 *
 * cTrader's docs describe externalId only as "an external identifier of the broker's choosing"
 * and promise no deduplication, and they document no way to read the balance history back (the
 * simulator's author found none either: sandbox/ctrader/simulator.ts). So nothing here relies on
 * the server refusing a repeated externalId:
 * 1. inside one n8n process, duplicates are answered from the claim store (lib/idempotency) and
 *    concurrent duplicates wait for the first and share its result;
 * 2. a server that does refuse a repeated externalId is taken at its word: already applied;
 * 3. when an answer is lost (timeout, reset, 5xx after the server may have booked it), the
 *    trader's balance is read again and compared with the balance read just before the call: moved
 *    by exactly the amount → applied, not moved → safe to send again, moved by anything else
 *    (a position closed, another deposit) → the item fails saying the outcome is unknown.
 * What this cannot cover: a duplicate that reaches another n8n process (another worker, or after a
 * restart) on a server that accepts repeated externalIds; and a lost answer while another movement
 * of exactly the same amount lands on the same account. Closing either gap needs a balance-history
 * read from cTrader, or its Manager API (protobuf), which the WebServices API does not offer.
 */
import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { balanceOperationFields } from '../../../../lib/balanceFields';
import { attempt, attemptAsync } from '../../../../lib/errors';
import { fixedCollection, itemParameter } from '../../../../lib/fieldReference';
import { fitKey, onceInProcess } from '../../../../lib/idempotency';
import { compareDecimal, isZero, negateDecimal, parseDecimal, subtractDecimal, toMinorUnits } from '../../../../lib/money';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { CTraderApiError, cTraderRequest, cTraderSettings } from '../../transport';
import { readTrader } from '../../transport/reports';
import { fieldError, readLogin } from '../inputs';
import { moneyDigitsOf, scaledMoney } from '../mappers';

/**
 * [inference] The docs give no length limit for externalId; longer keys are shortened stably
 * (a readable prefix and a hash of the whole key, lib/idempotency `fitKey`).
 */
export const EXTERNAL_ID_MAX = 64;

/** The changebalance `type` of each operation, the direction it moves money and the field it moves. */
export const BALANCE_OPERATIONS = {
	deposit: { type: 'DEPOSIT', sign: 1, field: 'balance', label: 'Deposit', transactionType: 'deposit', verb: 'credit the deposit of', preposition: 'to' },
	withdrawal: { type: 'WITHDRAW', sign: -1, field: 'balance', label: 'Withdrawal', transactionType: 'withdrawal', verb: 'debit the withdrawal of', preposition: 'from' },
	creditIn: {
		type: 'DEPOSIT_NONWITHDRAWABLE_BONUS',
		sign: 1,
		field: 'nonWithdrawableBonus',
		label: 'Credit In',
		transactionType: 'credit_in',
		verb: 'give a credit of',
		preposition: 'to',
	},
	creditOut: {
		type: 'WITHDRAW_NONWITHDRAWABLE_BONUS',
		sign: -1,
		field: 'nonWithdrawableBonus',
		label: 'Credit Out',
		transactionType: 'credit_out',
		verb: 'take back a credit of',
		preposition: 'from',
	},
} as const;

export type BalanceOperation = keyof typeof BALANCE_OPERATIONS;

const show = { resource: ['balance'], operation: Object.keys(BALANCE_OPERATIONS) };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	...balanceOperationFields({
		login: 'The cTrader trader login',
		keyStorage: 'It is sent to cTrader as the externalId.',
	}),
	{
		displayName: 'Options',
		name: 'balanceOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Check Free Margin',
				name: 'checkMargin',
				type: 'boolean',
				default: true,
				description:
					'Whether cTrader must refuse a withdrawal larger than the free margin (turning it off can cause a stop-out or a negative balance)',
			},
			{
				displayName: 'Comment',
				name: 'comment',
				type: 'string',
				default: '',
				description: 'A note stored with the balance change in cTrader',
			},
		],
	},
]);

interface BalanceResult extends IDataObject {
	/** cTrader's balanceHistoryId; empty when the change was confirmed without cTrader's answer. */
	transactionId: string;
	source: 'ctrader';
	platform: 'ctrader';
	type: string;
	status: 'succeeded';
	login: string;
	amount: string;
	currency?: string;
	idempotencyKey: string;
	externalId: string;
	/** True when no money moved this time: the key had already been applied. */
	alreadyApplied: boolean;
	/** How success is known: cTrader's answer, its refusal of a repeated externalId, a balance check, or this process. */
	confirmedBy: 'answer' | 'externalIdRefusal' | 'balanceCheck' | 'thisProcess';
}


function readAmount(ctx: IExecuteFunctions, itemIndex: number, operation: BalanceOperation): string {
	const raw = itemParameter(ctx, 'amount', itemIndex) as string | number;
	const parsed = attempt(() => parseDecimal(raw, 'Amount'));
	if (!parsed.ok) throw new NodeOperationError(ctx.getNode(), parsed.error.message, { itemIndex });
	const amount = parsed.value;
	if (compareDecimal(amount, 0) <= 0) {
		throw fieldError(ctx, itemIndex, 'Amount', `must be positive for a ${BALANCE_OPERATIONS[operation].label}; the operation sets the direction`);
	}
	// preciseAmount is a JSON number: the decimal must survive the trip through a double unchanged.
	if (compareDecimal(String(Number(amount)), amount) !== 0) {
		throw fieldError(ctx, itemIndex, 'Amount', `has more digits than cTrader's preciseAmount can carry exactly: "${amount}"`);
	}
	return amount;
}

/** cTrader refused the externalId as used before: the earlier change stands. */
function repeatedExternalId(error: Error): { balanceHistoryId: string } | undefined {
	if (!(error instanceof CTraderApiError)) return undefined;
	const text = error.vendorDescription ?? '';
	if (!/externalId/i.test(text) || !/already|duplicate|exist|used/i.test(text)) return undefined;
	return { balanceHistoryId: /balanceHistoryId\D{0,3}(\d+)/i.exec(text)?.[1] ?? '' };
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const operation = itemParameter(this, 'operation', itemIndex) as BalanceOperation;
	const spec = BALANCE_OPERATIONS[operation];
	const login = readLogin(this, itemIndex);
	const amount = readAmount(this, itemIndex, operation);
	const key = String(itemParameter(this, 'idempotencyKey', itemIndex) ?? '').trim();
	if (!key) throw fieldError(this, itemIndex, 'Idempotency Key', "is empty; use the source event's ID, e.g. praxis:8823");
	const options = fixedCollection(this, 'balanceOptions', itemIndex) ?? (this.getNodeParameter('balanceOptions', itemIndex, {}) as IDataObject);
	const policy = readRetryPolicy(this, itemIndex);
	const { baseUrl } = await cTraderSettings(this);
	const externalId = fitKey(key, EXTERNAL_ID_MAX);
	const signedAmount = spec.sign < 0 ? negateDecimal(amount) : amount;
	const action = `${spec.verb} ${amount} ${spec.preposition} trader ${login}`;

	const result = (transactionId: string, confirmedBy: BalanceResult['confirmedBy'], currency: string | undefined): BalanceResult => ({
		transactionId,
		source: 'ctrader',
		platform: 'ctrader',
		type: spec.transactionType,
		status: 'succeeded',
		login,
		amount: signedAmount,
		...(currency ? { currency } : {}),
		idempotencyKey: key,
		externalId,
		alreadyApplied: confirmedBy === 'externalIdRefusal',
		confirmedBy,
	});

	const { result: done, duplicate } = await onceInProcess(`ctrader|${baseUrl}|${login}|${externalId}`, async (): Promise<BalanceResult> => {
		// Read just before the change: the reference for the lost-answer check, and the account's decimals.
		const before = await readTrader(this, login, policy);
		const digits = moneyDigitsOf(before);
		const currency = typeof before.depositCurrency === 'string' ? before.depositCurrency.toUpperCase() : undefined;
		if (!attempt(() => toMinorUnits(amount, digits)).ok) {
			throw fieldError(this, itemIndex, 'Amount', `has more decimals than trader ${login}'s account allows (${digits}): "${amount}"`);
		}
		const startValue = scaledMoney(before, spec.field, digits) ?? '0';

		const sent = await attemptAsync(
			async () =>
				await cTraderRequest<IDataObject>(
					this,
					{
						method: 'POST',
						path: `/webserv/traders/${login}/changebalance`,
						body: {
							login: Number(login),
							preciseAmount: Number(amount),
							type: spec.type,
							externalId,
							...(typeof options.comment === 'string' && options.comment.trim() ? { comment: options.comment.trim() } : {}),
							...(options.checkMargin === false ? { skipMarginCheck: true } : {}),
						},
						idempotent: false,
					},
					action,
					policy,
					{
						// The answer was lost: the trader's balance says whether the change was booked.
						beforeRetry: async () => {
							const after = await readTrader(this, login, policy);
							const moved = subtractDecimal(scaledMoney(after, spec.field, digits) ?? '0', startValue);
							if (compareDecimal(moved, signedAmount) === 0) return { result: { confirmedBy: 'balanceCheck' } };
							if (isZero(moved)) return { retry: true };
							throw new NodeOperationError(
								this.getNode(),
								`The ${spec.label.toLowerCase()} of ${amount} to trader ${login} may have been applied: cTrader's answer was lost, and the ${spec.field === 'balance' ? 'balance' : 'non-withdrawable bonus'} moved by ${moved} meanwhile instead of ${signedAmount}, so it cannot be told apart from other activity`,
								{
									itemIndex,
									description: `Check the account's balance history in cTrader for externalId "${externalId}" before running this again.`,
								},
							);
						},
					},
				),
		);
		if (!sent.ok) {
			const repeated = repeatedExternalId(sent.error);
			if (repeated) return result(repeated.balanceHistoryId, 'externalIdRefusal', currency);
			throw sent.error;
		}
		if (sent.value?.confirmedBy === 'balanceCheck') return result('', 'balanceCheck', currency);
		return result(String(sent.value?.balanceHistoryId ?? ''), 'answer', currency);
	});
	return duplicate ? { ...done, alreadyApplied: true, confirmedBy: 'thisProcess' } : done;
}
