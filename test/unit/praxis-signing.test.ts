/**
 * Praxis GT-Authentication building blocks: the raw-JSON token reader that keeps numbers as sent,
 * and the signature over a call's fields (vectors computed with python's hashlib, see
 * test/sandbox/praxis.test.ts).
 */
import { PRAXIS_SIGNED_FIELDS, praxisSignature, rawJsonScalars, RawJsonError, signedValues, signRequestBody } from '../../nodes/Praxis/transport/signing';

const SECRET = 'praxis_sandbox_secret_7c41e9d2';

describe('rawJsonScalars, the raw JSON token reader', () => {
	it('keeps a number exactly as written: 1.085000 stays "1.085000", not 1.085', () => {
		const scalars = rawJsonScalars('{"transaction":{"conversion_rate":1.085000,"amount":10000}}');
		expect(scalars.get('transaction.conversion_rate')).toBe('1.085000');
		expect(scalars.get('transaction.amount')).toBe('10000');
	});

	it('decodes strings, keeps null as null and true/false as text', () => {
		const scalars = rawJsonScalars('{"a":"x\\"y\\u00e9","b":null,"c":true, "d" : false}');
		expect(scalars.get('a')).toBe('x"yé');
		expect(scalars.get('b')).toBeNull();
		expect(scalars.get('c')).toBe('true');
		expect(scalars.get('d')).toBe('false');
		expect(scalars.has('e')).toBe(false);
	});

	it('names nested objects and array elements by dotted path', () => {
		const scalars = rawJsonScalars('{ "transactions": [ {"tid": 1}, {"tid": 2, "card": {"last4": "4242"}} ], "empty": {}, "none": [] }');
		expect(scalars.get('transactions.0.tid')).toBe('1');
		expect(scalars.get('transactions.1.card.last4')).toBe('4242');
	});

	it('keeps exponents and negative numbers as written', () => {
		const scalars = rawJsonScalars('{"a":-0.50,"b":1E+2}');
		expect(scalars.get('a')).toBe('-0.50');
		expect(scalars.get('b')).toBe('1E+2');
	});

	it('refuses text that is not JSON', () => {
		expect(() => rawJsonScalars('{"a":1,}')).toThrow(RawJsonError);
		expect(() => rawJsonScalars('{"a":1} x')).toThrow(/trailing characters/);
		expect(() => rawJsonScalars('{"a":01}')).toThrow(RawJsonError);
	});
});

describe('Praxis request signatures', () => {
	it('signs a cashier request over merchant, key, timestamp, intent, cid, order_id + secret (python vector)', () => {
		const body = {
			merchant_id: 'praxis_sandbox_merchant',
			application_key: 'praxis_sandbox_app_3f9a',
			intent: 'payment',
			currency: 'EUR',
			amount: 10000,
			cid: 'client-1001',
			order_id: 'dep-0001',
			version: '1.3',
			timestamp: 1764129600,
		};
		expect(signRequestBody(body, 'cashier', SECRET)).toBe(
			'aa15f10746baaa864c133fa8b309ecc923832bb36fa0997a6af207ee56df89b97d92fa6696e750e60d25fad6b514b72c',
		);
	});

	it('signs the notification reply over status and timestamp + secret (python vector)', () => {
		expect(praxisSignature(['0', '1764129600'], SECRET)).toBe(
			'70118db90ffc991c83bfb7b2e00c9e08fe1f4fab570926ab5eba6740b1a26fc0edfa31d51510246a97db45eb7c102de1',
		);
	});

	it('skips null and absent fields instead of hashing "null" or ""', () => {
		const scalars = rawJsonScalars('{"merchant_id":"m","application_key":null,"timestamp":5}');
		expect(signedValues(scalars, 'findOrder')).toEqual(['m', '5']);
		expect(signRequestBody({ merchant_id: 'm', application_key: null, timestamp: 5 }, 'findOrder', 's')).toBe(praxisSignature(['m', '5'], 's'));
	});

	it('uses the documented field order for the notification', () => {
		expect(PRAXIS_SIGNED_FIELDS.notification).toEqual([
			'merchant_id',
			'application_key',
			'timestamp',
			'customer.customer_token',
			'session.order_id',
			'transaction.tid',
			'transaction.currency',
			'transaction.amount',
			'transaction.conversion_rate',
			'transaction.processed_currency',
			'transaction.processed_amount',
		]);
	});
});
