/**
 * Expected digests are literals: vendor-published vectors (CoinsPaid, GitHub) or values computed
 * independently of the code under test with Python's hmac/hashlib, e.g.
 *   python3 -c 'import hmac,hashlib;print(hmac.new(b"crm-current-secret",BODY,hashlib.sha256).hexdigest())'
 */
import {
	DEFAULT_TOLERANCE_SECONDS,
	RawBodyMissingError,
	SecretMissingError,
	SignatureHeaderMalformedError,
	SignatureHeaderMissingError,
	SignatureMismatchError,
	TimestampInvalidError,
	TimestampOutsideToleranceError,
	WebhookSignatureError,
	assertTimestampWithinTolerance,
	computeHmac,
	computePlainHash,
	parseTimestampedHeader,
	rawBodyOf,
	secureCompare,
	verifyHmac,
	verifyPlainHash,
	verifyTimestampedHeader,
} from '../../lib/signatures';
import type { DigestEncoding, HmacAlgorithm, RawBody } from '../../lib/signatures';

function thrownBy(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('expected the call to throw');
}

// CoinsPaid, coinspaid/docs api-documentation/authorization.md (also reference/psp_kyc.md §4a).
const COINSPAID_SECRET = 'AbCdEfG123456';
const COINSPAID_BODY = '{"currency":"BTC","foreign_id":"123456"}';
const COINSPAID_SIGNATURE =
	'03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec';

// GitHub, docs.github.com "Validating webhook deliveries" (X-Hub-Signature-256).
const GITHUB_SECRET = "It's a Secret to Everybody";
const GITHUB_BODY = 'Hello, World!';
const GITHUB_HEADER = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

// A CRM webhook signed with the current or the previous secret (Python hmac).
const CRM_BODY = '{"event":"deposit.completed","amount":"100.00"}';
const CRM_CURRENT = 'crm-current-secret';
const CRM_PREVIOUS = 'crm-previous-secret';
const CRM_VECTORS: Array<[HmacAlgorithm, DigestEncoding, string]> = [
	['sha1', 'hex', 'b79d901e630a180be261ea558f824ee82cd90536'],
	['sha1', 'base64', 't52QHmMKGAviYepVj4JO6CzZBTY='],
	['sha256', 'hex', '81650849b3086ac71f9affa22dbd1972cc93c67c4f00bba0c4da89fad25c3579'],
	['sha256', 'base64', 'gWUISbMIascfmv+iLb0ZcsyTxnxPALugxNqJ+tJcNXk='],
	[
		'sha512',
		'hex',
		'c255427e93431aafd0a069fe832d49e0e7e87e7fa49c88fcdc4ca0cdc18144da00ec03116fd03bffe02f6b850c41aa60a32fcb725d0a5239d2d8e746bdbd24bc',
	],
	[
		'sha512',
		'base64',
		'wlVCfpNDGq/QoGn+gy1J4Ofofn+knIj83EygzcGBRNoA7AMRb9A7/+Ava4UMQapgoy/Lcl0KUjnS2OdGvb0kvA==',
	],
];
const CRM_SHA256_CURRENT = '81650849b3086ac71f9affa22dbd1972cc93c67c4f00bba0c4da89fad25c3579';
const CRM_SHA256_PREVIOUS = 'b847140a99af71dba6ab848e49c42804ffe0fb5566b7a5e58cd66fe02ff92f83';
// HMAC-SHA256 of `1700000000:${CRM_BODY}` with 'ts-secret' (Python hmac).
const CRM_TIMESTAMPED_SIGNATURE = '9bb389941ff32f9a999b497f31f0a798b2f779e4e21da11a04b1b06087333278';

// Stripe publishes no fixed header/secret/body vector (stripe-node and n8n's Stripe trigger tests
// sign at run time), so this one was computed with Python:
//   hmac.new(b'whsec_test_secret', b'1700000000.' + STRIPE_BODY, hashlib.sha256).hexdigest()
const STRIPE_T = 1700000000;
const STRIPE_BODY = '{"id":"evt_1","type":"payment_intent.succeeded"}';
const STRIPE_SECRET = 'whsec_test_secret';
const STRIPE_OLD_SECRET = 'whsec_old_secret';
const STRIPE_V1 = '22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31';
const STRIPE_V1_OLD = '01fb11721f95aaf652cd381c2bb35f463528c395c86a34cbf41d7a1b45b2ae9d';
const STRIPE_NOW_MS = STRIPE_T * 1000;

