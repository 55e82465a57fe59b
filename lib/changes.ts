/**
 * "Only changed fields are sent": remembers, per record key, the values last reported, and returns
 * only the fields whose value differs now. The memory is an object the caller keeps (a node's
 * workflow static data, saved by n8n after production runs).
 */
import type { IDataObject } from 'n8n-workflow';

export interface Changes {
	/** The fields whose value differs from the last report (all of them the first time). */
	changed: IDataObject;
	/** Their values before, when known. */
	previous: IDataObject;
}

/**
 * Compares `current` with what was remembered for `key` and remembers `current`. Returns undefined
 * when nothing changed. Values are compared as text, so "100.0" and "100.00" count as different,
 * as the sender wrote them.
 */
export function changesSince(memory: IDataObject, key: string, current: IDataObject, fields: readonly string[]): Changes | undefined {
	const before = (memory[key] as IDataObject | undefined) ?? {};
	const changed: IDataObject = {};
	const previous: IDataObject = {};
	const now: IDataObject = {};
	for (const field of fields) {
		const value = current[field] === undefined ? null : current[field];
		now[field] = value;
		if (!(field in before) || String(before[field]) !== String(value)) {
			changed[field] = value;
			if (field in before) previous[field] = before[field];
		}
	}
	memory[key] = now;
	return Object.keys(changed).length ? { changed, previous } : undefined;
}
