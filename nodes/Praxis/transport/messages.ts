/**
 * Building a signed Praxis request and judging Praxis's answer, with no HTTP in sight: the node's
 * transport and the credential test both send what `signedRequest` builds and hand the answer to
 * `readAnswer`.
 */
import { attempt } from '../../../lib/errors';
import { secureCompare } from '../../../lib/signatures';
import {
	GT_AUTHENTICATION,
	PRAXIS_VERSION,
	praxisSignature,
	rawJsonScalars,
	RawJsonError,
	signedValues,
	signRequestBody,
	type PraxisMessage,
} from './signing';

export const PRAXIS_BASE_URLS = {
	sandbox: 'https://pci-gw-test.praxispay.com',
	live: 'https://gw.praxisgate.com',
} as const;

/**
 * [inference] Praxis documents only the sign of `status` (0 = OK, negative = internal error,
 * positive = logic error). The codes below are the sandbox's; "duplicate order" is also recognised
 * by its words so a live gateway's own code still works.
 */
export const PRAXIS_STATUS = { ok: 0, duplicateOrder: 4, notFound: 5 } as const;

export interface PraxisSettings {
	baseUrl: string;
	merchantId: string;
	applicationKey: string;
	secret: string;
	previousSecret: string;
}

export function praxisSettings(credentials: Record<string, unknown>): PraxisSettings {
	const text = (field: string) => String(credentials[field] ?? '').trim();
	const environment = text('environment') || 'sandbox';
	const baseUrl = environment === 'custom' ? text('baseUrl') : PRAXIS_BASE_URLS[environment as keyof typeof PRAXIS_BASE_URLS] ?? '';
	if (!/^https?:\/\//.test(baseUrl)) {
		throw new Error('The Praxis credential has no usable address: choose Sandbox or Live, or give a Base URL starting with http:// or https://');
	}
	// The secret is used exactly as pasted: trimming would silently change every signature.
	return {
		baseUrl: baseUrl.replace(/\/+$/, ''),
		merchantId: text('merchantId'),
		applicationKey: text('applicationKey'),
		secret: String(credentials.merchantSecret ?? ''),
		previousSecret: String(credentials.previousSecret ?? ''),
	};
}

export interface SignedRequest {
	url: string;
	headers: Record<string, string>;
	/** The exact JSON text sent; its signed fields are what was hashed. */
	body: string;
}

/** A request body: merchant and application, the call's own fields, version and timestamp. */
export function signedRequest(
	settings: PraxisSettings,
	path: string,
	message: PraxisMessage,
	fields: Record<string, string | number | null | undefined | Record<string, unknown>>,
	timestampSeconds: number,
): SignedRequest {
	const body: Record<string, unknown> = {
		merchant_id: settings.merchantId,
		application_key: settings.applicationKey,
		...fields,
		version: PRAXIS_VERSION,
		timestamp: timestampSeconds,
	};
	const signable = Object.fromEntries(
		Object.entries(body).filter((entry): entry is [string, string | number | null] => typeof entry[1] !== 'object' || entry[1] === null),
	);
	return {
		url: `${settings.baseUrl}${path}`,
		headers: {
			'content-type': 'application/json; charset=utf-8',
			[GT_AUTHENTICATION]: signRequestBody(signable, message, settings.secret),
		},
		body: JSON.stringify(body),
	};
}

/** Praxis answered with a non-zero `status`: `status` and `description` are Praxis's own. */
export class PraxisRefusal extends Error {
	constructor(
		readonly status: number,
		readonly description: string,
	) {
		super(`Praxis refused the call (status ${status}): ${description}`);
	}
}

/** Praxis's answer could not be trusted or read. */
export class PraxisAnswerError extends Error {}

export interface PraxisAnswer {
	/** The parsed answer. */
	json: Record<string, unknown>;
	/** Every scalar as its raw text, for signatures and exact amounts. */
	scalars: Map<string, string | null>;
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
	const value = key === undefined ? undefined : headers[key];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : undefined;
}

export function isDuplicateOrder(refusal: PraxisRefusal): boolean {
	return refusal.status === PRAXIS_STATUS.duplicateOrder || /duplicate|already (been )?used|already exists/i.test(refusal.description);
}

/**
 * Reads an answer: JSON, its `GT-Authentication` checked (when `verify`) over `message`'s fields —
 * or, for a refusal, over `status, timestamp` — and a non-zero status thrown as PraxisRefusal.
 */
export function readAnswer(
	settings: PraxisSettings,
	answer: { statusCode: number; headers: Record<string, unknown>; body: unknown },
	message: PraxisMessage,
	verify: boolean,
): PraxisAnswer {
	const text = typeof answer.body === 'string' ? answer.body : Buffer.isBuffer(answer.body) ? answer.body.toString('utf8') : JSON.stringify(answer.body ?? '');
	const parsed = attempt(() => ({ scalars: rawJsonScalars(text), json: JSON.parse(text) as unknown }));
	if (!parsed.ok) {
		if (!(parsed.error instanceof RawJsonError) && !(parsed.error instanceof SyntaxError)) throw parsed.error;
		throw new PraxisAnswerError(`Praxis answered HTTP ${answer.statusCode} with something that is not JSON: ${text.slice(0, 200)}`);
	}
	const { scalars, json } = parsed.value;
	if (typeof json !== 'object' || json === null || Array.isArray(json)) {
		throw new PraxisAnswerError(`Praxis answered HTTP ${answer.statusCode} with JSON that is not an object`);
	}
	const record = json as Record<string, unknown>;
	const status = Number(scalars.get('status'));
	if (!Number.isInteger(status)) {
		throw new PraxisAnswerError(`Praxis answered HTTP ${answer.statusCode} without a numeric "status"`);
	}
	if (verify) {
		const received = headerValue(answer.headers, GT_AUTHENTICATION);
		if (!received) throw new PraxisAnswerError(`Praxis's answer carries no ${GT_AUTHENTICATION} header, so it cannot be trusted (switch off "Verify Answer Signature" only if your gateway does not sign answers)`);
		const expected = praxisSignature(signedValues(scalars, status === PRAXIS_STATUS.ok ? message : 'agentAnswer'), settings.secret);
		if (!secureCompare(received.toLowerCase(), expected)) {
			throw new PraxisAnswerError(`Praxis's answer has a ${GT_AUTHENTICATION} that does not match the Merchant Secret: check the secret in the Praxis credential`);
		}
	}
	if (status !== PRAXIS_STATUS.ok) {
		throw new PraxisRefusal(status, typeof record.description === 'string' ? record.description : 'no description');
	}
	return { json: record, scalars };
}
