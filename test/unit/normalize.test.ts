import { hashIdentifier, normalizeIdentifier, sha256Hex, toE164 } from '../../lib/normalize';

describe('phone numbers to E.164', () => {
	it('keeps an international number written with + or 00', () => {
		expect(toE164('+357 99 123 456')).toBe('+35799123456');
		expect(toE164('00357-99-123456')).toBe('+35799123456');
	});

	it('adds the default calling code to a national number and drops its trunk zero', () => {
		expect(toE164('07700 900123', '44')).toBe('+447700900123');
		expect(toE164('(650) 555-1212', '+1')).toBe('+16505551212');
	});

	it('keeps a country code stored without "+"', () => {
		expect(toE164('35799123456', '357')).toBe('+35799123456');
	});

	it('explains a national number without a default calling code', () => {
		expect(() => toE164('099123456')).toThrow(/has no country code/);
	});

	it('rejects letters and impossible lengths', () => {
		expect(() => toE164('call me', '357')).toThrow(/contains letters/);
		expect(() => toE164('+1234', '357')).toThrow(/not a valid international phone number/);
		expect(() => toE164('+1234567890123456')).toThrow(/16 digits/);
	});
});

describe('normalising identifiers before hashing', () => {
	it('hashes an e-mail as Meta documents (trim, lower case)', () => {
		// Meta's example: John_Smith@gmail.com → john_smith@gmail.com → 62a14e44…f62f (reference/ads.md §1.3).
		const hash = hashIdentifier('email', '  John_Smith@gmail.com ', 'meta');
		expect(hash.startsWith('62a14e44')).toBe(true);
		expect(hash.endsWith('f62f')).toBe(true);
	});

	it('hashes a phone as Meta documents (digits with country code, no +)', () => {
		// Meta's example: (650)555-1212 → 16505551212 → e323ec62…3176.
		expect(normalizeIdentifier('phone', '(650)555-1212', 'meta', '1')).toBe('16505551212');
		const hash = hashIdentifier('phone', '(650)555-1212', 'meta', '1');
		expect(hash.startsWith('e323ec62')).toBe(true);
		expect(hash.endsWith('3176')).toBe(true);
	});

	it('writes phones for Google in E.164 with +', () => {
		expect(normalizeIdentifier('phone', '(650)555-1212', 'google', '1')).toBe('+16505551212');
	});

	it('removes dots before the domain of gmail addresses for Google only', () => {
		expect(normalizeIdentifier('email', 'Jane.Doe@GMail.com', 'google')).toBe('janedoe@gmail.com');
		expect(normalizeIdentifier('email', 'Jane.Doe@GMail.com', 'meta')).toBe('jane.doe@gmail.com');
		expect(normalizeIdentifier('email', 'jane.doe@example.com', 'google')).toBe('jane.doe@example.com');
	});

	it('lower-cases names and strips punctuation but keeps accented letters', () => {
		expect(normalizeIdentifier('firstName', "Valéry-O'Neil", 'meta')).toBe('valéryoneil');
	});

	it('normalises country, date of birth, zip and gender', () => {
		expect(normalizeIdentifier('country', 'CY', 'meta')).toBe('cy');
		expect(normalizeIdentifier('dateOfBirth', '1990-04-01', 'meta')).toBe('19900401');
		expect(normalizeIdentifier('zip', '94025-1234', 'meta')).toBe('94025');
		expect(normalizeIdentifier('gender', 'Female', 'meta')).toBe('f');
		expect(() => normalizeIdentifier('country', 'Cyprus', 'meta')).toThrow(/two-letter/);
	});

	it('does not hash a value that is already a SHA-256 digest', () => {
		const digest = sha256Hex('someone@example.com');
		expect(hashIdentifier('email', digest, 'meta')).toBe(digest);
	});

	it('produces the SHA-256 of the empty string as the known constant', () => {
		expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	});
});
