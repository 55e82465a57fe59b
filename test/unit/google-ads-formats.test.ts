import { googleConsent, googleConversionDateTime, googleCustomerId, googleResourceName, singleClickId } from '../../lib/googleAds';

describe('conversion date-time "yyyy-mm-dd hh:mm:ss+|-hh:mm"', () => {
	it('writes UTC with +00:00', () => {
		expect(googleConversionDateTime('2026-11-25T14:30:00Z', 'UTC')).toBe('2026-11-25 14:30:00+00:00');
	});

	it('uses the summer offset in Nicosia in July and the winter offset in January', () => {
		expect(googleConversionDateTime('2026-07-01T09:00:00Z', 'Europe/Nicosia')).toBe('2026-07-01 12:00:00+03:00');
		expect(googleConversionDateTime('2026-01-15T09:00:00Z', 'Europe/Nicosia')).toBe('2026-01-15 11:00:00+02:00');
	});

	it('switches offset at the very DST change (EU, last Sunday of October, 01:00 UTC)', () => {
		expect(googleConversionDateTime('2026-10-25T00:59:59Z', 'Europe/Nicosia')).toBe('2026-10-25 03:59:59+03:00');
		expect(googleConversionDateTime('2026-10-25T01:00:00Z', 'Europe/Nicosia')).toBe('2026-10-25 03:00:00+02:00');
	});

	it('writes negative offsets, e.g. New York in winter', () => {
		expect(googleConversionDateTime('2026-01-15T17:00:00Z', 'America/New_York')).toBe('2026-01-15 12:00:00-05:00');
	});

	it('reads an input time with its own offset as that instant', () => {
		expect(googleConversionDateTime('2026-07-01T12:00:00+03:00', 'UTC')).toBe('2026-07-01 09:00:00+00:00');
	});

	it('names the field for an unreadable time or an unknown zone', () => {
		expect(() => googleConversionDateTime('yesterday', 'UTC')).toThrow(/"Conversion Time": .*ISO-8601/);
		expect(() => googleConversionDateTime('2026-07-01T12:00:00Z', 'Mars/Olympus')).toThrow(/"Time Zone": .*IANA/);
	});
});

describe('the single click id', () => {
	it('takes the one that is set, unaltered', () => {
		expect(singleClickId({ gclid: '', gbraid: 'GbRaId_123', wbraid: '' }, true)).toEqual({ kind: 'gbraid', id: 'GbRaId_123' });
	});

	it('refuses two click ids in one row', () => {
		expect(() => singleClickId({ gclid: 'abc', wbraid: 'def' }, true)).toThrow(/only one of GCLID, GBRAID and WBRAID.*gclid and wbraid/);
	});

	it('requires one when asked, and allows none otherwise', () => {
		expect(() => singleClickId({}, true)).toThrow(/"GCLID": one of GCLID, GBRAID or WBRAID is required/);
		expect(singleClickId({ gclid: ' ' }, false)).toBeUndefined();
	});
});

describe('customer ids, resource names and consent', () => {
	it('accepts a customer id with hyphens', () => {
		expect(googleCustomerId('123-456-7890')).toBe('1234567890');
		expect(() => googleCustomerId('12345')).toThrow(/"Customer ID": must be a Google Ads customer id of 10 digits/);
	});

	it('builds a conversion action resource name from an id and checks a full one', () => {
		expect(googleResourceName('1234567890', 'conversionActions', '111111', 'Conversion Action')).toBe('customers/1234567890/conversionActions/111111');
		expect(() => googleResourceName('1234567890', 'conversionActions', 'customers/9999999999/conversionActions/1', 'Conversion Action')).toThrow(/belongs to customer 9999999999/);
	});

	it('reads consent from Google words or booleans', () => {
		expect(googleConsent('granted', 'Consent')).toBe('GRANTED');
		expect(googleConsent(false, 'Consent')).toBe('DENIED');
		expect(googleConsent('', 'Consent')).toBeUndefined();
		expect(() => googleConsent('maybe', 'Ad User Data Consent')).toThrow(/"Ad User Data Consent": must be GRANTED or DENIED/);
	});
});
