/**
 * Google's normalisation before SHA-256 (reference/ads.md §3.3): trim, lower case, phone in E.164
 * with "+", dots removed before the domain of gmail.com / googlemail.com addresses. The expected
 * digests are computed here with node:crypto from the normalised strings Google's docs give, not
 * with the code under test.
 */
import { createHash } from 'node:crypto';

import { googleAddressInfo, googleUserIdentifiers } from '../../lib/googleAds';
import { hashIdentifier, normalizeIdentifier } from '../../lib/normalize';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('Google normalisation of identifiers before hashing', () => {
	it('trims and lower-cases an e-mail', () => {
		expect(normalizeIdentifier('email', '  JohnDoe@Example.com ', 'google')).toBe('johndoe@example.com');
		expect(hashIdentifier('email', '  JohnDoe@Example.com ', 'google')).toBe(sha256('johndoe@example.com'));
	});

	it('removes the dots before @gmail.com and @googlemail.com', () => {
		expect(hashIdentifier('email', 'Jane.Doe@gmail.com', 'google')).toBe(sha256('janedoe@gmail.com'));
		expect(hashIdentifier('email', 'j.o.h.n@googlemail.com', 'google')).toBe(sha256('john@googlemail.com'));
	});

	it('keeps the dots of other domains', () => {
		expect(hashIdentifier('email', 'jane.doe@example.com', 'google')).toBe(sha256('jane.doe@example.com'));
	});

	it('writes a phone in E.164 with the plus sign before hashing', () => {
		expect(hashIdentifier('phone', '+1 (800) 555-0100', 'google')).toBe(sha256('+18005550100'));
		expect(hashIdentifier('phone', '099 123 456', 'google', '357')).toBe(sha256('+35799123456'));
	});

	it('sends a value that is already a SHA-256 digest unchanged', () => {
		const digest = sha256('johndoe@example.com');
		expect(googleUserIdentifiers({ email: digest })).toEqual([{ hashedEmail: digest }]);
	});

	it('builds one user identifier per field, e-mail first', () => {
		expect(googleUserIdentifiers({ email: 'Jane.Doe@gmail.com', phone: '+44 7700 900123' })).toEqual([
			{ hashedEmail: sha256('janedoe@gmail.com') },
			{ hashedPhoneNumber: sha256('+447700900123') },
		]);
	});

	it('names the field of a value that cannot be normalised', () => {
		expect(() => googleUserIdentifiers({ phone: '099 123 456' })).toThrow(/"Phone": .*no country code/);
		expect(() => googleUserIdentifiers({ email: 'not-an-address' })).toThrow(/"Email": .*not an e-mail/);
	});

	it('hashes names and keeps country and postal code in clear for a Customer Match address', () => {
		expect(googleAddressInfo({ firstName: ' Jane ', lastName: 'Doe', countryCode: 'cy', postalCode: ' 1010 ' })).toEqual({
			hashedFirstName: sha256('jane'),
			hashedLastName: sha256('doe'),
			countryCode: 'CY',
			postalCode: '1010',
		});
	});

	it('refuses a partial address, naming what is missing', () => {
		expect(() => googleAddressInfo({ firstName: 'Jane', lastName: 'Doe' })).toThrow(/"Country Code": .*missing Country Code, Postal Code/);
	});
});
