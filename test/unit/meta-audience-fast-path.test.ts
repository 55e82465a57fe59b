/**
 * The audience sync's fast paths (lib/normalize.ts) against the rules they stand in for: the
 * single-pass phone digits against the regex version they replaced, the per-column audience
 * hashing against normalizeIdentifier + SHA-256, and the digest caches against hashing afresh,
 * including that the caches stay within the bounds documented beside them.
 */
import { createHash } from 'node:crypto';

import { buildAudienceRow } from '../../lib/metaConversions';
import {
	AUDIENCE_DIGEST_CACHE_LIMIT,
	audienceDigestCacheSizes,
	hashAudienceText,
	hashMetaAudienceValue,
	META_AUDIENCE_KEYS,
	META_AUDIENCE_SOURCE,
	normalizeIdentifier,
	toE164,
	type MetaAudienceKey,
} from '../../lib/normalize';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** toE164 as it was written before the single pass (regex letter test and replace), as the oracle. */
function regexToE164(input: string, defaultCallingCode?: string): string {
	const text = input.trim();
	if (!text) throw new Error('is empty, expected a phone number');
	if (/[a-z]/i.test(text) && /[a-z]/i.test(text.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
		throw new Error(`"${input}" is not a phone number (it contains letters)`);
	}
	let digits: string;
	if (text.startsWith('+')) digits = text.slice(1).replace(/\D/g, '');
	else if (text.startsWith('00')) digits = text.replace(/\D/g, '').slice(2);
	else {
		const code = (defaultCallingCode ?? '').replace(/\D/g, '');
		if (!code) throw new Error(`"${input}" has no country code; write it with + or set a default calling code`);
		const national = text.replace(/\D/g, '').replace(/^0+/, '');
		digits = national.startsWith(code) && national.length > 10 ? national : code + national;
	}
	if (digits.length < 8 || digits.length > 15) {
		throw new Error(`"${input}" is not a valid international phone number (${digits.length} digits)`);
	}
	return `+${digits}`;
}

/** The value, or the message it is refused with, so outcomes compare whether or not they throw. */
function outcome(run: () => string): string {
	try {
		return `ok:${run()}`;
	} catch (error) {
		return `error:${(error as Error).message}`;
	}
}

/** A small deterministic generator, so a failing case can be reproduced. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};
}

const PHONES = [
	'+357 99 123 456',
	'+357-99-123456',
	'00357 99 123 456',
	'0035799123456',
	'099 123 456',
	'35799123456',
	'(650) 555-1212',
	'+1 (650) 555-1212 ext. 12',
	'+1 650 555 1212 x 7',
	'+1 650 555 1212 ext12',
	'+1 650 CALL NOW',
	'call me',
	'+44 7700 900123',
	'+٣٥٧ 99 123 456',
	'+３５７ 99 123 456',
	'+357\u00a099\u2003123\u3000456',
	'+357 99 123 456 😀',
	'+1234',
	'+1234567890123456',
	'  +357 99 123 456  ',
	'+',
	'00',
	'0',
	'',
	'   ',
	'+357.99.123.456',
	'+357/99/123/456',
	'0044 (0) 7700 900123',
	'7700900123',
	'+a1234567890',
	'+12345678901x',
	'+357 99 123 456 z',
	'+357 99 123 456 Z',
];

describe('phone digits in one pass', () => {
	it('gives what the regex version gave, number or refusal, for awkward numbers', () => {
		for (const phone of PHONES) {
			for (const code of [undefined, '357', '+44', '1', 'x']) {
				expect([phone, code, outcome(() => toE164(phone, code))]).toEqual([phone, code, outcome(() => regexToE164(phone, code))]);
			}
		}
	});

	it('gives what the regex version gave for random strings of phone-like characters, and hashes that', () => {
		const next = random(9);
		const alphabet = ['0', '1', '3', '5', '7', '9', ' ', '+', '-', '(', ')', '.', 'x', 'e', 't', 'A', 'a', 'Z', 'z', '@', '[', '`', '{', '\t', '٣', '７', '\u00a0', 'é'];
		for (let n = 0; n < 5000; n++) {
			let phone = '';
			const length = Math.floor(next() * 20);
			for (let i = 0; i < length; i++) phone += alphabet[Math.floor(next() * alphabet.length)];
			if (next() < 0.3) phone = `+${phone}`;
			else if (next() < 0.2) phone = `00${phone}`;
			expect([phone, outcome(() => toE164(phone, '357'))]).toEqual([phone, outcome(() => regexToE164(phone, '357'))]);
			// The audience column hashes "+" and "00" numbers straight from their digits' bytes.
			expect([phone, outcome(() => hashMetaAudienceValue('PHONE', phone, '357'))]).toEqual([phone, outcome(() => sha256(regexToE164(phone.trim(), '357').slice(1)))]);
		}
	});

	it('hashes the Meta form (no "+") of the same number', () => {
		for (const phone of PHONES) {
			const expected = outcome(() => sha256(regexToE164(phone.trim(), '357').slice(1)));
			expect([phone, outcome(() => hashMetaAudienceValue('PHONE', phone, '357'))]).toEqual([phone, expected]);
		}
	});
});

/** hashMetaAudienceValue the long way round: the general normaliser, then the column's part, then SHA-256. */
function slowAudienceHash(key: MetaAudienceKey, value: string, defaultCallingCode?: string): string {
	const text = value.trim();
	if (/^[a-f0-9]{64}$/.test(text)) return text;
	const normalized = normalizeIdentifier(META_AUDIENCE_SOURCE[key], text, 'meta', defaultCallingCode);
	if (key === 'DOBY') return sha256(normalized.slice(0, 4));
	if (key === 'DOBM') return sha256(normalized.slice(4, 6));
	if (key === 'DOBD') return sha256(normalized.slice(6, 8));
	if (key === 'FI') return sha256(Array.from(normalized)[0] ?? '');
	return sha256(normalized);
}

const VALUES = [
	' Client.1@Example1.com ',
	'JOHN_SMITH@GMAIL.COM',
	'not-an-email',
	'a@b',
	'a@b.c',
	'a@.bc',
	'@b.co',
	'a b@c.de',
	'a@b@c.de',
	'Émile@Exämple.fr',
	'a\u00a0b@c.de',
	'+357 99 123 456',
	'00357 99 123 456',
	'CY',
	'cy',
	'Cy',
	'\u212aY',
	'C',
	'CYP',
	'C1',
	'ÇY',
	'Male',
	'female',
	'F',
	'x',
	'1990-04-01',
	'19900401',
	'1990/04/01',
	'Valéry',
	"O'Neil",
	'Menlo Park',
	'94025-1234',
	'NY',
	'c-1',
	sha256('already hashed'),
	sha256('already hashed').toUpperCase(),
	'  ',
];

describe('audience columns', () => {
	it('hash as the general normaliser plus SHA-256 does, for every column and awkward values', () => {
		for (const key of META_AUDIENCE_KEYS) {
			for (const value of VALUES) {
				// Twice: the second call of a cached column is answered from its cache.
				for (let pass = 0; pass < 2; pass++) {
					expect([key, value, outcome(() => hashMetaAudienceValue(key, value, '357'))]).toEqual([key, value, outcome(() => slowAudienceHash(key, value, '357'))]);
				}
				expect(outcome(() => hashAudienceText(key, value.trim(), '357'))).toEqual(outcome(() => hashMetaAudienceValue(key, value, '357')));
			}
		}
	});

	it('give cached country digests equal to a fresh SHA-256 of the lower-case code', () => {
		const first = hashMetaAudienceValue('COUNTRY', 'GR');
		expect(hashMetaAudienceValue('COUNTRY', 'GR')).toBe(first);
		expect(first).toBe(sha256('gr'));
		expect(hashMetaAudienceValue('COUNTRY', 'gr')).toBe(first);
		expect(hashMetaAudienceValue('COUNTRY', ' Gr ')).toBe(first);
		expect(hashMetaAudienceValue('COUNTRY', '\u212aY')).toBe(sha256('ky'));
	});

	it('do not cache refused values: they are refused again, the same way', () => {
		const before = audienceDigestCacheSizes();
		for (let pass = 0; pass < 2; pass++) {
			expect(() => hashMetaAudienceValue('COUNTRY', 'Cyprus')).toThrow('"Cyprus" is not a two-letter ISO country code');
			expect(() => hashMetaAudienceValue('GEN', 'x')).toThrow(/not a gender/);
			expect(() => hashMetaAudienceValue('DOBY', '1990')).toThrow(/not a date/);
		}
		expect(audienceDigestCacheSizes()).toEqual(before);
	});

	it('keep their caches within the bounds the rules allow, however many values come', () => {
		const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u212a';
		for (const a of letters) for (const b of letters) hashMetaAudienceValue('COUNTRY', a + b);
		for (let n = 0; n < 3000; n++) {
			hashMetaAudienceValue('GEN', `${n % 2 ? 'F' : 'm'}-${n}`);
			const date = `${String(1000 + ((n * 7919) % 9000)).padStart(4, '0')}-${String(n % 100).padStart(2, '0')}-${String((n * 3) % 100).padStart(2, '0')}`;
			for (const key of ['DOBY', 'DOBM', 'DOBD'] as const) hashMetaAudienceValue(key, date);
		}
		const sizes = audienceDigestCacheSizes();
		expect(sizes.COUNTRY).toBe(letters.length * letters.length);
		expect(sizes.COUNTRY).toBeLessThanOrEqual(53 * 53);
		expect(sizes.GEN).toBe(2);
		expect(sizes.DOBY).toBeLessThanOrEqual(10_000);
		expect(sizes.DOBM).toBe(100);
		expect(sizes.DOBD).toBe(100);
		for (const size of Object.values(sizes)) expect(size).toBeLessThanOrEqual(AUDIENCE_DIGEST_CACHE_LIMIT);
	});
});

describe('an audience row built on the fast path', () => {
	it('is the column hashes in schema order, with "" for unknown values', () => {
		const identifiers = { email: ' Client.7@Example7.com ', phone: '+357 99 123 456', country: 'CY', externalId: ' c-7 ', dateOfBirth: '1990-04-01' };
		const schema: MetaAudienceKey[] = ['EMAIL', 'PHONE', 'COUNTRY', 'EXTERN_ID', 'DOBY', 'DOBM', 'DOBD', 'FN'];
		expect(buildAudienceRow(schema, identifiers)).toEqual({
			ok: true,
			value: [sha256('client.7@example7.com'), sha256('35799123456'), sha256('cy'), sha256('c-7'), sha256('1990'), sha256('04'), sha256('01'), ''],
		});
	});

	it('reports a refused column once, even when it feeds several keys', () => {
		const built = buildAudienceRow(['EMAIL', 'DOBY', 'DOBM', 'COUNTRY'], { email: 'a@example.com', dateOfBirth: 'soon', country: 'Cyprus' });
		expect(built.ok).toBe(false);
		if (!built.ok) expect(built.errors.map((e) => e.message)).toEqual(['"Date of Birth": "soon" is not a date (expected YYYY-MM-DD)', '"Country": "Cyprus" is not a two-letter ISO country code']);
	});

	it('refuses a row with none of the columns', () => {
		const built = buildAudienceRow(['EMAIL', 'PHONE'], { country: 'CY' });
		expect(built.ok).toBe(false);
		if (!built.ok) expect(built.errors.map((e) => e.field)).toEqual(['User Data']);
	});
});
