/**
 * Normalising personal data the way each destination specifies before SHA-256 hashing, and phone
 * numbers to E.164. Shared by the mapping engine and the ad-platform nodes, so a value is hashed
 * the same way everywhere. Rules and sources: ../shared/reference/ads.md §1.3 (Meta) and the
 * Google enhanced-conversions section.
 */
import { hash } from 'crypto';

export type HashDestination = 'meta' | 'google' | 'plain';
export type IdentifierKind =
	| 'email'
	| 'phone'
	| 'firstName'
	| 'lastName'
	| 'city'
	| 'state'
	| 'zip'
	| 'country'
	| 'dateOfBirth'
	| 'gender'
	| 'externalId';

export const IDENTIFIER_KINDS: readonly IdentifierKind[] = [
	'email',
	'phone',
	'firstName',
	'lastName',
	'city',
	'state',
	'zip',
	'country',
	'dateOfBirth',
	'gender',
	'externalId',
];

/** A value that cannot be normalised; the caller adds the field name. */
export class NormalizeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NormalizeError';
	}
}

const SHA256_HEX = /^[a-f0-9]{64}$/;

export function sha256Hex(value: string): string {
	// One-shot hash: about 2.5× faster than createHash().update().digest() for short values, which
	// matters when an audience sync hashes millions of them.
	return hash('sha256', value, 'hex');
}

/**
 * A phone number in E.164 ("+35799123456"). A number written with "+" or "00" keeps its country
 * code; a national number ("099 123 456") gets `defaultCallingCode` after its trunk zero is dropped.
 */
export function toE164(input: string, defaultCallingCode?: string): string {
	const text = input.trim();
	if (!text) throw new NormalizeError('is empty, expected a phone number');
	// Letters refuse the number, except an extension at its end ("… ext. 12"); test the common
	// case (no letters at all) before paying for the replace.
	if (/[a-z]/i.test(text) && /[a-z]/i.test(text.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
		throw new NormalizeError(`"${input}" is not a phone number (it contains letters)`);
	}
	let digits: string;
	if (text.startsWith('+')) {
		digits = text.slice(1).replace(/\D/g, '');
	} else if (text.startsWith('00')) {
		digits = text.replace(/\D/g, '').slice(2);
	} else {
		const code = (defaultCallingCode ?? '').replace(/\D/g, '');
		if (!code) {
			throw new NormalizeError(
				`"${input}" has no country code; write it with + or set a default calling code`,
			);
		}
		const national = text.replace(/\D/g, '').replace(/^0+/, '');
		// CRMs often store the country code without "+" ("35799123456"); a number that already
		// starts with the default code and is longer than any national number keeps it.
		digits = national.startsWith(code) && national.length > 10 ? national : code + national;
	}
	// E.164: at most 15 digits including the country code; fewer than 8 is never a full number.
	if (digits.length < 8 || digits.length > 15) {
		throw new NormalizeError(`"${input}" is not a valid international phone number (${digits.length} digits)`);
	}
	return `+${digits}`;
}

function normalizeEmail(value: string, destination: HashDestination): string {
	let email = value.trim().toLowerCase();
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw new NormalizeError(`"${value}" is not an e-mail address`);
	}
	if (destination === 'google') {
		// Google: remove dots before the domain for gmail.com and googlemail.com addresses.
		const [local, domain] = email.split('@');
		if (domain === 'gmail.com' || domain === 'googlemail.com') {
			email = `${local.replace(/\./g, '')}@${domain}`;
		}
	}
	return email;
}

/** The value as the destination wants it just before hashing. */
export function normalizeIdentifier(
	kind: IdentifierKind,
	value: string,
	destination: HashDestination,
	defaultCallingCode?: string,
): string {
	const text = String(value).trim();
	switch (kind) {
		case 'email':
			return normalizeEmail(text, destination);
		case 'phone': {
			const e164 = toE164(text, defaultCallingCode);
			// Meta: digits with country code, no "+"; Google: E.164 with "+".
			return destination === 'meta' ? e164.slice(1) : e164;
		}
		case 'firstName':
		case 'lastName':
			// Lower case, no punctuation; letters outside a-z stay as UTF-8 (Meta: "Valéry" → "valéry").
			return text.toLowerCase().replace(/[\p{P}\p{S}]/gu, '').replace(/\s+/g, destination === 'meta' ? '' : ' ');
		case 'city':
			return text.toLowerCase().replace(/[\s\p{P}\d]/gu, '');
		case 'state':
			return text.toLowerCase().replace(/[\s\p{P}]/gu, '');
		case 'zip':
			return text.toLowerCase().replace(/\s/g, '').split('-')[0];
		case 'country': {
			const code = text.toLowerCase();
			if (!/^[a-z]{2}$/.test(code)) {
				throw new NormalizeError(`"${value}" is not a two-letter ISO country code`);
			}
			return code;
		}
		case 'dateOfBirth': {
			const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(text);
			if (!match) throw new NormalizeError(`"${value}" is not a date (expected YYYY-MM-DD)`);
			return `${match[1]}${match[2]}${match[3]}`;
		}
		case 'gender': {
			const letter = text.toLowerCase().charAt(0);
			if (letter !== 'f' && letter !== 'm') {
				throw new NormalizeError(`"${value}" is not a gender Meta accepts (f or m)`);
			}
			return letter;
		}
		case 'externalId':
			return text;
	}
}

