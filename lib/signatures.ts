/**
 * Webhook and request signature verification: the one verifier every trigger of the pack uses.
 * Triggers choose the scheme (HMAC, plain hash, Stripe-style timestamped header) and the fields;
 * this module computes, compares in constant time, checks the timestamp window and accepts the
 * previous secret during key rotation. Modelled on stripe-node `src/Webhooks.ts`: every failure
 * mode has its own error class and a message a non-developer can act on.
 *
 * Messages never contain a secret, the expected signature or the received signature.
 * Remembering already-seen event ids (replay beyond the timestamp window) is not done here.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type PlainHashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

/** The exact bytes the sender signed: n8n keeps them as a Buffer on `req.rawBody`. */
export type RawBody = Buffer | string;

/** Which secret matched: 0 = the current one, 1 = the previous one during a key rotation. */
export interface SignatureMatch {
	secretIndex: number;
}

/** Stripe's DEFAULT_TOLERANCE and n8n's MAX_TIMESTAMP_AGE_SECONDS are both 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureFailureReason =
	| 'secret_missing'
	| 'raw_body_missing'
	| 'signature_header_missing'
	| 'signature_header_malformed'
	| 'signature_mismatch'
	| 'timestamp_invalid'
	| 'timestamp_outside_tolerance';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export class WebhookSignatureError extends Error {
	readonly reason: SignatureFailureReason;

	constructor(reason: SignatureFailureReason, message: string) {
		super(message);
		this.name = 'WebhookSignatureError';
		this.reason = reason;
	}
}

export class SecretMissingError extends WebhookSignatureError {
	constructor() {
		super(
			'secret_missing',
			'No webhook secret is configured, so incoming requests cannot be verified and are rejected. ' +
				'Enter in the credential the signing secret that the sender shows in its dashboard.',
		);
		this.name = 'SecretMissingError';
	}
}

export class RawBodyMissingError extends WebhookSignatureError {
	/** true when a parsed object reached the check instead of the bytes that were signed. */
	readonly parsedBodyGiven: boolean;

	constructor(parsedBodyGiven: boolean) {
		super(
			'raw_body_missing',
			parsedBodyGiven
				? 'The request body reached the signature check already parsed, not as the exact bytes ' +
						'the sender signed, so the signature cannot be checked and the request is rejected ' +
						'(re-encoding JSON changes spacing and number formats).'
				: 'The exact body of this request is not available, so its signature cannot be checked ' +
						'and the request is rejected.',
		);
		this.name = 'RawBodyMissingError';
		this.parsedBodyGiven = parsedBodyGiven;
	}
}

export class SignatureHeaderMissingError extends WebhookSignatureError {
	readonly header: string;

	constructor(header: string) {
		super(
			'signature_header_missing',
			`The ${header} header is missing: the sender did not sign this request, so it is rejected.`,
		);
		this.name = 'SignatureHeaderMissingError';
		this.header = header;
	}
}

export class SignatureHeaderMalformedError extends WebhookSignatureError {
	readonly header: string;

	constructor(header: string, expectedFormat: string) {
		super(
			'signature_header_malformed',
			`The ${header} header is not in the expected format (${expectedFormat}): ` +
				'the request was not signed the way this trigger expects, so it is rejected.',
		);
		this.name = 'SignatureHeaderMalformedError';
		this.header = header;
	}
}

export class SignatureMismatchError extends WebhookSignatureError {
	readonly header: string;

	constructor(header: string, secretsTried: number) {
		const which = secretsTried > 1 ? 'neither the current nor the previous secret' : 'the secret';
		super(
			'signature_mismatch',
			`The ${header} header does not match this request when checked with ${which} in the ` +
				'credential, so it is rejected. Either the secret differs from the one the sender uses, ' +
				'or the request was changed on the way.',
		);
		this.name = 'SignatureMismatchError';
		this.header = header;
	}
}

export class TimestampInvalidError extends WebhookSignatureError {
	readonly header: string;

	constructor(header: string, missing: boolean) {
		super(
			'timestamp_invalid',
			missing
				? `The ${header} is missing, so the request cannot be checked against replays and is rejected.`
				: `The ${header} is not a Unix time in seconds or milliseconds, so the request is rejected.`,
		);
		this.name = 'TimestampInvalidError';
		this.header = header;
	}
}

export class TimestampOutsideToleranceError extends WebhookSignatureError {
	/** Seconds between the signing time and now: positive = in the past, negative = in the future. */
	readonly ageSeconds: number;
	readonly toleranceSeconds: number;