describe('computeHmac', () => {
	test('reproduces the CoinsPaid published HMAC-SHA512 example in full', () => {
		const signature = computeHmac('sha512', COINSPAID_SECRET, COINSPAID_BODY, 'hex');
		expect(signature.startsWith('03c25fcf7cd35e7d')).toBe(true);
		expect(signature.endsWith('195fa1ec')).toBe(true);
		expect(signature).toBe(COINSPAID_SIGNATURE);
	});

	test.each(CRM_VECTORS)('HMAC-%s in %s matches the independently computed value', (algorithm, encoding, expected) => {
		expect(computeHmac(algorithm, CRM_CURRENT, CRM_BODY, encoding)).toBe(expected);
	});

	test('a Buffer body and its UTF-8 string give the same signature', () => {
		expect(computeHmac('sha256', CRM_CURRENT, Buffer.from(CRM_BODY, 'utf8'), 'hex')).toBe(
			CRM_SHA256_CURRENT,
		);
	});
});

describe('computePlainHash', () => {
	test('Praxis: SHA-384 hex of the fields in order followed by the merchant secret', () => {
		// Python: hashlib.sha384(b'API-Key-1app-key1590611635paymentcid-1order-1praxis-secret').hexdigest()
		const parts = ['API-Key-1', 'app-key', '1590611635', 'payment', 'cid-1', 'order-1', 'praxis-secret'];
		expect(computePlainHash('sha384', parts, 'hex')).toBe(
			'275ffff253348bf93ab010b6b1ffb9d34e763d2156f215967d906cd36fe66db99191d4e492bbbd45117de394e5aa4e8d',
		);
	});

	test('Shufti: SHA-256 of the raw response followed by the SHA-256 hex of the secret', () => {
		// Python: sha256((raw + sha256(b'shufti-secret').hexdigest()).encode()).hexdigest()
		const raw = '{"reference":"ref-1","event":"verification.accepted"}';
		const parts = [raw, computePlainHash('sha256', ['shufti-secret'], 'hex')];
		expect(computePlainHash('sha256', parts, 'hex')).toBe(
			'ea901c5e205151b114d407fa793df100a6c126818935859bccb708f4c1fdf725',
		);
	});
});

describe('secureCompare', () => {
	test('equal strings compare equal', () => {
		expect(secureCompare(CRM_SHA256_CURRENT, `${CRM_SHA256_CURRENT}`)).toBe(true);
	});

	test('strings of the same length that differ in the last character are not equal', () => {
		expect(secureCompare('abcdef', 'abcdeg')).toBe(false);
	});

	test('strings of different lengths are not equal, whichever is longer', () => {
		expect(secureCompare('abc', 'abcd')).toBe(false);
		expect(secureCompare('abcd', 'abc')).toBe(false);
	});

	test('an empty string equals only an empty string', () => {
		expect(secureCompare('', 'a')).toBe(false);
		expect(secureCompare('', '')).toBe(true);
	});
});

describe('rawBodyOf', () => {
	test("returns n8n's raw Buffer itself, byte for byte", () => {
		const rawBody = Buffer.from('{"amount": 100.10}', 'utf8');
		expect(rawBodyOf({ rawBody, body: { amount: 100.1 } })).toBe(rawBody);
	});

	test('turns a raw string body into its UTF-8 bytes', () => {
		expect(rawBodyOf({ rawBody: 'é' }).equals(Buffer.from([0xc3, 0xa9]))).toBe(true);
	});

	test('refuses to re-serialise a parsed body when the raw bytes are missing', () => {
		const error = thrownBy(() => rawBodyOf({ body: { amount: 100.1 } }));
		expect(error).toBeInstanceOf(RawBodyMissingError);
		expect((error as RawBodyMissingError).parsedBodyGiven).toBe(true);
		expect((error as Error).message).toContain('already parsed');
	});

	test('a request with no body at all is reported as a missing raw body', () => {
		const error = thrownBy(() => rawBodyOf({}));
		expect(error).toBeInstanceOf(RawBodyMissingError);
		expect((error as RawBodyMissingError).parsedBodyGiven).toBe(false);
	});
});

