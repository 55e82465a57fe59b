import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { parseTransformList, type FieldMapping } from '../../lib/mapping';
import { SHIPPED_PROFILES } from './profiles';

interface FieldRow {
	target?: string;
	source?: string;
	transforms?: string;
	default?: string;
	required?: boolean;
}

/** The profile as the user chose to give it: a shipped one, rows in the editor, or JSON. */
export function readProfile(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const source = ctx.getNodeParameter('profileSource', itemIndex) as 'shipped' | 'rows' | 'json';
	if (source === 'shipped') {
		const key = ctx.getNodeParameter('shippedProfile', itemIndex) as string;
		const profile = SHIPPED_PROFILES[key];
		if (!profile) throw new FieldError('Profile', `"${key}" is not a shipped profile`);
		return profile;
	}
	if (source === 'json') {
		const raw = ctx.getNodeParameter('profileJson', itemIndex) as string | IDataObject;
		if (typeof raw !== 'string') return raw;
		const parsed = attempt(() => JSON.parse(raw) as unknown);
		if (!parsed.ok) throw new FieldError('Mapping Profile (JSON)', `is not valid JSON: ${parsed.error.message}`);
		return parsed.value;
	}
	const rows = (ctx.getNodeParameter('fieldMappings.field', itemIndex, []) as FieldRow[]) ?? [];
	const fields: FieldMapping[] = rows.map((row, i) => {
		const target = (row.target ?? '').trim() || `row ${i + 1}`;
		return {
			target: (row.target ?? '').trim(),
			source: row.source?.trim() || undefined,
			transforms: row.transforms?.trim() ? parseTransformList(row.transforms, target) : undefined,
			default: row.default === undefined || row.default === '' ? undefined : row.default,
			required: row.required === true,
		};
	});
	return { name: 'Field rows', fields };
}