	constructor(ageSeconds: number, toleranceSeconds: number) {
		const off = Math.ceil(Math.abs(ageSeconds));
		super(
			'timestamp_outside_tolerance',
			ageSeconds > 0
				? `The request was signed ${off} seconds ago, but only requests signed within the last ` +
						`${toleranceSeconds} seconds are accepted (protection against replayed requests), so ` +
						'it is rejected.'
				: `The request is dated ${off} seconds in the future, but at most ${toleranceSeconds} ` +
						'seconds of clock difference are accepted, so it is rejected. Check the clock of ' +
						'this server.',
		);
		this.name = 'TimestampOutsideToleranceError';
		this.ageSeconds = ageSeconds;
		this.toleranceSeconds = toleranceSeconds;
	}
}

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

export function computeHmac(
	algorithm: HmacAlgorithm,
	secret: string | Buffer,
	payload: string | Buffer,
	encoding: DigestEncoding,
): string {
	return createHmac(algorithm, secret).update(payload).digest(encoding);
}

/**
 * Hash of the parts concatenated, for vendors that sign with a plain hash and the secret as one
 * of the parts: Praxis `sha384(fields… + secret)`, Shufti `sha256(raw + sha256(secret))`,
 * Skrill `md5(…)`. Strings are taken as UTF-8.
 */
export function computePlainHash(
	algorithm: PlainHashAlgorithm,
	parts: ReadonlyArray<string | Buffer>,
	encoding: DigestEncoding,
): string {
	const hash = createHash(algorithm);
	for (const part of parts) hash.update(part);
	return hash.digest(encoding);
}

/**
 * Constant-time string equality. When the lengths differ, `a` is compared with itself so the
 * work done still depends only on `a`'s length, never on where the strings differ; the length
 * of a signature is public anyway.
 */
export function secureCompare(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	const sameLength = left.length === right.length;
	return timingSafeEqual(left, sameLength ? right : left) && sameLength;
}

/**
 * The exact raw bytes of an n8n webhook request (`req.rawBody`, a Buffer in n8n). Never
 * re-serialises `req.body`: signatures cover the bytes as sent, and JSON.stringify changes
 * spacing, key order and number formats.
 */
export function rawBodyOf(request: { rawBody?: unknown; body?: unknown }): Buffer {
	const { rawBody } = request;
	if (Buffer.isBuffer(rawBody)) return rawBody;
	if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
	throw new RawBodyMissingError(request.body !== undefined && request.body !== null);
}

// ---------------------------------------------------------------------------------------------
// Timestamp window
// ---------------------------------------------------------------------------------------------

export interface TimestampCheck {
	/** The sender's timestamp as sent: Unix seconds or milliseconds (told apart like n8n does). */
	value: string | number | undefined;
	toleranceSeconds?: number;
	/** Defaults to Date.now(). */
	nowMs?: number;
	/** Where the timestamp came from, for messages, e.g. 'X-Timestamp header' or 'timestamp field'. */
	label?: string;
}

// n8n's webhook-signature-verification treats values above 1e10 as milliseconds (1e10 s is in 2286).
const MILLISECONDS_THRESHOLD = 1e10;
const UNIX_TIME = /^\d{1,16}(\.\d+)?$/;

/**
 * Rejects a timestamp further than the tolerance from now, in either direction (a future date
 * is as suspicious as a stale one). Returns the age in seconds (negative = in the future).
 */
export function assertTimestampWithinTolerance(check: TimestampCheck): number {
	const label = check.label ?? 'timestamp';
	const toleranceSeconds = check.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
		throw new RangeError('The timestamp tolerance must be a number of seconds, 0 or more.');
	}
	const nowMs = check.nowMs ?? Date.now();
	const { value } = check;
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		throw new TimestampInvalidError(label, true);
	}
	const text = typeof value === 'number' ? String(value) : value.trim();
	if (!UNIX_TIME.test(text)) throw new TimestampInvalidError(label, false);
	const timestamp = Number(text);

	// Seconds are compared with whole seconds of now, as stripe-node does, so a sender that
	// truncates its clock is not penalised by the fraction of a second we add.
	const ageSeconds =
		timestamp > MILLISECONDS_THRESHOLD
			? (nowMs - timestamp) / 1000
			: Math.floor(nowMs / 1000) - timestamp;
	if (Math.abs(ageSeconds) > toleranceSeconds) {
		throw new TimestampOutsideToleranceError(ageSeconds, toleranceSeconds);
	}
	return ageSeconds;
}

// ---------------------------------------------------------------------------------------------
// Verifiers
// ---------------------------------------------------------------------------------------------

interface UsableSecret {
	secret: string;
	index: number;
}

