/**
 * Balance operations exactly once. MT5 has no idempotency key (reference/trading.md §1.4), so:
 * 1. the key from the source event (e.g. "praxis:8823") is written as the deal comment (31
 *    characters at most; longer keys are shortened stably by lib/idempotency `fitKey`);
 * 2. before applying, and again before any retry, the account's balance deals are searched for that
 *    comment — the platform's ledger is the final check, across executions, workers and restarts;
 * 3. inside one n8n process, concurrent duplicates wait for the first and share its result.
 */
import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { balanceOperationFields } from '../../../../lib/balanceFields';
import { attempt } from '../../../../lib/errors';
import { fixedCollection, itemParameter } from '../../../../lib/fieldReference';
import { fitKey, onceInProcess } from '../../../../lib/idempotency';
import { compareDecimal, negateDecimal, parseDecimal } from '../../../../lib/money';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { utcToServerTime } from '../../../../lib/time';
import { mt5Request, mt5ServerZone, type Mt5Answer } from '../../transport';

/** MT5 deal comment: 32 bytes with the terminator (MQ docs `webapi_trade_balance`). */
export const MT5_COMMENT_MAX = 31;

/** EnDealAction codes of balance operations and the direction each operation moves money. */
export const BALANCE_OPERATIONS = {
	deposit: { type: 2, sign: 1, label: 'Deposit', transactionType: 'deposit' },
	withdrawal: { type: 2, sign: -1, label: 'Withdrawal', transactionType: 'withdrawal' },
	creditIn: { type: 3, sign: 1, label: 'Credit In', transactionType: 'credit_in' },
	creditOut: { type: 3, sign: -1, label: 'Credit Out', transactionType: 'credit_out' },
	bonus: { type: 6, sign: 1, label: 'Bonus', transactionType: 'bonus' },
	correction: { type: 5, sign: 0, label: 'Correction', transactionType: 'correction' },
} as const;

export type BalanceOperation = keyof typeof BALANCE_OPERATIONS;

const operations = Object.keys(BALANCE_OPERATIONS) as BalanceOperation[];
const show = { resource: ['balance'], operation: operations };

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	...balanceOperationFields({
		login: 'The MT5 account number',
		keyStorage: 'It is stored as the deal comment and looked up before every attempt.',
		amountNote: 'a Correction may be negative',
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
				description: 'Whether MT5 must refuse a withdrawal larger than the free margin (turning it off can leave the client with a negative equity)',
			},
			{
				displayName: 'Look Back (Days)',
				name: 'lookbackDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 366 },
				default: 45,
				description: "How far back the account's deals are searched for the idempotency key before applying",
			},
		],
	},
]);

interface BalanceResult extends IDataObject {
	transactionId: string;
	source: 'mt5';
	platform: 'mt5';
	type: string;
	status: 'succeeded';
	login: string;
	amount: string;
	idempotencyKey: string;
	dealComment: string;
	/** True when the key was already on the ledger (or in flight here): no money moved this time. */
	alreadyApplied: boolean;
}

function readAmount(ctx: IExecuteFunctions, itemIndex: number, operation: BalanceOperation): string {
	const raw = itemParameter(ctx, 'amount', itemIndex) as string | number;
	const parsed = attempt(() => parseDecimal(raw, 'Amount'));
	if (!parsed.ok) throw new NodeOperationError(ctx.getNode(), parsed.error.message, { itemIndex });
	const amount = parsed.value;
	const sign = compareDecimal(amount, 0);
	if (sign === 0) throw new NodeOperationError(ctx.getNode(), '"Amount": must not be zero', { itemIndex });
	if (BALANCE_OPERATIONS[operation].sign !== 0 && sign < 0) {
		throw new NodeOperationError(ctx.getNode(), `"Amount": must be positive for a ${BALANCE_OPERATIONS[operation].label}; the operation sets the direction`, {
			itemIndex,
		});
	}
	return amount;
}

