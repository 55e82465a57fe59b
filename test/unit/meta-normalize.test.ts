/**
 * Meta's documented normalisation examples (reference/ads.md §1.3, M-CIP; §2 for audience keys).
 * Expected hashes are computed here with node:crypto from the documented normalised strings, and
 * checked against the digest fragments Meta prints where it prints them.
 */
import { createHash } from 'node:crypto';

import { buildAudienceRow, buildServerEvent } from '../../lib/metaConversions';
import { hashIdentifier, hashMetaAudienceValue, META_USER_DATA_KEY, normalizeIdentifier } from '../../lib/normalize';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const NOW_MS = Date.parse('2026-11-26T09:00:00Z');

describe("Meta's documented normalisation before SHA-256", () => {
	it('e-mail: John_Smith@gmail.com → john_smith@gmail.com → 62a14e44…f62f', () => {
		expect(normalizeIdentifier('email', ' John_Smith@gmail.com ', 'meta')).toBe('john_smith@gmail.com');
		const hash = hashIdentifier('email', ' John_Smith@gmail.com ', 'meta');
		expect(hash).toBe(sha256('john_smith@gmail.com'));
		expect(hash).toMatch(/^62a14e44[a-f0-9]{52}f62f$/);
	});

	it('phone: (650)555-1212 with country code 1 → 16505551212 (no +) → e323ec62…3176', () => {
		expect(normalizeIdentifier('phone', '+1 (650)555-1212', 'meta')).toBe('16505551212');
		const hash = hashIdentifier('phone', '(650)555-1212', 'meta', '1');
		expect(hash).toBe(sha256('16505551212'));
		expect(hash).toMatch(/^e323ec62[a-f0-9]{52}3176$/);
	});

	it('phone: a hashed "+" form never matches, so the + is never hashed', () => {
		expect(hashIdentifier('phone', '+16505551212', 'meta')).not.toBe(sha256('+16505551212'));
	});

	it('first name: Valéry → valéry, hashed as UTF-8', () => {
		expect(normalizeIdentifier('firstName', 'Valéry', 'meta')).toBe('valéry');
		expect(hashIdentifier('firstName', 'Valéry', 'meta')).toBe(sha256('valéry'));
	});

	it('city: Menlo Park → menlopark', () => {
		expect(hashIdentifier('city', 'Menlo Park', 'meta')).toBe(sha256('menlopark'));
	});

	it('country: US → us; zip: 94025-1234 → 94025; date of birth → YYYYMMDD; gender → f/m', () => {
		expect(hashIdentifier('country', 'US', 'meta')).toBe(sha256('us'));
		expect(hashIdentifier('zip', '94025-1234', 'meta')).toBe(sha256('94025'));
		expect(hashIdentifier('dateOfBirth', '1990-04-01', 'meta')).toBe(sha256('19900401'));
		expect(hashIdentifier('gender', 'Male', 'meta')).toBe(sha256('m'));
	});

	it('maps every identifier to its user_data key', () => {
		expect(Object.values(META_USER_DATA_KEY).sort()).toEqual(['country', 'ct', 'db', 'em', 'external_id', 'fn', 'ge', 'ln', 'ph', 'st', 'zp']);
	});

	it('audience date-of-birth columns are year, month and day, each hashed', () => {
		expect(hashMetaAudienceValue('DOBY', '1990-04-01')).toBe(sha256('1990'));
		expect(hashMetaAudienceValue('DOBM', '1990-04-01')).toBe(sha256('04'));
		expect(hashMetaAudienceValue('DOBD', '1990-04-01')).toBe(sha256('01'));
		expect(hashMetaAudienceValue('FI', 'Valéry')).toBe(sha256('v'));
	});
});