/** Blank entries (e.g. an empty "previous secret" field) are skipped but keep their index. */
function usableSecrets(secrets: ReadonlyArray<string | undefined>): UsableSecret[] {
	const usable: UsableSecret[] = [];
	secrets.forEach((secret, index) => {
		if (typeof secret === 'string' && secret !== '') usable.push({ secret, index });
	});
	if (usable.length === 0) throw new SecretMissingError();
	return usable;
}

/**
 * Hex is case-insensitive (the same bytes; Skrill, for one, sends upper-case MD5), so a received
 * hex value is lower-cased before the comparison. Only the received value is transformed, so
 * this reveals nothing about the expected one. Base64 is compared exactly.
 */
function normaliseReceived(signature: string, encoding: DigestEncoding): string {
	return encoding === 'hex' ? signature.toLowerCase() : signature;
}

/**
 * Compares every received candidate with every secret's expected value without stopping at the
 * first match, so the time taken does not tell which pair matched. Returns -1 when none did.
 */
function firstMatchingSecret(
	candidates: readonly string[],
	secrets: readonly UsableSecret[],
	expectedFor: (secret: string) => string,
	encoding: DigestEncoding,
): number {
	let matched = -1;
	for (const { secret, index } of secrets) {
		const expected = expectedFor(secret);
		for (const candidate of candidates) {
			const equal = secureCompare(normaliseReceived(candidate, encoding), expected);
			if (equal && matched === -1) matched = index;
		}
	}
	return matched;
}

function assertRawBody(rawBody: unknown): Buffer {
	if (Buffer.isBuffer(rawBody)) return rawBody;
	if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
	throw new RawBodyMissingError(rawBody !== undefined && rawBody !== null);
}

/** Strips an optional label such as GitHub's `sha256=`; the label is matched case-insensitively. */
function signatureValue(
	signature: string | undefined,
	header: string,
	prefix: string | undefined,
): string {
	if (signature === undefined || signature === null || signature.trim() === '') {
		throw new SignatureHeaderMissingError(header);
	}
	let value = signature.trim();
	if (prefix) {
		if (value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
			throw new SignatureHeaderMalformedError(header, `${prefix}<signature>`);
		}
		value = value.slice(prefix.length).trim();
		if (value === '') throw new SignatureHeaderMalformedError(header, `${prefix}<signature>`);
	}
	return value;
}

export interface HmacVerification {
	/** The exact bytes received (`rawBodyOf(req)`); a parsed object is refused. */
	rawBody: RawBody;
	/** The signature header's value as received. */
	signature: string | undefined;
	/** Current secret first, then the previous one while a key rotation is under way. */
	secrets: ReadonlyArray<string | undefined>;
	algorithm: HmacAlgorithm;
	encoding: DigestEncoding;
	/** A label before the signature, e.g. GitHub's 'sha256='. */
	prefix?: string;
	/** The header's name, for messages (e.g. 'X-Processing-Signature'). */
	signatureHeader?: string;
	/** Reject requests signed too long ago or dated in the future. */
	timestamp?: TimestampCheck;
	/**
	 * What the sender signs when it is not the body alone, e.g. `${timestamp}.${body}`. Receives
	 * the timestamp exactly as sent (empty when there is none).
	 */
	signedPayload?: (timestamp: string, rawBody: Buffer) => Buffer | string;
}

/**
 * HMAC over the raw body (or a payload built from it and a timestamp), e.g. CoinsPaid
 * (SHA-512 hex), Sumsub (SHA-1/256/512 hex), Onfido and Checkout.com (SHA-256 hex), GitHub-style
 * `sha256=` headers. Throws a WebhookSignatureError subclass naming what failed.
 */
export function verifyHmac(options: HmacVerification): SignatureMatch {
	const header = options.signatureHeader ?? 'signature';
	const secrets = usableSecrets(options.secrets);
	const rawBody = assertRawBody(options.rawBody);
	const received = signatureValue(options.signature, header, options.prefix);

	const timestampText =
		options.timestamp?.value === undefined || options.timestamp.value === null
			? ''
			: String(options.timestamp.value).trim();
	// The timestamp must be readable before it goes into a signed payload.
	if (options.timestamp && (timestampText === '' || !UNIX_TIME.test(timestampText))) {
		throw new TimestampInvalidError(options.timestamp.label ?? 'timestamp', timestampText === '');
	}
	const payload = options.signedPayload ? options.signedPayload(timestampText, rawBody) : rawBody;

	const secretIndex = firstMatchingSecret(
		[received],
		secrets,
		(secret) => computeHmac(options.algorithm, secret, payload, options.encoding),
		options.encoding,
	);
	if (secretIndex === -1) throw new SignatureMismatchError(header, secrets.length);

	// Like stripe-node, the window is checked once the signature proved the timestamp authentic.
	if (options.timestamp) assertTimestampWithinTolerance(options.timestamp);
	return { secretIndex };
}

