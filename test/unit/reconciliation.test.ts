import { FieldError } from '../../lib/errors';
import { fitKey } from '../../lib/idempotency';
import {
	readCrmTransactions,
	readDay,
	readDeals,
	readGraceMinutes,
	readKeyProviders,
	readPspTransactions,
	readRange,
	reconcile,
	type ReconciliationInput,
} from '../../lib/reconciliation';
import { crmTransaction as crm, mt5Deal as deal, pspDeposit as deposit } from '../support/reconciliationRecords';

// The UTC day 2026-11-25, as the daily template reconciles it.
const DAY = readDay('2026-11-25');

function input(
	lists: { psp?: unknown[]; deals?: unknown[]; crm?: unknown[] },
	more: Partial<ReconciliationInput> = {},
): ReconciliationInput {
	return {
		pspTransactions: readPspTransactions(lists.psp ?? []),
		deals: readDeals(lists.deals ?? []),
		crmTransactions: readCrmTransactions(lists.crm ?? []),
		period: { ...DAY, graceMinutes: 60 },
		keyProviders: ['praxis', 'coinspaid'],
		...more,
	};
}

const kinds = (result: ReturnType<typeof reconcile>) => result.findings.map((f) => [f.kind, f.key]);

describe('a day with a planted missing credit, a duplicate and an amount mismatch', () => {
	const day = {
		psp: [
			deposit(8823, '97.20', '2026-11-25T10:00:00Z'),
			deposit(8824, '50.00', '2026-11-25T11:00:00Z'),
			{ ...deposit(77, '250.00', '2026-11-25T12:00:00Z'), source: 'coinspaid', idempotencyKey: 'coinspaid:77' },
			deposit(8825, '100.00', '2026-11-25T13:00:00Z'),
			{ ...deposit(9001, '300.00', '2026-11-25T14:00:00Z'), type: 'withdrawal', withdrawalRequestId: 'WD-9' },
			deposit(8700, '40.00', '2026-11-25T15:00:00Z', { status: 'chargeback' }),
			deposit(8830, '20.00', '2026-11-25T16:00:00Z', { status: 'pending' }),
			deposit(8831, '20.00', '2026-11-25T16:30:00Z', { status: 'failed' }),
		],
		deals: [
			deal('90001', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z'),
			deal('90003', 'coinspaid:77', '250.00', '2026-11-25T12:00:04Z'),
			deal('90004', 'coinspaid:77', '250.00', '2026-11-25T12:01:10Z'),
			deal('90005', 'praxis:8825', '90.00', '2026-11-25T13:00:03Z'),
			deal('90006', 'praxis:withdrawal:WD-9', '-300.00', '2026-11-25T13:59:00Z'),
			deal('90007', 'praxis:8700:chargeback', '-40.00', '2026-11-25T15:00:09Z'),
			deal('90008', 'Bonus November', '25.00', '2026-11-25T17:00:00Z', { kind: 'bonus' }),
			deal('90009', '', '12.50', '2026-11-25T17:30:00Z', { kind: 'trade' }),
		],
		crm: [
			crm(1, 'praxis:8823', 'deposit', '97.20'),
			crm(2, 'coinspaid:77', 'deposit', '250.00'),
			crm(3, 'praxis:8825', 'deposit', '100.00'),
			crm(4, 'praxis:withdrawal:WD-9', 'withdrawal', '300.00'),
			crm(5, 'praxis:8700:chargeback', 'withdrawal', '40.00'),
			crm(6, 'mt5:500001:90008', 'bonus', '25.00'),
		],
	};

	it('finds the three and nothing else', () => {
		expect(kinds(reconcile(input(day)))).toEqual([
			['duplicateCredit', 'coinspaid:77'],
			['missingCredit', 'praxis:8824'],
			['amountMismatch', 'praxis:8825'],
		]);
	});

	it('says what is missing and what to do, with the amount the PSP succeeded', () => {
		const missing = reconcile(input(day)).findings.find((f) => f.kind === 'missingCredit');
		expect(missing).toEqual({
			kind: 'missingCredit',
			key: 'praxis:8824',
			provider: 'praxis',
			movement: 'credit',
			currency: 'USD',
			login: '500001',
			amounts: { psp: '50.00', platform: null, crm: null },
			psp: { transactionId: '8824', type: 'deposit', status: 'succeeded', amount: '50.00', currency: 'USD', timeUtc: '2026-11-25T11:00:00.000Z' },
			deals: [],
			crmTransactions: [],
			message: 'praxis:8824: PSP says 50.00 USD succeeded, MT5 500001 has no deal with this comment — credit it through the review queue',
		});
	});

	it('lists both deals of a duplicate with their amounts', () => {
		const duplicate = reconcile(input(day)).findings.find((f) => f.kind === 'duplicateCredit');
		expect(duplicate?.deals.map((d) => [d.dealId, d.amount])).toEqual([['90003', '250.00'], ['90004', '250.00']]);
		expect(duplicate?.message).toBe(
			'coinspaid:77: MT5 500001 has 2 deals with this comment (90003: 250.00 USD, 90004: 250.00 USD) for one PSP payment of 250.00 USD — reverse the extra one through the review queue',
		);
	});

	it('gives the amount of each system for a mismatch', () => {
		const mismatch = reconcile(input(day)).findings.find((f) => f.kind === 'amountMismatch');
		expect(mismatch?.amounts).toEqual({ psp: '100.00', platform: '90.00', crm: '100.00' });
		expect(mismatch?.message).toBe(
			'praxis:8825: amounts differ — PSP 100.00 USD, MT5 500001 deal 90005 90.00 USD, CRM 100.00 USD; the PSP says what was paid and MT5 holds the balance: correct the balance through the review queue',
		);
	});

	it('summarises counts per kind and totals per system, and is not clean', () => {
		const { summary } = reconcile(input(day));
		expect(summary).toMatchObject({
			kind: 'summary',
			clean: false,
			period: { fromUtc: '2026-11-25T00:00:00.000Z', toUtc: '2026-11-26T00:00:00.000Z', graceMinutes: 60 },
			counts: { missingCredit: 1, duplicateCredit: 1, amountMismatch: 1, missingCrmRecord: 0, unknownCredit: 0, statusMismatch: 0, total: 3 },
			// PSP: 97.20 + 50 + 250 + 100 - 300 - 40; platform: 97.20 + 250 + 250 + 90 - 300 - 40; CRM: 97.20 + 250 + 100 - 300 - 40.
			totals: {
				psp: { USD: { count: 6, amount: '157.20' } },
				platform: { USD: { count: 6, amount: '347.20' } },
				crm: { USD: { count: 5, amount: '107.20' } },
			},
			compared: { pspTransactions: 8, deals: 6, crmTransactions: 5 },
			message: 'Reconciliation of UTC day 2026-11-25: 3 findings (1 missingCredit, 1 duplicateCredit, 1 amountMismatch)',
		});
	});
});

describe('withdrawals and chargebacks', () => {
	const withdrawal = { ...deposit(9001, '300.00', '2026-11-25T14:00:00Z'), type: 'withdrawal', withdrawalRequestId: 'WD-9', net: { amount: '295.00', currency: 'USD' } };

	it('matches a paid-out withdrawal to its negative deal by praxis:withdrawal:<request id>, on the gross amount', () => {
		const result = reconcile(
			input({
				psp: [withdrawal],
				deals: [deal('90006', 'praxis:withdrawal:WD-9', '-300.00', '2026-11-25T13:59:00Z')],
				crm: [crm(4, 'praxis:withdrawal:WD-9', 'withdrawal', '300.00', { status: 'approved' })],
			}),
		);
		expect(result.findings).toEqual([]);
		expect(result.summary.clean).toBe(true);
		expect(result.summary.totals.platform).toEqual({ USD: { count: 1, amount: '-300.00' } });
	});

	it('reports a paid-out withdrawal without a debit as missing, to be debited', () => {
		const [finding] = reconcile(input({ psp: [withdrawal], deals: [deal('1', 'praxis:1', '1', '2026-11-25T01:00:00Z')], crm: [crm(9, 'praxis:1', 'deposit', '1')] })).findings.filter(
			(f) => f.key === 'praxis:withdrawal:WD-9',
		);
		expect(finding).toMatchObject({ kind: 'missingCredit', movement: 'debit', amounts: { psp: '-300.00', platform: null, crm: null } });
		expect(finding.message).toBe(
			'praxis:withdrawal:WD-9: PSP says the 300.00 USD withdrawal was paid out, MT5 500001 has no debit with this comment — debit it through the review queue',
		);
	});

	it('takes the key of a CoinsPaid payout from its foreignId', () => {
		const payout = {
			transactionId: '55123',
			source: 'coinspaid',
			type: 'withdrawal',
			status: 'succeeded',
			gross: { amount: '120', currency: 'USDT' },
			idempotencyKey: 'coinspaid:55123',
			foreignId: 'coinspaid:withdrawal:41',
			updatedAtUtc: '2026-11-25T09:00:00Z',
		};
		const result = reconcile(
			input({
				psp: [payout],
				deals: [deal('90010', 'coinspaid:withdrawal:41', '-120.000000', '2026-11-25T08:40:00Z', { currency: 'USDT' })],
				crm: [crm(7, 'coinspaid:withdrawal:41', 'withdrawal', '120', { currency: 'USDT' })],
			}),
		);
		expect(result.findings).toEqual([]);
	});

	it('matches a chargeback to its negative deal keyed <deposit key>:chargeback', () => {
		const result = reconcile(
			input({
				psp: [deposit(8700, '40.00', '2026-11-25T15:00:00Z', { status: 'chargeback' })],
				deals: [deal('90007', 'praxis:8700:chargeback', '-40.00', '2026-11-25T15:00:09Z')],
				crm: [crm(5, 'praxis:8700:chargeback', 'withdrawal', '40.00')],
			}),
		);
		expect(result.findings).toEqual([]);
	});

	it('also checks the original credit of a deposit charged back the same day, without asking for one from an earlier day', () => {
		const chargedBack = deposit(8701, '40.00', '2026-11-25T18:00:00Z', { status: 'reversed' });
		const sameDay = reconcile(
			input({
				psp: [chargedBack],
				deals: [deal('1', 'praxis:8701', '40.00', '2026-11-25T09:00:00Z'), deal('2', 'praxis:8701:reversed', '-40.00', '2026-11-25T18:00:01Z')],
				crm: [crm(1, 'praxis:8701', 'deposit', '40.00'), crm(2, 'praxis:8701:reversed', 'withdrawal', '40.00')],
			}),
		);
		expect(sameDay.findings).toEqual([]);
		expect(sameDay.summary.totals).toEqual({
			psp: { USD: { count: 2, amount: '0.00' } },
			platform: { USD: { count: 2, amount: '0.00' } },
			crm: { USD: { count: 2, amount: '0.00' } },
		});

		const debitOnly = reconcile(
			input({
				psp: [chargedBack],
				deals: [deal('2', 'praxis:8701:reversed', '-40.00', '2026-11-25T18:00:01Z')],
				crm: [crm(2, 'praxis:8701:reversed', 'withdrawal', '40.00')],
			}),
		);
		expect(debitOnly.findings).toEqual([]);
	});

	it('reports a chargeback that was not debited', () => {
		const result = reconcile(input({ psp: [deposit(8700, '40.00', '2026-11-25T15:00:00Z', { status: 'chargeback' })] }));
		expect(result.findings.map((f) => f.message)).toEqual([
			'praxis:8700:chargeback: PSP says the 40.00 USD deposit was charged back, account 500001 has no debit with this comment — debit it through the review queue',
		]);
	});

	it('reports a withdrawal booked as a credit (wrong sign) as an amount mismatch', () => {
		const result = reconcile(
			input({
				psp: [withdrawal],
				deals: [deal('90006', 'praxis:withdrawal:WD-9', '300.00', '2026-11-25T13:59:00Z')],
				crm: [crm(4, 'praxis:withdrawal:WD-9', 'withdrawal', '300.00')],
			}),
		);
		expect(result.findings.map((f) => [f.kind, f.amounts])).toEqual([['amountMismatch', { psp: '-300.00', platform: '300.00', crm: '-300.00' }]]);
	});
});

describe('the grace window across UTC midnight', () => {
	it('matches a deposit of 23:50 credited at 00:10 the next day', () => {
		const result = reconcile(
			input({
				psp: [deposit(8900, '75.00', '2026-11-25T23:50:00Z')],
				deals: [deal('1', 'praxis:8900', '75.00', '2026-11-26T00:10:00Z')],
				crm: [crm(1, 'praxis:8900', 'deposit', '75.00')],
			}),
		);
		expect(result.findings).toEqual([]);
	});

	it('reports it missing when the credit came after the grace', () => {
		const result = reconcile(
			input({ psp: [deposit(8900, '75.00', '2026-11-25T23:50:00Z')], deals: [deal('1', 'praxis:8900', '75.00', '2026-11-26T01:00:00Z')] }),
		);
		expect(kinds(result)).toEqual([['missingCredit', 'praxis:8900']]);
	});

	it('honours a longer grace', () => {
		const result = reconcile(
			input(
				{ psp: [deposit(8900, '75.00', '2026-11-25T23:50:00Z')], deals: [deal('1', 'praxis:8900', '75.00', '2026-11-26T01:00:00Z')], crm: [crm(1, 'praxis:8900', 'deposit', '75')] },
				{ period: { ...DAY, graceMinutes: 120 } },
			),
		);
		expect(result.findings).toEqual([]);
	});

	it('leaves to its own day a credit just after midnight whose deposit is from the day before', () => {
		const result = reconcile(
			input({
				psp: [deposit(8800, '60.00', '2026-11-24T23:55:00Z')],
				deals: [deal('1', 'praxis:8800', '60.00', '2026-11-25T00:05:00Z')],
			}),
		);
		expect(result.findings).toEqual([]);
		expect(result.summary.compared).toEqual({ pspTransactions: 0, deals: 0, crmTransactions: 0 });
	});

	it('does not check a deal of the next day that matches nothing of this day', () => {
		const result = reconcile(input({ deals: [deal('1', 'praxis:9999', '60.00', '2026-11-26T00:05:00Z')] }));
		expect(result.findings).toEqual([]);
	});

	it('compares the PSP transactions of the day only, by updatedAtUtc in UTC whatever the offset', () => {
		const result = reconcile(
			input({ psp: [deposit(8901, '10', '2026-11-26T01:30:00+03:00'), deposit(8902, '10', '2026-11-25T01:30:00+03:00')] }),
		);
		expect(kinds(result)).toEqual([['missingCredit', 'praxis:8901']]);
	});
});

describe('exact decimals', () => {
	it('takes "97.2", "97.20" and 97.2 as the same amount', () => {
		const result = reconcile(
			input({
				psp: [deposit(8823, '97.2', '2026-11-25T10:00:00Z')],
				deals: [deal('1', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z')],
				crm: [crm(1, 'praxis:8823', 'deposit', 97.2 as unknown as string)],
			}),
		);
		expect(result.findings).toEqual([]);
	});

	it('sees a difference of one cent, and adds 0.1 + 0.2 to exactly 0.30', () => {
		const result = reconcile(
			input({
				psp: [deposit(1, '0.1', '2026-11-25T10:00:00Z'), deposit(2, '0.2', '2026-11-25T10:00:00Z')],
				deals: [deal('1', 'praxis:1', '0.10', '2026-11-25T10:00:05Z'), deal('2', 'praxis:2', '0.21', '2026-11-25T10:00:05Z')],
				crm: [crm(1, 'praxis:1', 'deposit', '0.1'), crm(2, 'praxis:2', 'deposit', '0.2')],
			}),
		);
		expect(kinds(result)).toEqual([['amountMismatch', 'praxis:2']]);
		expect(result.findings[0].message).toBe(
			'praxis:2: amounts differ — PSP 0.20 USD, MT5 500001 deal 2 0.21 USD, CRM 0.20 USD; the PSP says what was paid and MT5 holds the balance: correct the balance through the review queue',
		);
		expect(result.summary.totals.psp).toEqual({ USD: { count: 2, amount: '0.30' } });
	});

	it('tells to correct the CRM after the balance when the CRM copied the wrong deal amount', () => {
		const result = reconcile(
			input({
				psp: [deposit(8825, '100.00', '2026-11-25T13:00:00Z')],
				deals: [deal('90005', 'praxis:8825', '90.00', '2026-11-25T13:00:03Z')],
				crm: [crm(3, 'praxis:8825', 'deposit', '90.00')],
			}),
		);
		expect(result.findings.map((f) => f.message)).toEqual([
			'praxis:8825: amounts differ — PSP 100.00 USD, MT5 500001 deal 90005 90.00 USD, CRM 90.00 USD; the PSP says what was paid and MT5 holds the balance: correct the balance through the review queue, then the CRM transaction',
		]);
	});

	it('tells to correct the CRM when only the CRM differs', () => {
		const result = reconcile(
			input({
				psp: [deposit(8823, '97.20', '2026-11-25T10:00:00Z')],
				deals: [deal('90001', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z')],
				crm: [crm(12, 'praxis:8823', 'deposit', '100.00')],
			}),
		);
		expect(result.findings.map((f) => f.message)).toEqual([
			'praxis:8823: amounts differ — PSP 97.20 USD, MT5 500001 deal 90001 97.20 USD, CRM 100.00 USD; MT5 holds the balance: correct CRM transaction 12 to 97.20 USD',
		]);
	});
});

describe('keys shortened to MT5\'s 31-character comment', () => {
	const longKey = 'coinspaid:withdrawal:9f3c2a1b-7d4e-4c1a-8b2f-0e6d5c4b3a29';
	const payout = {
		transactionId: '60001',
		source: 'coinspaid',
		type: 'withdrawal',
		status: 'succeeded',
		gross: { amount: '500', currency: 'USDT' },
		idempotencyKey: 'coinspaid:60001',
		foreignId: longKey,
		updatedAtUtc: '2026-11-25T09:00:00Z',
	};

	it('matches the shortened comment and a CRM reference in either form', () => {
		expect(fitKey(longKey, 31)).toHaveLength(31);
		for (const reference of [longKey, fitKey(longKey, 31)]) {
			const result = reconcile(
				input({
					psp: [payout],
					deals: [deal('1', fitKey(longKey, 31), '-500', '2026-11-25T08:59:00Z', { currency: 'USDT' })],
					crm: [crm(1, reference, 'withdrawal', '500', { currency: 'USDT' })],
				}),
			);
			expect(result.findings).toEqual([]);
		}
	});

	it('reports the full key for a shortened duplicate', () => {
		const result = reconcile(
			input({
				psp: [payout],
				deals: [
					deal('1', fitKey(longKey, 31), '-500', '2026-11-25T08:59:00Z', { currency: 'USDT' }),
					deal('2', fitKey(longKey, 31), '-500', '2026-11-25T09:03:00Z', { currency: 'USDT' }),
				],
				crm: [crm(1, longKey, 'withdrawal', '500', { currency: 'USDT' })],
			}),
		);
		expect(kinds(result)).toEqual([['duplicateCredit', longKey]]);
	});
});

describe('deals and CRM records without their counterpart', () => {
	it('flags a deal with our key whose PSP transaction is not given as unknown, not wrong', () => {
		const result = reconcile(
			input({ deals: [deal('90020', 'praxis:7777', '50.00', '2026-11-25T08:00:00Z')], crm: [crm(1, 'praxis:7777', 'deposit', '50')] }),
		);
		expect(result.findings).toEqual([
			expect.objectContaining({
				kind: 'unknownCredit',
				key: 'praxis:7777',
				psp: null,
				amounts: { psp: null, platform: '50.00', crm: '50.00' },
				message:
					'praxis:7777: MT5 500001 deal 90020 moved 50.00 USD with our key, but the Praxis transactions given do not include it — look it up at Praxis (it may be from another day, or booked by hand)',
			}),
		]);
	});

	it('reports a deal with our key and no CRM transaction', () => {
		const result = reconcile(
			input({ psp: [deposit(8823, '97.20', '2026-11-25T10:00:00Z')], deals: [deal('90001', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z')] }),
		);
		expect(result.findings.map((f) => [f.kind, f.message])).toEqual([
			[
				'missingCrmRecord',
				'praxis:8823: MT5 500001 deal 90001 (97.20 USD) has no CRM transaction with this reference — run Transaction history to the CRM, or record it in the CRM by hand',
			],
		]);
	});

	it('reports two CRM transactions with one reference as a duplicate', () => {
		const result = reconcile(
			input({
				psp: [deposit(8823, '97.20', '2026-11-25T10:00:00Z')],
				deals: [deal('90001', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z')],
				crm: [crm(1, 'praxis:8823', 'deposit', '97.20'), crm(2, 'praxis:8823', 'deposit', '97.20')],
			}),
		);
		expect(result.findings.map((f) => [f.kind, f.message])).toEqual([
			['duplicateCredit', 'praxis:8823: the CRM has 2 transactions with this reference (1, 2) — keep one'],
		]);
	});

	it('reports a credit for a deposit the PSP says failed', () => {
		const result = reconcile(
			input({
				psp: [deposit(8831, '20.00', '2026-11-25T16:30:00Z', { status: 'failed' })],
				deals: [deal('90011', 'praxis:8831', '20.00', '2026-11-25T16:31:00Z')],
				crm: [crm(1, 'praxis:8831', 'deposit', '20')],
			}),
		);
		expect(result.findings.map((f) => [f.kind, f.message])).toEqual([
			[
				'statusMismatch',
				'praxis:8831: PSP says 20.00 USD failed, but MT5 500001 deal 90011 moved 20.00 USD — the PSP decides payment status: reverse it through the review queue or confirm the payment with Praxis',
			],
		]);
	});

	it('leaves out deals booked by hand and keys of providers not listed', () => {
		const result = reconcile(
			input({ deals: [deal('1', 'Bonus November', '25', '2026-11-25T08:00:00Z'), deal('2', 'skrill:55', '25', '2026-11-25T08:00:00Z')] }),
		);
		expect(result).toMatchObject({ findings: [], summary: { clean: true, compared: { deals: 0 } } });
	});

	it('finds the deals of a PSP transaction whose provider is not among the key providers', () => {
		const skrill = { ...deposit(55, '30.00', '2026-11-25T08:00:00Z'), source: 'skrill', idempotencyKey: 'skrill:55' };
		const result = reconcile(
			input({ psp: [skrill], deals: [deal('1', 'skrill:55', '30', '2026-11-25T08:00:10Z')], crm: [crm(1, 'skrill:55', 'deposit', '30.00')] }),
		);
		expect(result.findings).toEqual([]);
	});

	it('is clean for a day with nothing to compare', () => {
		expect(reconcile(input({})).summary).toMatchObject({
			clean: true,
			counts: { total: 0 },
			totals: { psp: {}, platform: {}, crm: {} },
			message: 'Reconciliation of UTC day 2026-11-25: PSP, the trading platform and CRM agree (0 PSP transactions, 0 deals, 0 CRM transactions)',
		});
	});
});

describe('reading the input', () => {
	it('names the list and the entry of a bad amount', () => {
		expect(() => readDeals([deal('90001', 'praxis:1', '1,000.00', '2026-11-25T10:00:00Z')])).toThrow(
			new FieldError('Platform Deals', 'the deal at index 0 (90001): profit must be a decimal number such as "97.20" (no thousands separators), got "1,000.00"'),
		);
	});

	it('refuses a deal time without an offset: MT5 server time must be converted first', () => {
		expect(() => readDeals([deal('90001', 'praxis:1', '1', '2026-11-25 10:00:00')])).toThrow(/"Platform Deals": the deal at index 0 \(90001\): timeUtc must be an ISO-8601/);
	});

	it('reads n8n items as their JSON and JSON text as a list', () => {
		expect(readPspTransactions([{ json: deposit(1, '5', '2026-11-25T10:00:00Z') }])[0].idempotencyKey).toBe('praxis:1');
		expect(readCrmTransactions(JSON.stringify([crm(1, 'praxis:1', 'deposit', '5'), { id: 2, type: 'deposit', amount: '5' }]))).toHaveLength(1);
		expect(readDeals([])).toEqual([]);
	});

	it('refuses a missing list rather than reading it as a day without money moving', () => {
		expect(() => readDeals(undefined)).toThrow('"Platform Deals": is required: a list of deals ([] when there are none), got nothing');
		expect(() => readPspTransactions('')).toThrow('"PSP Transactions": is required: a list of PSP transactions ([] when there are none), got nothing');
	});

	it('refuses a list that is not one', () => {
		expect(() => readPspTransactions({ transactionId: 1 })).toThrow(
			'"PSP Transactions": must be a list of PSP transactions ([] when there are none), got {"transactionId":1}',
		);
	});

	it('reads the period, the grace and the key providers', () => {
		expect(() => readDay('25/11/2026')).toThrow('"Day": must be a UTC day such as "2026-11-25", got "25/11/2026"');
		expect(readRange('2026-11-25T02:00:00+02:00', '2026-11-26T00:00:00Z').fromUtc.toISO()).toBe('2026-11-25T00:00:00.000Z');
		expect(() => readRange('2026-11-26T00:00:00Z', '2026-11-25T00:00:00Z')).toThrow(/"To": must be after From/);
		expect(() => readGraceMinutes(-5)).toThrow('"Grace (Minutes)": must be a whole number of minutes from 0 to 1440, got -5');
		expect(readKeyProviders(' Praxis, coinspaid ,')).toEqual(['praxis', 'coinspaid']);
		expect(() => readKeyProviders(' , ')).toThrow(/"Key Providers": is empty/);
	});
});
