/**
 * Named transforms a mapping profile can chain on a field. Each takes the value and its options and
 * returns the new value, or throws a TransformError saying what is wrong with the value (the engine
 * adds which field). Names are part of the profile format: never rename one.
 */
import { attempt } from '../errors';
import { parseDecimal, trimDecimal, toMinorUnits, fromMinorUnits, minorUnitsToNumber, divideDecimal, currencyDigits } from '../money';
import { hashIdentifier, IDENTIFIER_KINDS, toE164, type HashDestination, type IdentifierKind } from '../normalize';
import { parseServerZone, serverTimeToUtc } from '../time';

export class TransformError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TransformError';
	}
}

export type TransformOptions = Record<string, unknown>;
/** A step in a profile: a bare name ("trim") or a name with options ({ name: "e164", defaultCallingCode: "357" }). */
export type TransformSpec = string | ({ name: string } & TransformOptions);

export interface TransformDefinition {
	/** One line for the node UI and for error messages. */
	description: string;
	/** Option names the transform accepts, for validation of profiles. */
	options: readonly string[];
	/** The option a short form "name:argument" fills in the rows editor. */
	shortOption?: string;
	apply(value: unknown, options: TransformOptions): unknown;
}

function asText(value: unknown, transform: string): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	throw new TransformError(`${transform} expects text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}

function digitsOption(options: TransformOptions, transform: string): number {
	if (options.digits !== undefined && options.digits !== '') {
		const digits = Number(options.digits);
		if (!Number.isInteger(digits) || digits < 0 || digits > 18) {
			throw new TransformError(`${transform}: "digits" must be a whole number from 0 to 18, got "${String(options.digits)}"`);
		}
		return digits;
	}
	if (typeof options.currency === 'string' && options.currency) {
		const currency = options.currency;
		return wrap(transform, () => currencyDigits(currency));
	}
	throw new TransformError(`${transform} needs "digits" (decimals of the currency) or "currency"`);
}

/** Runs a library call and words its failure as this transform's. */
function wrap<T>(transform: string, run: () => T): T {
	const result = attempt(run);
	if (result.ok) return result.value;
	if (result.error instanceof TransformError) throw result.error;
	throw new TransformError(`${transform}: ${result.error.message}`);
}

/** MT5 volumes: Volume is 1/10000 lot, VolumeExt 1/100000000 lot (MQ docs, deal structure). */
const LOT_DIVISORS: Record<string, string> = { mt5Volume: '10000', mt5VolumeExt: '100000000' };

export const TRANSFORMS: Readonly<Record<string, TransformDefinition>> = {
	trim: {
		description: 'Removes spaces at both ends.',
		options: [],
		apply: (value) => asText(value, 'trim').trim(),
	},
	lowercase: {
		description: 'Makes text lower case.',
		options: [],
		apply: (value) => asText(value, 'lowercase').toLowerCase(),
	},
	uppercase: {
		description: 'Makes text upper case.',
		options: [],
		apply: (value) => asText(value, 'uppercase').toUpperCase(),
	},
	e164: {
		description: 'Writes a phone number as +<country code><number>; national numbers get the default calling code.',
		options: ['defaultCallingCode'],
		shortOption: 'defaultCallingCode',
		apply: (value, options) =>
			wrap('e164', () =>
				toE164(asText(value, 'e164'), options.defaultCallingCode === undefined ? undefined : String(options.defaultCallingCode)),
			),
	},
	sha256: {
		description: 'Normalises the value as the destination specifies (meta, google or plain), then hashes it with SHA-256.',
		options: ['kind', 'destination', 'defaultCallingCode'],
		shortOption: 'kind',
		apply: (value, options) => {
			const kind = String(options.kind ?? 'externalId') as IdentifierKind;
			if (!IDENTIFIER_KINDS.includes(kind)) {
				throw new TransformError(`sha256: "kind" must be one of ${IDENTIFIER_KINDS.join(', ')}, got "${kind}"`);
			}
			const destination = String(options.destination ?? 'plain') as HashDestination;
			if (!['meta', 'google', 'plain'].includes(destination)) {
				throw new TransformError(`sha256: "destination" must be meta, google or plain, got "${destination}"`);
			}
			const callingCode = options.defaultCallingCode === undefined ? undefined : String(options.defaultCallingCode);
			return wrap('sha256', () => hashIdentifier(kind, asText(value, 'sha256'), destination, callingCode));
		},
	},
	decimal: {
		description: 'Checks an amount is an exact decimal number and writes it plainly ("+1e2" becomes "100").',
		options: [],
		apply: (value) => wrap('decimal', () => parseDecimal(value)),
	},
	minorUnits: {
		description: 'Major units to whole minor units: 12.34 with 2 digits becomes 1234. More decimals than the currency has is an error.',
		options: ['digits', 'currency'],
		shortOption: 'digits',
		apply: (value, options) =>
			wrap('minorUnits', () => minorUnitsToNumber(toMinorUnits(value, digitsOption(options, 'minorUnits')))),
	},
	majorUnits: {
		description: 'Whole minor units to major units: 1234 with 2 digits becomes "12.34".',
		options: ['digits', 'currency'],
		shortOption: 'digits',
		apply: (value, options) => wrap('majorUnits', () => fromMinorUnits(value, digitsOption(options, 'majorUnits'))),
	},
	lots: {
		description: 'Platform volume to lots: from mt5Volume (1/10000 lot), mt5VolumeExt, or units with a contract size.',
		options: ['from', 'contractSize', 'digits'],
		shortOption: 'from',
		apply: (value, options) => {
			const from = String(options.from ?? 'mt5Volume');
			const divisor = from === 'units' ? String(options.contractSize ?? '100000') : LOT_DIVISORS[from];
			if (!divisor) {
				throw new TransformError(`lots: "from" must be mt5Volume, mt5VolumeExt or units, got "${from}"`);
			}
			const digits = options.digits === undefined ? 8 : Number(options.digits);
			return wrap('lots', () => trimDecimal(divideDecimal(value, divisor, digits, 'half-even')));
		},
	},
	serverTimeToUtc: {
		description: 'Platform server time (epoch seconds on the server clock, as MT5 reports) to an ISO UTC time, in the given zone.',
		options: ['zone'],
		shortOption: 'zone',
		apply: (value, options) => {
			if (typeof options.zone !== 'string' || !options.zone.trim()) {
				throw new TransformError('serverTimeToUtc needs "zone": the platform time zone, e.g. Europe/Athens or UTC+02:00');
			}
			const zone = options.zone;
			return wrap('serverTimeToUtc', () => serverTimeToUtc(asText(value, 'serverTimeToUtc'), parseServerZone(zone)).toISO());
		},
	},
	lookup: {
		description: 'Replaces the value using a table, e.g. {"Cyprus": "CY"}. Unknown values are an error unless a fallback is set.',
		options: ['table', 'caseInsensitive', 'fallback'],
		shortOption: 'table',
		apply: (value, options) => {
			const table = options.table;
			if (table === null || typeof table !== 'object' || Array.isArray(table)) {
				throw new TransformError('lookup needs "table": an object of value → replacement');
			}
			const key = asText(value, 'lookup');
			const entries = table as Record<string, unknown>;
			if (Object.prototype.hasOwnProperty.call(entries, key)) return entries[key];
			if (options.caseInsensitive !== false) {
				const found = Object.keys(entries).find((k) => k.toLowerCase() === key.trim().toLowerCase());
				if (found !== undefined) return entries[found];
			}
			if (options.fallback === 'keep') return value;
			if (options.fallback !== undefined) return options.fallback;
			const known = Object.keys(entries).slice(0, 5).map((k) => `"${k}"`).join(', ');
			throw new TransformError(`"${key}" is not in the lookup table (known: ${known}${Object.keys(entries).length > 5 ? ', ...' : ''})`);
		},
	},
	default: {
		description: 'Uses the given value when the field is empty.',
		options: ['value'],
		shortOption: 'value',
		apply: (value, options) => (value === undefined || value === null || value === '' ? options.value : value),
	},
};

export const TRANSFORM_NAMES = Object.keys(TRANSFORMS);
