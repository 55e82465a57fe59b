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

// Module-level patterns: a regex literal inside a function is a new RegExp object on every call,
// which an audience sync of millions of rows pays for in allocations and GC. The global ones are
// only used with replace(), which restarts them from 0 each time.
const SHA256_HEX = /^[a-f0-9]{64}$/;
const LETTER = /[a-z]/i;
const PHONE_EXTENSION = /\s*(ext\.?|x)\s*\d+$/i;
const NON_DIGITS = /\D/g;
const LEADING_ZEROS = /^0+/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY_CODE = /^[a-z]{2}$/;
const NAME_PUNCTUATION = /[\p{P}\p{S}]/gu;
const WHITESPACE_RUNS = /\s+/g;
const CITY_DROPPED = /[\s\p{P}\d]/gu;
const STATE_DROPPED = /[\s\p{P}]/gu;
const WHITESPACE = /\s/g;
const DATE_OF_BIRTH = /^(\d{4})-?(\d{2})-?(\d{2})/;
const GMAIL_DOTS = /\./g;

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
	return `+${e164Digits(input.trim(), input, defaultCallingCode)}`;
}

/**
 * toE164's digits without the "+", as Meta hashes them. `text` is `input` trimmed, which callers
 * that already trimmed pass as both; messages quote `input`.
 */
function e164Digits(text: string, input: string, defaultCallingCode?: string): string {
	if (!text) throw new NormalizeError('is empty, expected a phone number');
	// One pass instead of a letter test and a regex replace, both per number of a sync of millions:
	// the ASCII digits, runs of them joined (= text.replace(/\D/g, '')), and whether any ASCII
	// letter is present (= /[a-z]/i.test(text)).
	let allDigits = '';
	let run = -1;
	let hasLetter = false;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 48 && code <= 57) {
			if (run < 0) run = i;
			continue;
		}
		if (run >= 0) {
			allDigits += text.slice(run, i);
			run = -1;
		}
		// Sets bit 5: A-Z become a-z, nothing else lands in a-z.
		const lower = code | 0x20;
		if (lower >= 97 && lower <= 122) hasLetter = true;
	}
	if (run >= 0) allDigits += text.slice(run);
	// Letters refuse the number, except an extension at its end ("… ext. 12", whose digits stay).
	if (hasLetter && LETTER.test(text.replace(PHONE_EXTENSION, ''))) {
		throw new NormalizeError(`"${input}" is not a phone number (it contains letters)`);
	}
	let digits: string;
	if (text.startsWith('+')) {
		// The "+" is not a digit, so these are the digits after it.
		digits = allDigits;
	} else if (text.startsWith('00')) {
		digits = allDigits.slice(2);
	} else {
		const code = (defaultCallingCode ?? '').replace(NON_DIGITS, '');
		if (!code) {
			throw new NormalizeError(
				`"${input}" has no country code; write it with + or set a default calling code`,
			);
		}
		const national = allDigits.replace(LEADING_ZEROS, '');
		// CRMs often store the country code without "+" ("35799123456"); a number that already
		// starts with the default code and is longer than any national number keeps it.
		digits = national.startsWith(code) && national.length > 10 ? national : code + national;
	}
	// E.164: at most 15 digits including the country code; fewer than 8 is never a full number.
	if (digits.length < 8 || digits.length > 15) {
		throw new NormalizeError(`"${input}" is not a valid international phone number (${digits.length} digits)`);
	}
	return digits;
}

// Meta's phone digits as bytes, for hashing without building a string: one shared buffer and a
// view of it per length, so a number costs no allocation. Filled and hashed in one synchronous
// call (metaPhoneDigest), so no other number can overwrite it in between.
const PHONE_BYTES = new Uint8Array(16);
const PHONE_BYTE_VIEWS = Array.from({ length: 16 }, (_, length) => PHONE_BYTES.subarray(0, length));

/**
 * SHA-256 of e164Digits(text): straight from the bytes for the usual "+…" or "00…" number with no
 * letters and 8-15 digits — the same ASCII digits, so the same digest; anything else (national
 * numbers, letters, a wrong length and its message) goes the string way.
 */
function metaPhoneDigest(text: string, defaultCallingCode?: string): string {
	const plus = text.startsWith('+');
	// A "00" prefix is the two digits dropped: e164Digits slices them off its digit string.
	let skip = !plus && text.startsWith('00') ? 2 : 0;
	if (plus || skip) {
		let count = 0;
		let hasLetter = false;
		for (let i = 0; i < text.length; i++) {
			const code = text.charCodeAt(i);
			if (code >= 48 && code <= 57) {
				if (skip) skip--;
				else {
					if (count < PHONE_BYTES.length) PHONE_BYTES[count] = code;
					count++;
				}
				continue;
			}
			const lower = code | 0x20;
			if (lower >= 97 && lower <= 122) hasLetter = true;
		}
		if (!hasLetter && count >= 8 && count <= 15) return hash('sha256', PHONE_BYTE_VIEWS[count], 'hex');
	}
	return sha256Hex(e164Digits(text, text, defaultCallingCode));
}