describe('verifyHmac', () => {
	const crm = (overrides: Partial<Parameters<typeof verifyHmac>[0]> = {}) =>
		verifyHmac({
			rawBody: Buffer.from(CRM_BODY, 'utf8'),
			signature: CRM_SHA256_CURRENT,
			secrets: [CRM_CURRENT, CRM_PREVIOUS],
			algorithm: 'sha256',
			encoding: 'hex',
			signatureHeader: 'X-Signature',
			...overrides,
		});

	test('accepts the CoinsPaid published example (X-Processing-Signature, SHA-512 hex)', () => {
		const match = verifyHmac({
			rawBody: Buffer.from(COINSPAID_BODY),
			signature: COINSPAID_SIGNATURE,
			secrets: [COINSPAID_SECRET],
			algorithm: 'sha512',
			encoding: 'hex',
			signatureHeader: 'X-Processing-Signature',
		});
		expect(match).toEqual({ secretIndex: 0 });
	});

	test.each(CRM_VECTORS)('accepts an HMAC-%s %s signature made with the current secret', (algorithm, encoding, signature) => {
		expect(crm({ algorithm, encoding, signature })).toEqual({ secretIndex: 0 });
	});

	test('accepts the GitHub published example with its sha256= prefix', () => {
		const match = verifyHmac({
			rawBody: GITHUB_BODY,
			signature: GITHUB_HEADER,
			secrets: [GITHUB_SECRET],
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: 'sha256=',
		});
		expect(match.secretIndex).toBe(0);
	});

	test('the prefix label is matched regardless of case', () => {
		const header = GITHUB_HEADER.replace('sha256=', 'SHA256=');
		const match = verifyHmac({
			rawBody: GITHUB_BODY,
			signature: header,
			secrets: [GITHUB_SECRET],
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: 'sha256=',
		});
		expect(match.secretIndex).toBe(0);
	});

	test('a header without the expected prefix is malformed', () => {
		const error = thrownBy(() =>
			verifyHmac({
				rawBody: GITHUB_BODY,
				signature: GITHUB_HEADER.slice('sha256='.length),
				secrets: [GITHUB_SECRET],
				algorithm: 'sha256',
				encoding: 'hex',
				prefix: 'sha256=',
				signatureHeader: 'X-Hub-Signature-256',
			}),
		);
		expect(error).toBeInstanceOf(SignatureHeaderMalformedError);
		expect((error as Error).message).toContain('X-Hub-Signature-256');
		expect((error as Error).message).toContain('sha256=<signature>');
	});

	test('a header holding only the prefix is malformed', () => {
		expect(() =>
			verifyHmac({
				rawBody: GITHUB_BODY,
				signature: 'sha256=',
				secrets: [GITHUB_SECRET],
				algorithm: 'sha256',
				encoding: 'hex',
				prefix: 'sha256=',
			}),
		).toThrow(SignatureHeaderMalformedError);
	});

	test('a signature made with the previous secret is accepted during rotation and reports index 1', () => {
		expect(crm({ signature: CRM_SHA256_PREVIOUS })).toEqual({ secretIndex: 1 });
	});

	test('a signature made with the previous secret is rejected once only the new secret is listed', () => {
		expect(() => crm({ signature: CRM_SHA256_PREVIOUS, secrets: [CRM_CURRENT] })).toThrow(
			SignatureMismatchError,
		);
	});

	test('a blank previous-secret field is ignored', () => {
		expect(crm({ secrets: [CRM_CURRENT, ''] })).toEqual({ secretIndex: 0 });
	});

	test('a signature made with a wrong secret is rejected', () => {
		const signature = computeHmac('sha256', 'someone-else', CRM_BODY, 'hex');
		const error = thrownBy(() => crm({ signature }));
		expect(error).toBeInstanceOf(SignatureMismatchError);
		expect((error as WebhookSignatureError).reason).toBe('signature_mismatch');
		expect((error as Error).message).toContain('neither the current nor the previous secret');
	});

	test('a body with one byte changed is rejected', () => {
		const tampered = Buffer.from(CRM_BODY, 'utf8');
		tampered[tampered.indexOf('1')] = '9'.charCodeAt(0);
		expect(() => crm({ rawBody: tampered })).toThrow(SignatureMismatchError);
	});

	test('the mismatch message names the header and reveals no secret or signature', () => {
		const error = thrownBy(() => crm({ signature: '0'.repeat(64) })) as Error;
		expect(error.message).toContain('The X-Signature header does not match');
		const secretsAndSignatures = [
			CRM_CURRENT,
			CRM_PREVIOUS,
			CRM_SHA256_CURRENT,
			CRM_SHA256_PREVIOUS,
			'0'.repeat(64),
		];
		for (const value of secretsAndSignatures) expect(error.message).not.toContain(value);
	});

	test('an upper-case hex signature is accepted (hex is case-insensitive)', () => {
		expect(crm({ signature: CRM_SHA256_CURRENT.toUpperCase() })).toEqual({ secretIndex: 0 });
	});

	test('a base64 signature with its letter case changed is rejected', () => {
		const [, , base64] = CRM_VECTORS[3];
		expect(() => crm({ encoding: 'base64', signature: base64.toLowerCase() })).toThrow(
			SignatureMismatchError,
		);
	});

	test('surrounding spaces in the header value are ignored', () => {
		expect(crm({ signature: ` ${CRM_SHA256_CURRENT} ` })).toEqual({ secretIndex: 0 });
	});

	test('an already-parsed body object is refused, not re-serialised', () => {
		const parsed = JSON.parse(CRM_BODY) as unknown as RawBody;
		const error = thrownBy(() => crm({ rawBody: parsed }));
		expect(error).toBeInstanceOf(RawBodyMissingError);
		expect((error as WebhookSignatureError).reason).toBe('raw_body_missing');
	});

	test('a missing signature header is reported in plain words, naming the header', () => {
		const error = thrownBy(() => crm({ signature: undefined }));
		expect(error).toBeInstanceOf(SignatureHeaderMissingError);
		expect((error as Error).message).toBe(
			'The X-Signature header is missing: the sender did not sign this request, so it is rejected.',
		);
	});

	test('an empty signature header counts as missing', () => {
		expect(() => crm({ signature: '  ' })).toThrow(SignatureHeaderMissingError);
	});

	test('no configured secret is an error, not a silent pass', () => {
		expect(() => crm({ secrets: [] })).toThrow(SecretMissingError);
		expect(() => crm({ secrets: ['', undefined] })).toThrow(SecretMissingError);
	});

	describe('with a timestamp', () => {
		const T = 1700000000;
		const signedWithTimestamp = (value: string | number | undefined, nowMs: number, toleranceSeconds = 300) =>
			verifyHmac({
				rawBody: CRM_BODY,
				signature: CRM_TIMESTAMPED_SIGNATURE,
				secrets: ['ts-secret'],
				algorithm: 'sha256',
				encoding: 'hex',
				timestamp: { value, toleranceSeconds, nowMs, label: 'X-Timestamp header' },
				signedPayload: (timestamp, rawBody) => `${timestamp}:${rawBody.toString('utf8')}`,
			});

		test('the signed payload receives the timestamp exactly as sent', () => {
			expect(signedWithTimestamp(String(T), T * 1000)).toEqual({ secretIndex: 0 });
		});

		test('a timestamp exactly 300 s old is accepted with a 300 s tolerance', () => {
			expect(signedWithTimestamp(T, (T + 300) * 1000 + 999)).toEqual({ secretIndex: 0 });
		});

		test('a timestamp 301 s old is rejected with a 300 s tolerance, saying by how much', () => {
			const error = thrownBy(() => signedWithTimestamp(T, (T + 301) * 1000));
			expect(error).toBeInstanceOf(TimestampOutsideToleranceError);
			expect((error as TimestampOutsideToleranceError).ageSeconds).toBe(301);
			expect((error as Error).message).toContain('signed 301 seconds ago');
			expect((error as Error).message).toContain('within the last 300 seconds');
		});

		test('a timestamp 301 s in the future is rejected', () => {
			const error = thrownBy(() => signedWithTimestamp(T, (T - 301) * 1000));
			expect(error).toBeInstanceOf(TimestampOutsideToleranceError);
			expect((error as TimestampOutsideToleranceError).ageSeconds).toBe(-301);
			expect((error as Error).message).toContain('301 seconds in the future');
		});

		test('a missing timestamp is rejected before any signature is computed', () => {
			const signedPayload = jest.fn(() => CRM_BODY);
			const error = thrownBy(() =>
				verifyHmac({
					rawBody: CRM_BODY,
					signature: CRM_TIMESTAMPED_SIGNATURE,
					secrets: ['ts-secret'],
					algorithm: 'sha256',
					encoding: 'hex',
					timestamp: { value: undefined, label: 'X-Timestamp header' },
					signedPayload,
				}),
			);
			expect(error).toBeInstanceOf(TimestampInvalidError);
			expect((error as Error).message).toContain('The X-Timestamp header is missing');
			expect(signedPayload).not.toHaveBeenCalled();
		});

		test('a timestamp that is not a Unix time is rejected', () => {
			const error = thrownBy(() => signedWithTimestamp('yesterday', T * 1000));
			expect(error).toBeInstanceOf(TimestampInvalidError);
			expect((error as Error).message).toContain('not a Unix time');
		});

		test('a wrong signature with a stale timestamp is reported as a mismatch, the signature being checked first', () => {
			expect(() =>
				verifyHmac({
					rawBody: CRM_BODY,
					signature: CRM_TIMESTAMPED_SIGNATURE,
					secrets: ['wrong'],
					algorithm: 'sha256',
					encoding: 'hex',
					timestamp: { value: T, nowMs: (T + 3600) * 1000 },
					signedPayload: (timestamp, rawBody) => `${timestamp}:${rawBody.toString('utf8')}`,
				}),
			).toThrow(SignatureMismatchError);
		});

		test('a body signed alone can carry a separate millisecond timestamp header', () => {
			const match = verifyHmac({
				rawBody: CRM_BODY,
				signature: CRM_SHA256_CURRENT,
				secrets: [CRM_CURRENT],
				algorithm: 'sha256',
				encoding: 'hex',
				timestamp: { value: '1700000000000', toleranceSeconds: 300, nowMs: 1700000000000 + 299_500 },
			});
			expect(match).toEqual({ secretIndex: 0 });
		});
	});
});

