import { FieldError } from '../../lib/errors';
import {
	feeFor,
	findFeeRule,
	parseCurrencyDigits,
	readPspFee,
	validateFeeRules,
	type FeeInput,
} from '../../lib/fees';

const deposit = (gross: string, currency = 'USD', more: Partial<FeeInput> = {}): FeeInput => ({
	provider: 'praxis',
	method: 'card',
	currency,
	direction: 'deposit',
	gross,
	...more,
});

const cardRule = (more: Record<string, unknown> = {}) =>
	validateFeeRules([{ provider: 'praxis', method: 'card', percent: '2.5', fixed: '0.30', ...more }]);

describe('table fee: percent × gross + fixed, clamped, rounded half-up', () => {
	it('charges 2.5 % + 0.30 on 100.00 USD as 2.80 and credits 97.20', () => {
		const result = feeFor(deposit('100.00'), cardRule());
		expect(result.fee).toEqual({ amount: '2.80', currency: 'USD' });
		expect(result.net).toEqual({ amount: '97.20', currency: 'USD' });
		expect(result.clientFee).toEqual({ amount: '2.80', currency: 'USD' });
		expect(result.brokerFee).toEqual({ amount: '0.00', currency: 'USD' });
		expect(result.feeSource).toBe('table');
		expect(result.feeRule?.row).toBe(1);
	});

	it('raises a fee below the minimum to the minimum (1 % of 100 is 1.00, minimum 5)', () => {
		const result = feeFor(deposit('100'), cardRule({ percent: '1', fixed: '', minimum: '5' }));
		expect(result.fee.amount).toBe('5.00');
		expect(result.net.amount).toBe('95.00');
	});

	it('caps a fee above the maximum at the maximum (1 % of 10000 is 100, maximum 25)', () => {
		const result = feeFor(deposit('10000'), cardRule({ percent: '1', fixed: '0', maximum: '25' }));
		expect(result.fee.amount).toBe('25.00');
		expect(result.net.amount).toBe('9975.00');
	});

	it('rounds JPY to whole yen: 2 % of 1025 is 20.5, rounded half-up to 21', () => {
		const result = feeFor(deposit('1025', 'JPY'), cardRule({ percent: '2', fixed: '0' }));
		expect(result.fee).toEqual({ amount: '21', currency: 'JPY' });
		expect(result.net).toEqual({ amount: '1004', currency: 'JPY' });
	});

	it('keeps 8 decimals for BTC: 0.5 % of 0.12345678 is 0.0006172839, rounded to 0.00061728', () => {
		const result = feeFor(deposit('0.12345678', 'BTC'), cardRule({ percent: '0.5', fixed: '0' }));
		expect(result.fee.amount).toBe('0.00061728');
		expect(result.net.amount).toBe('0.12283950');
	});

	it('rounds an exact half cent up: 1 % of 100.50 is 1.005, charged as 1.01 (not banker\'s 1.00)', () => {
		const result = feeFor(deposit('100.50'), cardRule({ percent: '1', fixed: '0' }));
		expect(result.fee.amount).toBe('1.01');
		expect(result.net.amount).toBe('99.49');
	});

	it('rounds 0.005 up to 0.01 (1 % of 0.50)', () => {
		expect(feeFor(deposit('0.50'), cardRule({ percent: '1', fixed: '0' })).fee.amount).toBe('0.01');
	});

	it('does not drift like floating point: 0.1 % of 0.30 + 0.07 fixed is 0.0703, charged 0.07', () => {
		// 0.30 * 0.001 in floats is 0.00030000000000000003.
		expect(feeFor(deposit('0.30'), cardRule({ percent: '0.1', fixed: '0.07' })).fee.amount).toBe('0.07');
	});

	it('never charges more than the gross: a 5.00 fixed fee on a 3.00 deposit is 3.00 and credits 0.00', () => {
		const result = feeFor(deposit('3.00'), cardRule({ percent: '0', fixed: '5' }));
		expect(result.fee.amount).toBe('3.00');
		expect(result.net.amount).toBe('0.00');
		expect(result.feeCappedAtGross).toBe(true);
	});

	it('reports an uncapped fee as not capped', () => {
		expect(feeFor(deposit('100.00'), cardRule()).feeCappedAtGross).toBe(false);
	});
});

describe('a PSP writing more decimals than the currency has', () => {
	it('credits CoinsPaid\'s 8-decimal USD amounts in cents: 1287.13000000 is 1287.13, with nothing left out', () => {
		const result = feeFor(deposit('1300.13000000', 'USD', { provider: 'coinspaid', pspFee: '13.00000000' }), []);
		expect(result.net.amount).toBe('1287.13');
		expect(result.netRemainder).toBeUndefined();
	});

	it('rounds a sub-cent net down, so no money that did not arrive is credited, and reports what was left out', () => {
		const result = feeFor(deposit('650.06565657', 'USD', { provider: 'coinspaid', pspFee: '6.50065657' }), []);
		expect(result.net.amount).toBe('643.56');
		expect(result.netRemainder).toEqual({ amount: '0.005', currency: 'USD' });
	});
});

