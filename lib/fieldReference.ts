/**
 * Per-item parameters read without n8n's expression engine when the expression is nothing but a
 * field of the item, e.g. `={{ $json.login }}` or `={{ $json["client"]["id"] }}` — which is how
 * templates and most users fill Login, Amount and Idempotency Key.
 *
 * Why: n8n evaluates every expression through a fresh data proxy and global context (~0.15 ms on
 * the build machine); a balance operation reads three per item, which is most of what our node
 * adds to the platform's own round trips (see `npm run bench`, node overhead).
 *
 * The shortcut answers only when it gives exactly what n8n gives: a top-level parameter whose whole
 * value is one `$json` path of own properties (no functions, no other nodes, no text around it)
 * ending in a string, a finite number or a boolean — for those n8n returns the value unchanged. For
 * anything else (a template such as `praxis:{{ $json.id }}`, a missing field, an object, `$('Node')`,
 * a name n8n refuses such as `constructor`) it asks n8n. The equivalence is a unit test against
 * n8n-core's own evaluation (test/node/field-reference.test.ts).
 */
import { isSafeObjectProperty, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;
const BRACKET = /^\[\s*(?:"([^"\\]*)"|'([^'\\]*)'|(\d+))\s*\]/;
const WRAPPER = /^=\{\{\s*\$json(?=[.[])(.*?)\s*\}\}$/s;

/** Parsed `$json` paths by raw parameter value (null: not a plain field reference). */
const parsed = new Map<string, PathSegment[] | null>();
const PARSED_MAX = 1_000;

/** The `$json` path of a plain field reference (`={{ $json.a["b"][0] }}`), or null. */
export function fieldReference(raw: string): PathSegment[] | null {
	const known = parsed.get(raw);
	if (known !== undefined) return known;
	const path = parsePath(raw);
	// Parameter values are few (one per node setting); the bound only guards against a runaway.
	if (parsed.size >= PARSED_MAX) parsed.clear();
	parsed.set(raw, path);
	return path;
}

function parsePath(raw: string): PathSegment[] | null {
	const wrapped = WRAPPER.exec(raw);
	if (!wrapped) return null;
	let rest = wrapped[1];
	const path: PathSegment[] = [];
	while (rest.length > 0) {
		if (rest[0] === '.') {
			const name = IDENTIFIER.exec(rest.slice(1));
			if (!name) return null;
			path.push(name[0]);
			rest = rest.slice(1 + name[0].length);
		} else {
			const bracket = BRACKET.exec(rest);
			if (!bracket) return null;
			path.push(bracket[3] !== undefined ? Number(bracket[3]) : (bracket[1] ?? bracket[2]));
			rest = rest.slice(bracket[0].length);
		}
	}
	// n8n refuses names such as constructor or __proto__ (an error): leave those to it.
	if (path.some((segment) => typeof segment === 'string' && !isSafeObjectProperty(segment))) return null;
	return path.length > 0 ? path : null;
}

/** The value at `path` when every step is an own property and it ends in a plain scalar. */
function scalarAt(root: unknown, path: PathSegment[]): string | number | boolean | undefined {
	let value: unknown = root;
	for (const segment of path) {
		if (typeof value !== 'object' || value === null) return undefined;
		if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
		value = (value as Record<PathSegment, unknown>)[segment];
	}
	if (typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	return undefined;
}

/**
 * `ctx.getNodeParameter(name, itemIndex, fallback)` for a top-level parameter of our own (none declares
 * `validateType`, which would make n8n convert the value), with the shortcut above.
 */
export function itemParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): unknown {
	const raw = ctx.getNodeParameter(name, itemIndex, fallback, { rawExpressions: true });
	// A fixed value is not evaluated by n8n either.
	if (typeof raw === 'number' || typeof raw === 'boolean' || (typeof raw === 'string' && !raw.startsWith('='))) return raw;
	if (typeof raw === 'string') {
		const value = referencedScalar(raw, ctx.getInputData()[itemIndex]?.json);
		if (value !== undefined) return value;
	}
	return ctx.getNodeParameter(name, itemIndex, fallback);
}

/** What a plain field reference gives for this item, or undefined when n8n must evaluate `raw`. */
export function referencedScalar(raw: string, json: unknown): string | number | boolean | undefined {
	if (!raw.startsWith('={{')) return undefined;
	const path = fieldReference(raw);
	return path ? scalarAt(json, path) : undefined;
}

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * A collection parameter (Options, Retry and Timeout) as the node stores it, when nothing in it is an
 * expression — n8n would only hand back an equal copy — or undefined when it must be evaluated.
 * It is the node's own settings object: read it, never change it.
 */
export function fixedCollection(ctx: IExecuteFunctions, name: string, itemIndex: number): IDataObject | undefined {
	const raw = ctx.getNodeParameter(name, itemIndex, {}, { rawExpressions: true });
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || holdsExpression(raw)) return undefined;
	return raw as IDataObject;
}