describe('assertTimestampWithinTolerance', () => {
	const NOW_MS = 1700000000000;

	test('a seconds timestamp and the same instant in milliseconds give the same age', () => {
		expect(assertTimestampWithinTolerance({ value: 1700000000 - 120, nowMs: NOW_MS })).toBe(120);
		expect(assertTimestampWithinTolerance({ value: NOW_MS - 120_000, nowMs: NOW_MS })).toBe(120);
	});

	test('a millisecond timestamp 300.5 s old is rejected with a 300 s tolerance', () => {
		const error = thrownBy(() =>
			assertTimestampWithinTolerance({ value: String(NOW_MS - 300_500), toleranceSeconds: 300, nowMs: NOW_MS }),
		);
		expect(error).toBeInstanceOf(TimestampOutsideToleranceError);
		expect((error as TimestampOutsideToleranceError).ageSeconds).toBe(300.5);
	});

	test("the default tolerance is Stripe's 300 s", () => {
		expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
		expect(() => assertTimestampWithinTolerance({ value: 1700000000 - 301, nowMs: NOW_MS })).toThrow(
			TimestampOutsideToleranceError,
		);
	});

	test('a negative tolerance is a configuration error', () => {
		expect(() => assertTimestampWithinTolerance({ value: 1700000000, toleranceSeconds: -1, nowMs: NOW_MS })).toThrow(
			RangeError,
		);
	});
});

