/**
 * The mapping engine: field mappings are data (a mapping profile), not code. A profile says, for each
 * target field, where its value comes from, which named transforms run on it, its default, and
 * whether it is required. Applying a profile to an item either yields the mapped object or the list
 * of every field that is wrong, each named, so one pass tells the user everything to fix.
 */
import type { IDataObject } from 'n8n-workflow';

import { attempt, FieldError, ItemValidationError } from '../errors';
import { getPath, parsePath, setPath } from './paths';
import { TRANSFORMS, TransformError, TRANSFORM_NAMES, type TransformSpec } from './transforms';

export { TRANSFORMS, TRANSFORM_NAMES, TransformError, type TransformSpec } from './transforms';
export { getPath, setPath, parsePath } from './paths';

export interface FieldMapping {
	/** Where the value goes in the output, as a path ("email", "address.country"). */
	target: string;
	/** Where the value comes from in the input item, as a path. Omit to use only `default`. */
	source?: string;
	/** Transforms applied in order, after the default is filled in. */
	transforms?: TransformSpec[];
	/** Used when the source is missing, null or "". */
	default?: unknown;
	/** A required field that ends up empty makes the item invalid. */
	required?: boolean;
}

export interface MappingProfile {
	name: string;
	description?: string;
	/** The canonical shape the profile produces (client, transaction...), for documentation. */
	entity?: string;
	fields: FieldMapping[];
}

export type MappingResult = { ok: true; value: IDataObject } | { ok: false; error: ItemValidationError };

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

function transformName(spec: TransformSpec): string {
	return typeof spec === 'string' ? spec : spec.name;
}

/**
 * Checks a profile before any item is mapped, so a typo in the profile is reported once, naming the
 * field and the transform, instead of failing every item.
 */
export function validateProfile(input: unknown): MappingProfile {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		throw new FieldError('profile', 'must be a JSON object with "fields"');
	}
	const profile = input as Partial<MappingProfile>;
	if (!Array.isArray(profile.fields) || profile.fields.length === 0) {
		throw new FieldError('profile.fields', 'must be a non-empty list of field mappings');
	}
	const seen = new Set<string>();
	profile.fields.forEach((field, i) => {
		const where = `fields[${i}]`;
		if (field === null || typeof field !== 'object') throw new FieldError(where, 'must be an object');
		if (typeof field.target !== 'string' || !field.target.trim()) {
			throw new FieldError(`${where}.target`, 'is missing: every mapping needs a target field');
		}
		parsePath(field.target, `${where}.target`);
		if (seen.has(field.target)) throw new FieldError(field.target, 'is mapped twice in the profile');
		seen.add(field.target);
		if (field.source !== undefined) {
			if (typeof field.source !== 'string') throw new FieldError(field.target, 'has a source that is not text');
			if (field.source.trim()) parsePath(field.source, field.target);
		}
		if (field.transforms !== undefined && !Array.isArray(field.transforms)) {
			throw new FieldError(field.target, '"transforms" must be a list');
		}
		for (const spec of field.transforms ?? []) {
			const name = transformName(spec);
			const definition = TRANSFORMS[name];
			if (!definition) {
				throw new FieldError(field.target, `uses unknown transform "${String(name)}" (known: ${TRANSFORM_NAMES.join(', ')})`);
			}
			if (typeof spec === 'object') {
				const unknown = Object.keys(spec).filter((k) => k !== 'name' && !definition.options.includes(k));
				if (unknown.length) {
					throw new FieldError(
						field.target,
						`transform "${name}" has unknown option ${unknown.map((k) => `"${k}"`).join(', ')} (it accepts ${definition.options.join(', ') || 'no options'})`,
					);
				}
			}
		}
	});
	return {
		name: typeof profile.name === 'string' && profile.name ? profile.name : 'Custom profile',
		description: profile.description,
		entity: profile.entity,
		fields: profile.fields,
	};
}

/** Maps one item. Never throws for bad item data: the errors come back, each naming its field. */
export function applyProfile(profile: MappingProfile, item: IDataObject): MappingResult {
	const value: IDataObject = {};
	const errors: FieldError[] = [];
	for (const field of profile.fields) {
		const source = field.source?.trim() || undefined;
		let current = source ? getPath(item, source) : undefined;
		if (isEmpty(current) && field.default !== undefined) current = field.default;
		if (isEmpty(current)) {
			if (field.required) errors.push(new FieldError(field.target, 'is required but missing', source));
			continue;
		}
		const input = current;
		const transformed = attempt(() =>
			(field.transforms ?? []).reduce<unknown>(
				(value, spec) => TRANSFORMS[transformName(spec)].apply(value, typeof spec === 'object' ? spec : {}),
				input,
			),
		);
		if (!transformed.ok) {
			const { error } = transformed;
			const problem = error instanceof TransformError ? error.message : `could not be transformed: ${error.message}`;
			errors.push(new FieldError(field.target, problem, source));
			continue;
		}
		current = transformed.value;
		if (isEmpty(current)) {
			if (field.required) errors.push(new FieldError(field.target, 'is required but empty after its transforms', source));
			continue;
		}
		setPath(value, field.target, current);
	}
	return errors.length ? { ok: false, error: new ItemValidationError(errors) } : { ok: true, value };
}

/**
 * The rows editor's short syntax for transforms: steps separated by "|", each a name, or a name and
 * its main option after ":". Examples: `trim | lowercase`, `e164:357`, `minorUnits:2`,
 * `serverTimeToUtc:Europe/Athens`, `sha256:email`, `lookup:{"Cyprus":"CY"}`, or a full JSON object
 * `{"name":"sha256","kind":"phone","destination":"meta"}`.
 */
export function parseTransformList(text: string, field: string): TransformSpec[] {
	const steps: string[] = [];
	let depth = 0;
	let quoted = false;
	let current = '';
	for (const char of text) {
		if (char === '"' && !current.endsWith('\\')) quoted = !quoted;
		if (!quoted && (char === '{' || char === '[')) depth++;
		if (!quoted && (char === '}' || char === ']')) depth--;
		if (char === '|' && depth === 0 && !quoted) {
			steps.push(current);
			current = '';
		} else current += char;
	}
	steps.push(current);
	return steps
		.map((step) => step.trim())
		.filter(Boolean)
		.map((step) => {
			if (step.startsWith('{')) {
				const parsed = attempt(() => JSON.parse(step) as TransformSpec);
				if (!parsed.ok) throw new FieldError(field, `has a transform that is not valid JSON: ${step}`);
				return parsed.value;
			}
			const colon = step.indexOf(':');
			const name = (colon === -1 ? step : step.slice(0, colon)).trim();
			const definition = TRANSFORMS[name];
			if (!definition) {
				throw new FieldError(field, `uses unknown transform "${name}" (known: ${TRANSFORM_NAMES.join(', ')})`);
			}
			if (colon === -1) return name;
			const argument = step.slice(colon + 1).trim();
			if (!definition.shortOption) throw new FieldError(field, `transform "${name}" takes no argument`);
			if (!/^[{["]/.test(argument)) return { name, [definition.shortOption]: argument };
			const parsed = attempt(() => JSON.parse(argument) as unknown);
			if (!parsed.ok) throw new FieldError(field, `transform "${name}" has an argument that is not valid JSON: ${argument}`);
			return { name, [definition.shortOption]: parsed.value };
		});
}