export interface PlainHashVerification {
	/** The signature header's value as received. */
	signature: string | undefined;
	/** Current secret first, then the previous one while a key rotation is under way. */
	secrets: ReadonlyArray<string | undefined>;
	algorithm: PlainHashAlgorithm;
	encoding: DigestEncoding;
	/**
	 * The parts hashed for one secret, in the vendor's order: Praxis
	 * `[...fieldValues, secret]`, Shufti `[rawBody, computePlainHash('sha256', [secret], 'hex')]`.
	 */
	partsFor: (secret: string) => ReadonlyArray<string | Buffer>;
	prefix?: string;
	signatureHeader?: string;
}

/**
 * Plain-hash schemes where the secret is one of the hashed parts (not HMAC). The caller builds
 * the parts from the raw body or its fields (`rawBodyOf`), and checks a body timestamp with
 * `assertTimestampWithinTolerance` once this returns.
 */
export function verifyPlainHash(options: PlainHashVerification): SignatureMatch {
	const header = options.signatureHeader ?? 'signature';
	const secrets = usableSecrets(options.secrets);
	const received = signatureValue(options.signature, header, options.prefix);
	const secretIndex = firstMatchingSecret(
		[received],
		secrets,
		(secret) => computePlainHash(options.algorithm, options.partsFor(secret), options.encoding),
		options.encoding,
	);
	if (secretIndex === -1) throw new SignatureMismatchError(header, secrets.length);
	return { secretIndex };
}

// ---------------------------------------------------------------------------------------------
// Stripe-style `t=<unix>,v1=<hex>[,v1=<hex>…]` headers
// ---------------------------------------------------------------------------------------------

export interface TimestampedHeader {
	/** The `t` value exactly as sent: it is part of the signed payload. */
	timestamp: string;
	/** Every value under the expected scheme: the sender lists several while rolling its secret. */
	signatures: string[];
}

/** Splits on `,` then on the first `=`, as stripe-node's parseHeader does; other schemes are ignored. */
export function parseTimestampedHeader(
	header: string | undefined,
	scheme = 'v1',
	headerName = 'Stripe-Signature',
): TimestampedHeader {
	if (header === undefined || header === null || header.trim() === '') {
		throw new SignatureHeaderMissingError(headerName);
	}
	let timestamp = '';
	const signatures: string[] = [];
	for (const item of header.split(',')) {
		const separator = item.indexOf('=');
		if (separator === -1) continue;
		const key = item.slice(0, separator).trim();
		const value = item.slice(separator + 1).trim();
		if (key === 't') timestamp = value;
		else if (key === scheme && value !== '') signatures.push(value);
	}
	if (!/^\d+$/.test(timestamp) || signatures.length === 0) {
		throw new SignatureHeaderMalformedError(headerName, `t=<time>,${scheme}=<signature>`);
	}
	return { timestamp, signatures };
}

export interface TimestampedVerification {
	rawBody: RawBody;
	/** The header's value as received, e.g. `t=1700000000,v1=5257a8…`. */
	header: string | undefined;
	/** Current secret first, then the previous one while a key rotation is under way. */
	secrets: ReadonlyArray<string | undefined>;
	toleranceSeconds?: number;
	nowMs?: number;
	scheme?: string;
	headerName?: string;
}

/**
 * Stripe's scheme: HMAC-SHA256 hex over `${t}.${rawBody}`; any listed `v1` may match; the
 * request is rejected when t is more than the tolerance away from now (default 300 s).
 */
export function verifyTimestampedHeader(
	options: TimestampedVerification,
): SignatureMatch & { timestampSeconds: number } {
	const headerName = options.headerName ?? 'Stripe-Signature';
	const secrets = usableSecrets(options.secrets);
	const rawBody = assertRawBody(options.rawBody);
	const parsed = parseTimestampedHeader(options.header, options.scheme ?? 'v1', headerName);
	const payload = Buffer.concat([Buffer.from(`${parsed.timestamp}.`, 'utf8'), rawBody]);

	const secretIndex = firstMatchingSecret(
		parsed.signatures,
		secrets,
		(secret) => computeHmac('sha256', secret, payload, 'hex'),
		'hex',
	);
	if (secretIndex === -1) throw new SignatureMismatchError(headerName, secrets.length);

	assertTimestampWithinTolerance({
		value: parsed.timestamp,
		toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
		nowMs: options.nowMs,
		label: `time in the ${headerName} header`,
	});
	return { secretIndex, timestampSeconds: Number(parsed.timestamp) };
}