describe('who bears the fee', () => {
	it('credits the full gross when the broker bears the fee and reports the fee as the broker\'s cost', () => {
		const result = feeFor(deposit('100.00'), cardRule({ borneBy: 'broker' }));
		expect(result.fee.amount).toBe('2.80');
		expect(result.net.amount).toBe('100.00');
		expect(result.brokerFee.amount).toBe('2.80');
		expect(result.clientFee.amount).toBe('0.00');
	});

	it('deducts a withdrawal fee from what is paid out when the client bears it', () => {
		const rules = validateFeeRules([{ provider: 'praxis', direction: 'withdrawal', fixed: '5' }]);
		const result = feeFor(deposit('250.00', 'EUR', { direction: 'withdrawal' }), rules);
		expect(result.fee).toEqual({ amount: '5.00', currency: 'EUR' });
		expect(result.net).toEqual({ amount: '245.00', currency: 'EUR' });
	});
});

describe('a PSP-reported fee wins over the table', () => {
	it('uses the PSP fee as reported and still takes who bears it from the matching rule', () => {
		const result = feeFor(deposit('100.00', 'USD', { pspFee: '1.75' }), cardRule({ borneBy: 'client' }));
		expect(result.fee.amount).toBe('1.75');
		expect(result.net.amount).toBe('98.25');
		expect(result.feeSource).toBe('psp');
		expect(result.feeRule?.row).toBe(1);
	});

	it('accepts a PSP fee when no rule matches, borne as the option says', () => {
		const result = feeFor(deposit('0.5', 'BTC', { provider: 'coinspaid', pspFee: '0.0001' }), [], { pspFeeBorneBy: 'broker' });
		expect(result.fee.amount).toBe('0.0001');
		expect(result.net.amount).toBe('0.5');
		expect(result.brokerFee.amount).toBe('0.0001');
		expect(result.feeRule).toBeNull();
	});

	it('sums CoinsPaid fees[] in the gross currency', () => {
		const fees = [
			{ type: 'fee_crypto_deposit', currency: 'BTC', amount: '0.0001' },
			{ type: 'fee_network', currency: 'BTC', amount: '0.00002' },
		];
		expect(readPspFee(fees, 'BTC', 'raw.fees')).toBe('0.00012');
	});

	it('reads a canonical fee object and refuses one in another currency, naming the field', () => {
		expect(readPspFee({ amount: '2.10', currency: 'usd' }, 'USD', 'fee')).toBe('2.10');
		expect(() => readPspFee({ amount: '2', currency: 'EUR' }, 'USD', 'fee')).toThrow('"fee": is in EUR but the gross is in USD; convert it first');
	});

	it('treats a missing, null or empty PSP fee as not reported, and a bad one as an error naming the field', () => {
		expect(readPspFee(undefined, 'USD', 'fee')).toBeUndefined();
		expect(readPspFee(null, 'USD', 'fee')).toBeUndefined();
		expect(readPspFee('', 'USD', 'fee')).toBeUndefined();
		expect(() => readPspFee('1,50', 'USD', 'fee')).toThrow('"fee": must be a decimal number such as "2.5", got "1,50"');
	});

	it('caps a PSP fee larger than the gross at the gross', () => {
		const result = feeFor(deposit('1.00', 'USD', { pspFee: '1.20' }), cardRule());
		expect(result.fee.amount).toBe('1.00');
		expect(result.net.amount).toBe('0.00');
	});
});

