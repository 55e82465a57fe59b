/**
 * Audience sync: normalise, hash and batch N rows (e-mail, phone, country, external id) for a Meta
 * Custom Audience. One variant per process, so each peak memory is its own:
 *   ours — lib/metaConversions buildAudienceRow, the code the Meta Conversions node runs per row;
 *   sdk  — facebook-nodejs-business-sdk's ServerSideUtils.normalizeAndHash per field;
 *   raw  — SHA-256 of the same values as they come, with no normalising (the floor).
 * Rows are generated as they are used and batched by Meta's 10,000-row cap, as a sync streams them.
 *
 *   tsx bench/audience.ts <ours|sdk|raw> [rows]   → one JSON line on stdout
 */
import { hash } from 'node:crypto';

import { buildAudienceRow, META_MAX_AUDIENCE_ROWS_PER_REQUEST } from '../lib/metaConversions';
import type { MetaAudienceKey } from '../lib/normalize';

type Sdk = { ServerSideUtils: { normalizeAndHash(input: string, field: string): string } };
// Loaded only by the variants that use it, so the other processes' peak memory does not carry it.
const sdk = (): Sdk['ServerSideUtils'] => (require('facebook-nodejs-business-sdk') as Sdk).ServerSideUtils;

const SCHEMA: readonly MetaAudienceKey[] = ['EMAIL', 'PHONE', 'COUNTRY', 'EXTERN_ID'];
const COUNTRIES = ['CY', 'GR', 'DE', 'GB', 'AE', 'ZA', 'MY', 'TH'];
const CALLING_CODES = ['357', '30', '49', '44', '971', '27', '60', '66'];

export interface Row {
	email: string;
	phone: string;
	country: string;
	externalId: string;
}

/** Row i, the same in every variant and run: mixed case and spaces, as CRM exports have them. */
export function row(i: number): Row {
	const c = i % COUNTRIES.length;
	return {
		email: ` Client.${i}@Example${i % 97}.com `,
		phone: `+${CALLING_CODES[c]} ${String(90_000_000 + (i % 9_999_999)).replace(/(\d{2})(\d{3})/, '$1 $2 ')}`,
		country: COUNTRIES[c],
		externalId: `c-${i}`,
	};
}

type Hasher = (r: Row) => string[];

export const VARIANTS: Record<string, Hasher> = {
	ours: (r) => {
		const built = buildAudienceRow(SCHEMA, { email: r.email, phone: r.phone, country: r.country, externalId: r.externalId });
		if (!built.ok) throw new Error(built.errors.map(String).join('; '));
		return built.value;
	},
	sdk: (r) => {
		const utils = sdk();
		return [
			utils.normalizeAndHash(r.email, 'em'),
			utils.normalizeAndHash(r.phone, 'ph'),
			utils.normalizeAndHash(r.country, 'country'),
			utils.normalizeAndHash(r.externalId, 'external_id'),
		];
	},
	raw: (r) => [r.email, r.phone, r.country, r.externalId].map((value) => hash('sha256', value, 'hex')),
};

function main(): void {
	const [variant = 'ours', rowsArg = '1000000'] = process.argv.slice(2);
	const hashRow = VARIANTS[variant];
	if (!hashRow) throw new Error(`unknown variant "${variant}" (ours, sdk or raw)`);
	const rows = Number(rowsArg);

	// The comparison is fair only if ours and the SDK produce the same hashes: the SDK's process
	// checks a sample first (the others never load the SDK).
	for (let i = 0; variant === 'sdk' && i < 200; i++) {
		const a = VARIANTS.ours(row(i));
		const b = VARIANTS.sdk(row(i));
		if (a.join() !== b.join()) throw new Error(`row ${i}: ours ${JSON.stringify(a)} differs from the SDK's ${JSON.stringify(b)}`);
	}

	let batch: string[][] = [];
	let batches = 0;
	let checksum = 0;
	const started = process.hrtime.bigint();
	for (let i = 0; i < rows; i++) {
		batch.push(hashRow(row(i)));
		if (batch.length === META_MAX_AUDIENCE_ROWS_PER_REQUEST) {
			// Stands in for the upload: touch the batch so nothing is optimised away, then let it go.
			checksum = (checksum + batch[batch.length - 1][0].charCodeAt(0)) % 65_521;
			batches++;
			batch = [];
		}
	}
	if (batch.length) batches++;
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const peakMb = process.resourceUsage().maxRSS / 1024;
	process.stdout.write(`${JSON.stringify({ variant, rows, batches, seconds, rowsPerSecond: rows / seconds, peakMb, checksum })}\n`);
}

if (require.main === module) main();