/** `value` comes trimmed (normalizeIdentifier, hashAudienceText). */
function normalizeEmail(value: string, destination: HashDestination): string {
	let email = value.toLowerCase();
	if (!EMAIL.test(email)) {
		throw new NormalizeError(`"${value}" is not an e-mail address`);
	}
	if (destination === 'google') {
		// Google: remove dots before the domain for gmail.com and googlemail.com addresses.
		const [local, domain] = email.split('@');
		if (domain === 'gmail.com' || domain === 'googlemail.com') {
			email = `${local.replace(GMAIL_DOTS, '')}@${domain}`;
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
		case 'phone':
			// Meta: digits with country code, no "+"; Google: E.164 with "+".
			return destination === 'meta' ? e164Digits(text, text, defaultCallingCode) : toE164(text, defaultCallingCode);
		case 'firstName':
		case 'lastName':
			// Lower case, no punctuation; letters outside a-z stay as UTF-8 (Meta: "Valéry" → "valéry").
			return text.toLowerCase().replace(NAME_PUNCTUATION, '').replace(WHITESPACE_RUNS, destination === 'meta' ? '' : ' ');
		case 'city':
			return text.toLowerCase().replace(CITY_DROPPED, '');
		case 'state':
			return text.toLowerCase().replace(STATE_DROPPED, '');
		case 'zip':
			return text.toLowerCase().replace(WHITESPACE, '').split('-')[0];
		case 'country': {
			const code = text.toLowerCase();
			if (!COUNTRY_CODE.test(code)) {
				throw new NormalizeError(`"${value}" is not a two-letter ISO country code`);
			}
			return code;
		}
		case 'dateOfBirth': {
			const match = DATE_OF_BIRTH.exec(text);
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
	return hashAudienceText(key, String(value).trim(), defaultCallingCode);
}

/** hashMetaAudienceValue for a value already trimmed (buildAudienceRow trims each one as it reads it). */
export function hashAudienceText(key: MetaAudienceKey, text: string, defaultCallingCode?: string): string {
	if (isSha256Hex(text)) return text;
	// The columns of a typical sync go straight to their rule: this runs for every value of
	// millions of rows, and `text` is already trimmed, as normalizeIdentifier would make it.
	switch (key) {
		case 'EMAIL':
			return sha256Hex(normalizeEmail(text, 'meta'));
		case 'PHONE':
			return metaPhoneDigest(text, defaultCallingCode);
		case 'EXTERN_ID':
			return sha256Hex(text);
		case 'COUNTRY':
			return countryDigest(text);
	}
	const normalized = normalizeIdentifier(META_AUDIENCE_SOURCE[key], text, 'meta', defaultCallingCode);
	switch (key) {
		case 'GEN':
			return memoSha256(GENDER_DIGESTS, normalized);
		case 'DOBY':
			return memoSha256(BIRTH_YEAR_DIGESTS, normalized.slice(0, 4));
		case 'DOBM':
			return memoSha256(BIRTH_MONTH_DIGESTS, normalized.slice(4, 6));
		case 'DOBD':
			return memoSha256(BIRTH_DAY_DIGESTS, normalized.slice(6, 8));
		case 'FI':
			return sha256Hex(Array.from(normalized)[0] ?? '');
		default:
			return sha256Hex(normalized);
	}
}

/**
 * Digests of audience values drawn from a small closed set (country codes, f/m, birth year, month
 * and day), kept so a sync of millions of rows hashes each distinct value once, not once per row.
 * A cached digest is the same SHA-256 of the same normalised value, so the output does not change.
 * Each cache only ever holds values its column's rule accepts, which bounds it: GEN "f" and "m",
 * DOBY four digits (≤ 10,000), DOBM and DOBD two digits (≤ 100 each), COUNTRY see countryDigest.
 * AUDIENCE_DIGEST_CACHE_LIMIT caps every one of them regardless, should a rule ever widen.
 */
export const AUDIENCE_DIGEST_CACHE_LIMIT = 10_000;
const COUNTRY_DIGESTS = new Map<string, string>();
const GENDER_DIGESTS = new Map<string, string>();
const BIRTH_YEAR_DIGESTS = new Map<string, string>();
const BIRTH_MONTH_DIGESTS = new Map<string, string>();
const BIRTH_DAY_DIGESTS = new Map<string, string>();

/** How many digests the audience caches hold, for tests that check they stay bounded. */
export function audienceDigestCacheSizes(): Record<'COUNTRY' | 'GEN' | 'DOBY' | 'DOBM' | 'DOBD', number> {
	return {
		COUNTRY: COUNTRY_DIGESTS.size,
		GEN: GENDER_DIGESTS.size,
		DOBY: BIRTH_YEAR_DIGESTS.size,
		DOBM: BIRTH_MONTH_DIGESTS.size,
		DOBD: BIRTH_DAY_DIGESTS.size,
	};
}

function memoSha256(cache: Map<string, string>, normalized: string): string {
	let digest = cache.get(normalized);
	if (digest === undefined) {
		digest = sha256Hex(normalized);
		if (cache.size < AUDIENCE_DIGEST_CACHE_LIMIT) cache.set(normalized, digest);
	}
	return digest;
}

/**
 * A country's digest, cached by the trimmed text as it came ("CY", "cy"), so a known code costs
 * one lookup and no lower-casing. Only text the country rule accepts is stored, i.e. two
 * characters that lower-case to a-z: A-Z, a-z or the Kelvin sign, at most 53² = 2,809 keys.
 */
function countryDigest(text: string): string {
	let digest = COUNTRY_DIGESTS.get(text);
	if (digest === undefined) {
		// Throws for anything that is not a country code, exactly as without the cache.
		digest = sha256Hex(normalizeIdentifier('country', text, 'meta'));
		if (COUNTRY_DIGESTS.size < AUDIENCE_DIGEST_CACHE_LIMIT) COUNTRY_DIGESTS.set(text, digest);
	}
	return digest;
}

/** Whether a value is what Meta accepts in a hashed field: lowercase hex SHA-256, 64 characters. */
export function isSha256Hex(value: string): boolean {
	return value.length === 64 && SHA256_HEX.test(value);
}
