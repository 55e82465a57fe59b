/**
 * Google Ads' own formats, pure and unit-tested: the conversion date-time with its offset, the
 * single click id, customer ids and resource names, and user identifiers hashed as Google asks
 * (normalisation and SHA-256 live in lib/normalize.ts with destination "google").
 * Sources: ../shared/reference/ads.md §3.2–3.4.
 */
import { DateTime, IANAZone } from 'luxon';

import { attempt, FieldError } from './errors';
import { hashIdentifier, NormalizeError } from './normalize';
import { toUtcDateTime } from './time';

export type ClickIdKind = 'gclid' | 'gbraid' | 'wbraid';
export const CLICK_ID_KINDS: readonly ClickIdKind[] = ['gclid', 'gbraid', 'wbraid'];

/**
 * "Must be after the click time. The timezone must be specified. The format is
 * `yyyy-mm-dd hh:mm:ss+|-hh:mm`" (ClickConversion.conversion_date_time). The instant is written in
 * `timeZone` so the offset is the one in force at that instant (DST included).
 */
export function googleConversionDateTime(instant: string | Date | DateTime, timeZone: string, field = 'Conversion Time'): string {
	const zone = timeZone.trim() || 'UTC';
	if (zone !== 'UTC' && !IANAZone.isValidZone(zone)) {
		throw new FieldError('Time Zone', `"${timeZone}" is not an IANA time zone such as Europe/Nicosia or UTC`);
	}
	const utc = attempt(() => toUtcDateTime(instant));
	if (!utc.ok) throw new FieldError(field, utc.error.message);
	return utc.value.setZone(zone).toFormat('yyyy-MM-dd HH:mm:ssZZ');
}

/** The one click id of a conversion: Google takes at most one of gclid, gbraid, wbraid. Kept exactly as received (case-sensitive). */
export function singleClickId(ids: Partial<Record<ClickIdKind, string>>, required: boolean): { kind: ClickIdKind; id: string } | undefined {
	const present = CLICK_ID_KINDS.filter((kind) => (ids[kind] ?? '').trim() !== '');
	if (present.length > 1) {
		throw new FieldError(present.map((k) => k.toUpperCase()).join(' / '), `only one of GCLID, GBRAID and WBRAID may be set; this row has ${present.join(' and ')}`);
	}
	if (present.length === 0) {
		if (required) throw new FieldError('GCLID', 'one of GCLID, GBRAID or WBRAID is required (the click id captured at landing)');
		return undefined;
	}
	const kind = present[0];
	const id = (ids[kind] ?? '').trim();
	if (/\s/.test(id)) throw new FieldError(kind.toUpperCase(), `"${id}" contains spaces; click ids must be sent exactly as captured`);
	return { kind, id };
}

/** "123-456-7890" or "1234567890" → "1234567890". */
export function googleCustomerId(value: string, field = 'Customer ID'): string {
	const digits = value.trim().replace(/-/g, '');
	if (!/^\d{10}$/.test(digits)) throw new FieldError(field, `must be a Google Ads customer id of 10 digits, e.g. 123-456-7890; it is "${value}"`);
	return digits;
}

/** An id ("987654") or a resource name ("customers/1234567890/conversionActions/987654") → the resource name. */
export function googleResourceName(customerId: string, collection: 'conversionActions' | 'userLists', value: string, field: string): string {
	const text = value.trim();
	const full = new RegExp(`^customers/(\\d{10})/${collection}/(\\d+)$`).exec(text);
	if (full) {
		if (full[1] !== customerId) throw new FieldError(field, `belongs to customer ${full[1]}, not to ${customerId}`);
		return text;
	}
	if (!/^\d+$/.test(text)) throw new FieldError(field, `must be a numeric id or customers/<id>/${collection}/<id>; it is "${value}"`);
	return `customers/${customerId}/${collection}/${text}`;
}

export type GoogleConsentStatus = 'GRANTED' | 'DENIED';

/** Consent as Google's ConsentStatus; empty means "not sent" (Google then treats it as unspecified). */
export function googleConsent(value: unknown, field: string): GoogleConsentStatus | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value ? 'GRANTED' : 'DENIED';
	const text = String(value).trim().toUpperCase();
	if (text === '' || text === 'UNSPECIFIED') return undefined;
	if (text === 'GRANTED' || text === 'TRUE') return 'GRANTED';
	if (text === 'DENIED' || text === 'FALSE') return 'DENIED';
	throw new FieldError(field, `must be GRANTED or DENIED (or true/false); it is "${String(value)}"`);
}

export interface ContactIdentifiers {
	email?: string;
	phone?: string;
	/** For national phone numbers, e.g. "357". */
	defaultCallingCode?: string;
}

/** Google's UserIdentifier objects: one field each, SHA-256 of the value normalised as Google specifies. */
export function googleUserIdentifiers(contact: ContactIdentifiers): Array<{ hashedEmail: string } | { hashedPhoneNumber: string }> {
	const identifiers: Array<{ hashedEmail: string } | { hashedPhoneNumber: string }> = [];
	const hash = (kind: 'email' | 'phone', value: string, field: string) => {
		const hashed = attempt(() => hashIdentifier(kind, value, 'google', contact.defaultCallingCode));
		if (hashed.ok) return hashed.value;
		throw hashed.error instanceof NormalizeError ? new FieldError(field, hashed.error.message) : hashed.error;
	};
	if (contact.email?.trim()) identifiers.push({ hashedEmail: hash('email', contact.email, 'Email') });
	if (contact.phone?.trim()) identifiers.push({ hashedPhoneNumber: hash('phone', contact.phone, 'Phone') });
	return identifiers;
}

export interface AddressIdentifiers {
	firstName?: string;
	lastName?: string;
	countryCode?: string;
	postalCode?: string;
}

/**
 * Customer Match's address: hashed first and last name, with country code (ISO alpha-2) and postal
 * code in clear; Google matches an address only when all four are present (reference §3.4).
 */
export function googleAddressInfo(address: AddressIdentifiers): { hashedFirstName: string; hashedLastName: string; countryCode: string; postalCode: string } | undefined {
	const given = (['firstName', 'lastName', 'countryCode', 'postalCode'] as const).filter((k) => (address[k] ?? '').trim() !== '');
	if (given.length === 0) return undefined;
	const labels = { firstName: 'First Name', lastName: 'Last Name', countryCode: 'Country Code', postalCode: 'Postal Code' } as const;
	if (given.length < 4) {
		const missing = (Object.keys(labels) as Array<keyof typeof labels>).filter((k) => !given.includes(k)).map((k) => labels[k]);
		throw new FieldError(missing[0], `Google matches an address only with first name, last name, country code and postal code together; missing ${missing.join(', ')}`);
	}
	const country = address.countryCode!.trim().toUpperCase();
	if (!/^[A-Z]{2}$/.test(country)) throw new FieldError('Country Code', `must be a two-letter ISO country code such as CY; it is "${address.countryCode}"`);
	return {
		hashedFirstName: hashIdentifier('firstName', address.firstName!, 'google'),
		hashedLastName: hashIdentifier('lastName', address.lastName!, 'google'),
		countryCode: country,
		postalCode: address.postalCode!.trim(),
	};
}