/**
 * Normalise then SHA-256 (lowercase hex). A value that is already a SHA-256 hex digest is passed
 * through, as Meta's own SDK does, so a pre-hashed CRM column is not hashed twice.
 */
export function hashIdentifier(
	kind: IdentifierKind,
	value: string,
	destination: HashDestination,
	defaultCallingCode?: string,
): string {
	const text = String(value).trim();
	if (isSha256Hex(text)) return text;
	return sha256Hex(normalizeIdentifier(kind, text, destination, defaultCallingCode));
}

// ---------------------------------------------------------------------------------------------
// Meta's own key names for the same identifiers (reference/ads.md §1.3 and §2), so the
// Conversions API `user_data` and Custom Audience `payload.schema` are built from one table.

/** Conversions API `user_data` keys that Meta wants SHA-256 hashed (NODE-SDK user-data.js). */
export const META_HASHED_USER_DATA_KEYS = ['em', 'ph', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country', 'external_id'] as const;
export type MetaHashedUserDataKey = (typeof META_HASHED_USER_DATA_KEYS)[number];

/** Conversions API `user_data` keys sent as they are: hashing them breaks matching (M-CIP, M-FBC). */
export const META_PLAIN_USER_DATA_KEYS = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id'] as const;
export type MetaPlainUserDataKey = (typeof META_PLAIN_USER_DATA_KEYS)[number];

/** Which identifier fills which hashed `user_data` key. */
export const META_USER_DATA_KEY: Readonly<Record<IdentifierKind, MetaHashedUserDataKey>> = {
	email: 'em',
	phone: 'ph',
	firstName: 'fn',
	lastName: 'ln',
	dateOfBirth: 'db',
	gender: 'ge',
	city: 'ct',
	state: 'st',
	zip: 'zp',
	country: 'country',
	externalId: 'external_id',
};

/** Custom Audience multi-key schema columns (M-CAU), in the order Meta lists them. */
export const META_AUDIENCE_KEYS = [
	'EXTERN_ID',
	'EMAIL',
	'PHONE',
	'GEN',
	'DOBY',
	'DOBM',
	'DOBD',
	'LN',
	'FN',
	'FI',
	'CT',
	'ST',
	'ZIP',
	'COUNTRY',
] as const;
export type MetaAudienceKey = (typeof META_AUDIENCE_KEYS)[number];

/** The identifier each audience column is read from. */
export const META_AUDIENCE_SOURCE: Readonly<Record<MetaAudienceKey, IdentifierKind>> = {
	EXTERN_ID: 'externalId',
	EMAIL: 'email',
	PHONE: 'phone',
	GEN: 'gender',
	DOBY: 'dateOfBirth',
	DOBM: 'dateOfBirth',
	DOBD: 'dateOfBirth',
	LN: 'lastName',
	FN: 'firstName',
	FI: 'firstName',
	CT: 'city',
	ST: 'state',
	ZIP: 'zip',
	COUNTRY: 'country',
};

/**
 * One audience column, normalised the way the CAPI key of the same identifier is (§2: "same rules
 * as CAPI"), then hashed. Date of birth is split into year (YYYY), month (MM) and day (DD), and
 * FI is the first initial of the first name. A pre-hashed value passes through unchanged.
 */
export function hashMetaAudienceValue(key: MetaAudienceKey, value: string, defaultCallingCode?: string): string {
	const text = String(value).trim();
	if (isSha256Hex(text)) return text;
	const kind = META_AUDIENCE_SOURCE[key];
	const normalized = normalizeIdentifier(kind, text, 'meta', defaultCallingCode);
	switch (key) {
		case 'DOBY':
			return sha256Hex(normalized.slice(0, 4));
		case 'DOBM':
			return sha256Hex(normalized.slice(4, 6));
		case 'DOBD':
			return sha256Hex(normalized.slice(6, 8));
		case 'FI':
			return sha256Hex(Array.from(normalized)[0] ?? '');
		default:
			return sha256Hex(normalized);
	}
}

/** Whether a value is what Meta accepts in a hashed field: lowercase hex SHA-256, 64 characters. */
export function isSha256Hex(value: string): boolean {
	return value.length === 64 && SHA256_HEX.test(value);
}
