/**
 * Reading and writing nested values by path: "contact.email", "accounts[0].login",
 * "meta['utm source']". Paths come from mapping profiles that ops staff type, so a malformed path
 * is reported with its text.
 */
import type { IDataObject } from 'n8n-workflow';

import { FieldError } from '../errors';

const SEGMENT = /([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;

export function parsePath(path: string, field = path): Array<string | number> {
	const trimmed = path.trim();
	if (!trimmed) throw new FieldError(field, 'has an empty path');
	const segments: Array<string | number> = [];
	let consumed = '';
	for (const match of trimmed.matchAll(SEGMENT)) {
		const [text, name, index, single, double] = match;
		consumed += text;
		if (index !== undefined) segments.push(Number(index));
		else segments.push((name ?? single ?? double) as string);
	}
	if (consumed.replace(/\./g, '') !== trimmed.replace(/\./g, '')) {
		throw new FieldError(field, `has a malformed path "${path}" (use dots and [index], e.g. contact.phones[0])`);
	}
	return segments;
}

export function getPath(source: unknown, path: string | Array<string | number>): unknown {
	const segments = typeof path === 'string' ? parsePath(path) : path;
	let current: unknown = source;
	for (const segment of segments) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[segment];
	}
	return current;
}

export function setPath(target: IDataObject, path: string | Array<string | number>, value: unknown): void {
	const segments = typeof path === 'string' ? parsePath(path) : path;
	let current: Record<string | number, unknown> = target;
	segments.forEach((segment, i) => {
		if (i === segments.length - 1) {
			current[segment] = value;
			return;
		}
		const next = current[segment];
		if (next === null || typeof next !== 'object') {
			current[segment] = typeof segments[i + 1] === 'number' ? [] : {};
		}
		current = current[segment] as Record<string | number, unknown>;
	});
}