describe('rule matching', () => {
	const rules = validateFeeRules([
		{ provider: '*', method: '*', currency: '*', direction: '*', percent: '5' },
		{ provider: 'praxis', percent: '3' },
		{ provider: 'praxis', method: 'card', percent: '2' },
		{ method: 'card', currency: 'USD', direction: 'deposit', percent: '1' },
	]);

	it('picks the rule naming the most fields', () => {
		expect(findFeeRule(rules, { provider: 'praxis', method: 'card', currency: 'USD', direction: 'deposit' })?.row).toBe(4);
		expect(findFeeRule(rules, { provider: 'praxis', method: 'card', currency: 'EUR', direction: 'deposit' })?.row).toBe(3);
		expect(findFeeRule(rules, { provider: 'praxis', method: 'skrill', currency: 'EUR', direction: 'deposit' })?.row).toBe(2);
		expect(findFeeRule(rules, { provider: 'coinspaid', method: 'btc', currency: 'BTC', direction: 'deposit' })?.row).toBe(1);
	});

	it('prefers the provider over the method when two rules name as many fields', () => {
		const tie = validateFeeRules([
			{ method: 'card', currency: 'USD', percent: '1' },
			{ provider: 'praxis', currency: 'USD', percent: '2' },
		]);
		expect(findFeeRule(tie, { provider: 'praxis', method: 'card', currency: 'USD', direction: 'deposit' })?.row).toBe(2);
	});

	it('gives a full tie to the earlier row', () => {
		const twice = validateFeeRules([
			{ provider: 'praxis', percent: '1' },
			{ provider: 'praxis', percent: '2' },
		]);
		expect(findFeeRule(twice, { provider: 'praxis', method: 'card', currency: 'USD', direction: 'deposit' })?.row).toBe(1);
	});

	it('matches provider, method and currency regardless of case', () => {
		const result = feeFor(deposit('100.00', 'usd', { provider: 'Praxis', method: 'CARD' }), cardRule());
		expect(result.fee).toEqual({ amount: '2.80', currency: 'USD' });
	});

	it('matches a transaction without a method only with a rule for any method', () => {
		expect(findFeeRule(rules, { provider: 'praxis', currency: 'EUR', direction: 'deposit' })?.row).toBe(2);
	});

	it('does not apply a withdrawal rule to a deposit', () => {
		const withdrawalOnly = validateFeeRules([{ provider: 'praxis', direction: 'withdrawal', fixed: '5' }]);
		expect(findFeeRule(withdrawalOnly, { provider: 'praxis', currency: 'USD', direction: 'deposit' })).toBeUndefined();
	});

	it('refuses a transaction no rule matches, naming the fee rules and the transaction', () => {
		const call = () => feeFor(deposit('10', 'USD', { provider: 'coinspaid' }), cardRule());
		expect(call).toThrow(FieldError);
		expect(call).toThrow('"Fee Rules": no rule matches provider "coinspaid", method "card", currency USD, direction deposit');
	});

	it('charges nothing, with fee source "none", when no rule matches and none is required', () => {
		const result = feeFor(deposit('10', 'USD', { provider: 'coinspaid' }), cardRule(), { requireRule: false });
		expect(result.fee.amount).toBe('0.00');
		expect(result.net.amount).toBe('10.00');
		expect(result.feeSource).toBe('none');
		expect(result.feeRule).toBeNull();
	});
});

describe('fee table and currency checks', () => {
	it('names the row and column of a bad percent', () => {
		expect(() => validateFeeRules([{ percent: '1' }, { percent: '2,5' }])).toThrow('"Fee rule 2 percent": must be a decimal number such as "2.5", got "2,5"');
	});

	it('refuses a minimum above the maximum', () => {
		expect(() => validateFeeRules([{ minimum: '10', maximum: '5' }])).toThrow('"Fee rule 1 minimum": (10) is more than the maximum (5)');
	});

	it('refuses an unknown direction and an unknown bearer', () => {
		expect(() => validateFeeRules([{ direction: 'payout' }])).toThrow('"Fee rule 1 direction": must be deposit, withdrawal or *');
		expect(() => validateFeeRules([{ borneBy: 'psp' }])).toThrow('"Fee rule 1 borneBy": must be client or broker');
	});

	it('reads empty selectors as * and empty amounts as 0 or none', () => {
		expect(validateFeeRules([{ provider: '', method: ' ', percent: '', fixed: '', minimum: '', maximum: '' }])).toEqual([
			{ provider: '*', method: '*', currency: '*', direction: '*', percent: '0', fixed: '0', borneBy: 'client' },
		]);
	});

	it('refuses a currency with unknown decimals unless they are given', () => {
		const any = validateFeeRules([{ percent: '1' }]);
		expect(() => feeFor(deposit('100', 'TRX'), any)).toThrow('currency "TRX" has no known number of decimals');
		expect(feeFor(deposit('100.5', 'TRX'), any, { currencyDigits: parseCurrencyDigits('trx=6') }).fee.amount).toBe('1.005000');
	});

	it('refuses a negative gross', () => {
		expect(() => feeFor(deposit('-100'), cardRule())).toThrow('"gross": must not be negative');
	});

	it('parses Currency Decimals as CURRENCY=DECIMALS and names a malformed entry', () => {
		expect(parseCurrencyDigits('TRX=6, sol:9')).toEqual({ TRX: 6, SOL: 9 });
		expect(() => parseCurrencyDigits('TRX six')).toThrow('"Currency Decimals": "TRX six" is not CURRENCY=DECIMALS, e.g. TRX=6');
	});
});
