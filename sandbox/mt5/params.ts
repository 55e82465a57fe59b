/**
 * Reading a Web API request: query parameters (MT5's escaping undone), the optional JSON body, login
 * lists and group masks.
 *
 * - Escaping (MQ docs `webapi_screening`): inside a parameter value `=`, `|`, `\` and line feed are
 *   escaped with a backslash. Group paths keep their single backslash in practice
 *   (`group=demo\forex` in the docs' own examples), so a backslash before any other character is
 *   taken literally: `demo\forex` and `demo\\forex` both mean the group demo\forex.
 * - Query parameter names are matched case-insensitively (the raw protocol writes them upper-case,
 *   REST lower-case); JSON body field names are case-sensitive (`webapi_https`).
 * - A body is JSON even though the documented Content-Type is application/x-www-form-urlencoded
 *   (`webapi_https`); a body that is not a JSON object is refused with retcode 3.
 *
 * Deviation: the sandbox sees the query through URLSearchParams, which reads "+" as a space. The
 * docs tell clients to send spaces as %20, so a client following them is unaffected.
 */
import { Mt5Error, RET } from './retcodes';

export function unescapeValue(raw: string): string {
	return raw.replace(/\\([=|\\\n])/g, '$1');
}

export class Mt5Params {
	private readonly values = new Map<string, string>();
	private parsedBody?: Record<string, unknown>;

	constructor(
		query: URLSearchParams,
		private readonly rawBody: Buffer,
	) {
		for (const [name, value] of query) this.values.set(name.toLowerCase(), unescapeValue(value));
	}

	has(name: string): boolean {
		return this.values.has(name.toLowerCase());
	}

	/** The unescaped value, or undefined when absent or empty. */
	text(name: string): string | undefined {
		const value = this.values.get(name.toLowerCase());
		return value === undefined || value === '' ? undefined : value;
	}

	required(name: string): string {
		const value = this.text(name);
		if (value === undefined) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" is required`);
		return value;
	}

	/** A whole number, or undefined when absent; anything else is retcode 3. */
	integer(name: string): number | undefined {
		const value = this.text(name);
		if (value === undefined) return undefined;
		if (!/^-?\d+$/.test(value.trim())) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" must be a whole number, got "${value}"`);
		return Number(value);
	}

	requiredInteger(name: string): number {
		const value = this.integer(name);
		if (value === undefined) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" is required`);
		return value;
	}

	/** The JSON body as an object ({} when there is none). */
	body(): Record<string, unknown> {
		if (this.parsedBody) return this.parsedBody;
		const text = this.rawBody.toString('utf8').trim();
		if (text === '') return (this.parsedBody = {});
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			throw new Mt5Error(RET.ERR_PARAMS, 'the request body is not JSON');
		}
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new Mt5Error(RET.ERR_PARAMS, 'the request body must be a JSON object');
		}
		return (this.parsedBody = parsed as Record<string, unknown>);
	}
}

/** "700001,700002" → [700001, 700002]; retcode 3 for anything that is not a login. */
export function parseLogins(text: string, name = 'login'): number[] {
	return splitList(text).map((part) => parsePositiveInteger(part, name));
}

/** "136623,136624" → tickets. */
export function parseTickets(text: string): number[] {
	return parseLogins(text, 'ticket');
}

function parsePositiveInteger(text: string, name: string): number {
	if (!/^\d+$/.test(text)) throw new Mt5Error(RET.ERR_PARAMS, `"${name}" must list whole numbers, got "${text}"`);
	return Number(text);
}

function splitList(text: string): string[] {
	const parts = text
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p !== '');
	if (parts.length === 0) throw new Mt5Error(RET.ERR_PARAMS, 'an empty list');
	return parts;
}

/**
 * An MT5 group mask (MQ docs `webapi_user_get_batch`: `group=demo*,!demoforex`): comma-separated
 * patterns, `*` matches any run of characters, a leading `!` excludes. A group is selected when it
 * matches at least one plain pattern and no excluding one. Group names compare case-insensitively.
 */
export function groupMatcher(mask: string): (group: string) => boolean {
	const include: RegExp[] = [];
	const exclude: RegExp[] = [];
	for (const part of splitList(mask)) {
		const negated = part.startsWith('!');
		(negated ? exclude : include).push(patternRegExp(negated ? part.slice(1) : part));
	}
	return (group) => include.some((re) => re.test(group)) && !exclude.some((re) => re.test(group));
}

function patternRegExp(pattern: string): RegExp {
	const body = pattern
		.split('*')
		.map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${body}$`, 'i');
}