describe('verifyPlainHash', () => {
	const fields = ['API-Key-1', 'app-key', '1590611635', 'payment', 'cid-1', 'order-1'];
	const praxisSignature =
		'275ffff253348bf93ab010b6b1ffb9d34e763d2156f215967d906cd36fe66db99191d4e492bbbd45117de394e5aa4e8d';
	const praxis = (signature: string | undefined, secrets: string[]) =>
		verifyPlainHash({
			signature,
			secrets,
			algorithm: 'sha384',
			encoding: 'hex',
			partsFor: (secret) => [...fields, secret],
			signatureHeader: 'GT-Authentication',
		});

	test('accepts a Praxis GT-Authentication value made with the previous secret and reports index 1', () => {
		expect(praxis(praxisSignature, ['praxis-new-secret', 'praxis-secret'])).toEqual({ secretIndex: 1 });
	});

	test('rejects a Praxis value when the secret differs', () => {
		expect(() => praxis(praxisSignature, ['praxis-new-secret'])).toThrow(SignatureMismatchError);
	});

	test('a missing GT-Authentication header is named in the error', () => {
		expect(() => praxis(undefined, ['praxis-secret'])).toThrow(
			'The GT-Authentication header is missing',
		);
	});
});

describe('parseTimestampedHeader', () => {
	test('collects t and every v1 value, ignoring other schemes', () => {
		expect(parseTimestampedHeader(`t=${STRIPE_T},v1=aa,v0=cc,v1=bb`)).toEqual({
			timestamp: String(STRIPE_T),
			signatures: ['aa', 'bb'],
		});
	});

	test('a missing header is reported as missing, not as malformed', () => {
		expect(() => parseTimestampedHeader(undefined)).toThrow(SignatureHeaderMissingError);
	});

	test.each([
		['no key=value pairs', 'invalid-format'],
		['no v1 signature', `t=${STRIPE_T}`],
		['no timestamp', `v1=${STRIPE_V1}`],
		['a timestamp that is not a number', `t=now,v1=${STRIPE_V1}`],
		['only a v0 signature', `t=${STRIPE_T},v0=${STRIPE_V1}`],
	])('a header with %s is malformed', (_case, header) => {
		const error = thrownBy(() => parseTimestampedHeader(header));
		expect(error).toBeInstanceOf(SignatureHeaderMalformedError);
		expect((error as Error).message).toContain('t=<time>,v1=<signature>');
	});
});