describe('a server event built for the Conversions API', () => {
	const base = {
		eventName: 'Purchase',
		eventId: 'ftd:client-1',
		eventTime: '2026-11-26T08:30:00Z',
		actionSource: 'system_generated',
		identifiers: { email: 'John_Smith@gmail.com', phone: '+1 (650) 555-1212', country: 'US', externalId: 'client-1' },
		value: '250.00',
		currency: 'usd',
	};

	it('hashes identifiers and sends IP, user agent, fbc and fbp exactly as captured', () => {
		const built = buildServerEvent(
			{ ...base, fbc: 'fb.1.1554763741205.AbCdEf', fbp: 'fb.1.1596403881668.1116446470', clientIpAddress: '203.0.113.7', clientUserAgent: 'Mozilla/5.0' },
			NOW_MS,
		);
		if (!built.ok) throw new Error(built.errors.map((e) => e.message).join('; '));
		const { user_data: userData, event_time: time, custom_data: custom } = built.value.event;
		expect(userData).toEqual({
			em: sha256('john_smith@gmail.com'),
			ph: sha256('16505551212'),
			country: sha256('us'),
			external_id: sha256('client-1'),
			fbc: 'fb.1.1554763741205.AbCdEf',
			fbp: 'fb.1.1596403881668.1116446470',
			client_ip_address: '203.0.113.7',
			client_user_agent: 'Mozilla/5.0',
		});
		expect(time).toBe(Date.parse('2026-11-26T08:30:00Z') / 1000);
		expect(custom).toEqual({ value: 250, currency: 'USD' });
		expect(built.value.conversion).toMatchObject({ eventId: 'ftd:client-1', value: { amount: '250.00', currency: 'USD' }, destination: 'meta', consent: true });
	});

	it('refuses an fbc that was hashed by mistake, naming the field', () => {
		const built = buildServerEvent({ ...base, fbc: sha256('fb.1.1554763741205.AbCdEf') }, NOW_MS);
		expect(built.ok).toBe(false);
		if (!built.ok) expect(built.errors[0].message).toMatch(/^"Click ID \(fbc\)": looks hashed/);
	});

	it('refuses an event older than 7 days, and one in the future', () => {
		const old = buildServerEvent({ ...base, eventTime: '2026-11-18T09:00:00Z' }, NOW_MS);
		expect(old.ok).toBe(false);
		if (!old.ok) expect(old.errors[0].message).toMatch(/"Event Time": .*more than 7 days ago/);
		const future = buildServerEvent({ ...base, eventTime: '2026-11-26T10:00:00Z' }, NOW_MS);
		if (!future.ok) expect(future.errors[0].message).toMatch(/in the future/);
		expect(future.ok).toBe(false);
	});

	it('needs value and currency for a Purchase, and URL and user agent for a website event', () => {
		const purchase = buildServerEvent({ ...base, value: '', currency: '' }, NOW_MS);
		expect(purchase.ok ? [] : purchase.errors.map((e) => e.field)).toEqual(['Value', 'Currency']);
		const web = buildServerEvent({ ...base, actionSource: 'website' }, NOW_MS);
		expect(web.ok ? [] : web.errors.map((e) => e.field)).toEqual(['Event Source URL', 'Client User Agent']);
	});

	it('reads Unix seconds and milliseconds as the same instant', () => {
		const seconds = buildServerEvent({ ...base, eventTime: 1795681800 }, NOW_MS);
		const millis = buildServerEvent({ ...base, eventTime: '1795681800000' }, NOW_MS);
		expect(seconds.ok && millis.ok && seconds.value.event.event_time === millis.value.event.event_time).toBe(true);
	});
});

describe('a Custom Audience row', () => {
	it('is hashed in schema order with "" for an unknown value', () => {
		const built = buildAudienceRow(['EMAIL', 'PHONE', 'COUNTRY'], { email: 'a@example.com', country: 'CY' });
		expect(built).toEqual({ ok: true, value: [sha256('a@example.com'), '', sha256('cy')] });
	});

	it('names the column whose value cannot be normalised', () => {
		const built = buildAudienceRow(['EMAIL', 'PHONE'], { email: 'not-an-email', phone: '+35799123456' });
		expect(built.ok).toBe(false);
		if (!built.ok) expect(built.errors.map((e) => e.field)).toEqual(['Email']);
	});
});