/** Searches the account's balance-type deals in the look-back window for our comment. */
async function findOnLedger(
	ctx: IExecuteFunctions,
	login: string,
	comment: string,
	lookbackDays: number,
	policy: ReturnType<typeof readRetryPolicy>,
): Promise<IDataObject | undefined> {
	const zone = await mt5ServerZone(ctx);
	const now = Date.now();
	const from = utcToServerTime(new Date(now - lookbackDays * 86_400_000), zone);
	// A day ahead: the server clock may run ahead of ours.
	const to = utcToServerTime(new Date(now + 86_400_000), zone);
	const { answer } = await mt5Request(
		ctx,
		{ path: '/api/deal/get_batch', query: { login, from, to }, idempotent: true },
		`search the deals of account ${login}`,
		policy,
	);
	const deals = Array.isArray(answer) ? (answer as IDataObject[]) : [];
	return deals.find((deal) => deal.Comment === comment && [2, 3, 4, 5, 6].includes(Number(deal.Action)));
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const operation = itemParameter(this, 'operation', itemIndex) as BalanceOperation;
	const spec = BALANCE_OPERATIONS[operation];
	const login = String(itemParameter(this, 'login', itemIndex) ?? '').trim();
	if (!/^\d+$/.test(login)) {
		throw new NodeOperationError(this.getNode(), `"Login": must be an MT5 account number, got "${login}"`, { itemIndex });
	}
	const amount = readAmount(this, itemIndex, operation);
	const key = String(itemParameter(this, 'idempotencyKey', itemIndex) ?? '').trim();
	if (!key) {
		throw new NodeOperationError(this.getNode(), '"Idempotency Key": is empty; use the source event\'s ID, e.g. praxis:8823', { itemIndex });
	}
	if (/[\\|=\n]/.test(key)) {
		throw new NodeOperationError(this.getNode(), '"Idempotency Key": must not contain \\, |, = or line breaks', { itemIndex });
	}
	const options = fixedCollection(this, 'balanceOptions', itemIndex) ?? (this.getNodeParameter('balanceOptions', itemIndex, {}) as IDataObject);
	const lookbackDays = Number(options.lookbackDays ?? 45);
	const policy = readRetryPolicy(this, itemIndex);
	const comment = fitKey(key, MT5_COMMENT_MAX);
	const signedAmount = spec.sign < 0 ? negateDecimal(amount) : amount;

	const result = (ticket: string, alreadyApplied: boolean): BalanceResult => ({
		transactionId: ticket,
		source: 'mt5',
		platform: 'mt5',
		type: spec.transactionType,
		status: 'succeeded',
		login,
		amount: signedAmount,
		idempotencyKey: key,
		dealComment: comment,
		alreadyApplied,
	});

	const { result: done, duplicate } = await onceInProcess(`mt5|${login}|${comment}`, async (): Promise<BalanceResult> => {
		const existing = await findOnLedger(this, login, comment, lookbackDays, policy);
		if (existing) return result(String(existing.Deal), true);
		const applied = await mt5Request(
			this,
			{
				method: 'POST',
				path: '/api/trade/balance',
				query: {
					login,
					type: spec.type,
					balance: signedAmount,
					comment,
					check_margin: options.checkMargin === false ? 0 : 1,
				},
				idempotent: false,
			},
			`apply the ${spec.label.toLowerCase()} of ${signedAmount} to account ${login}`,
			policy,
			{
				// The answer was lost (timeout, reset, 5xx): the ledger says whether it was applied.
				beforeRetry: async (): Promise<{ retry: true } | { result: Mt5Answer }> => {
					const found = await findOnLedger(this, login, comment, lookbackDays, policy);
					return found ? { result: { retcode: 0, answer: { Ticket: found.Deal }, body: {} } } : { retry: true };
				},
			},
		);
		return result(String((applied.answer as IDataObject)?.Ticket ?? ''), false);
	});
	return duplicate ? { ...done, alreadyApplied: true } : done;
}