describe('verifyTimestampedHeader (Stripe-Signature)', () => {
	const stripe = (header: string, nowMs = STRIPE_NOW_MS, rawBody: RawBody = Buffer.from(STRIPE_BODY)) =>
		verifyTimestampedHeader({ rawBody, header, secrets: [STRIPE_SECRET, STRIPE_OLD_SECRET], nowMs });

	test('accepts the t.payload HMAC-SHA256 vector', () => {
		expect(stripe(`t=${STRIPE_T},v1=${STRIPE_V1}`, STRIPE_NOW_MS + 10_000)).toEqual({
			secretIndex: 0,
			timestampSeconds: STRIPE_T,
		});
	});

	test('any listed v1 may match: a stale v1 next to the right one is fine', () => {
		expect(stripe(`t=${STRIPE_T},v1=${'f'.repeat(64)},v1=${STRIPE_V1}`).secretIndex).toBe(0);
	});

	test('a header signed only with the previous secret reports index 1', () => {
		expect(stripe(`t=${STRIPE_T},v1=${STRIPE_V1_OLD}`).secretIndex).toBe(1);
	});

	test('the current secret wins when the header carries signatures for both secrets', () => {
		expect(stripe(`t=${STRIPE_T},v1=${STRIPE_V1_OLD},v1=${STRIPE_V1}`).secretIndex).toBe(0);
	});

	test('a changed timestamp breaks the signature (t is part of the signed payload)', () => {
		expect(() => stripe(`t=${STRIPE_T + 1},v1=${STRIPE_V1}`)).toThrow(SignatureMismatchError);
	});

	test('a body with one byte changed is rejected', () => {
		const tampered = STRIPE_BODY.replace('evt_1', 'evt_2');
		expect(() => stripe(`t=${STRIPE_T},v1=${STRIPE_V1}`, STRIPE_NOW_MS, tampered)).toThrow(
			SignatureMismatchError,
		);
	});

	test('a header 301 s old is rejected with the default 300 s tolerance', () => {
		const error = thrownBy(() => stripe(`t=${STRIPE_T},v1=${STRIPE_V1}`, STRIPE_NOW_MS + 301_000));
		expect(error).toBeInstanceOf(TimestampOutsideToleranceError);
		expect((error as TimestampOutsideToleranceError).toleranceSeconds).toBe(300);
	});

	test('a header dated 301 s in the future is rejected', () => {
		expect(() => stripe(`t=${STRIPE_T},v1=${STRIPE_V1}`, STRIPE_NOW_MS - 301_000)).toThrow(
			TimestampOutsideToleranceError,
		);
	});

	test('an already-parsed event object is refused', () => {
		const parsed = JSON.parse(STRIPE_BODY) as unknown as RawBody;
		expect(() => stripe(`t=${STRIPE_T},v1=${STRIPE_V1}`, STRIPE_NOW_MS, parsed)).toThrow(
			RawBodyMissingError,
		);
	});
});

describe('error types', () => {
	test('every failure mode has its own class and reason code, all WebhookSignatureErrors', () => {
		const errors: WebhookSignatureError[] = [
			new SecretMissingError(),
			new RawBodyMissingError(false),
			new SignatureHeaderMissingError('X-Signature'),
			new SignatureHeaderMalformedError('X-Signature', 'sha256=<signature>'),
			new SignatureMismatchError('X-Signature', 1),
			new TimestampInvalidError('X-Timestamp header', true),
			new TimestampOutsideToleranceError(301, 300),
		];
		for (const error of errors) expect(error).toBeInstanceOf(WebhookSignatureError);
		expect(new Set(errors.map((error) => error.reason)).size).toBe(errors.length);
		expect(new Set(errors.map((error) => error.name)).size).toBe(errors.length);
	});
});
