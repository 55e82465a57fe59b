/**
 * IP allow-lists for triggers: a list of addresses and IPv4 CIDR ranges ("203.0.113.7,
 * 198.51.100.0/24"). Vendors publish the addresses their webhooks come from (Sumsub, PSPs); a call
 * from anywhere else is refused before its signature is even checked.
 */
import { FieldError } from './errors';

interface Rule {
	text: string;
	test(address: string): boolean;
}

function ipv4ToNumber(address: string): number | undefined {
	const parts = address.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
		value = value * 256 + Number(part);
	}
	return value;
}

/** Express reports IPv4 clients on a dual-stack socket as "::ffff:1.2.3.4". */
export function normalizeAddress(address: string): string {
	const text = address.trim().toLowerCase();
	return text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text;
}

function parseRule(entry: string, field: string): Rule {
	const [base, bitsText] = entry.split('/');
	if (bitsText !== undefined) {
		const start = ipv4ToNumber(base);
		const bits = Number(bitsText);
		if (start === undefined || !/^\d{1,2}$/.test(bitsText) || bits > 32) {
			throw new FieldError(field, `"${entry}" is not an IPv4 range such as 198.51.100.0/24`);
		}
		const size = 2 ** (32 - bits);
		const low = Math.floor(start / size) * size;
		return { text: entry, test: (address) => {
			const value = ipv4ToNumber(address);
			return value !== undefined && value >= low && value < low + size;
		} };
	}
	const normalized = normalizeAddress(entry);
	if (ipv4ToNumber(normalized) === undefined && !/^[0-9a-f:]+$/.test(normalized)) {
		throw new FieldError(field, `"${entry}" is not an IP address`);
	}
	return { text: entry, test: (address) => address === normalized };
}

/** Parses a comma- or newline-separated list; an empty list allows everyone. */
export function parseAllowList(text: string, field = 'IP Allow-List'): (address: string | undefined) => boolean {
	const rules = text
		.split(/[\s,]+/)
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map((entry) => parseRule(entry, field));
	if (rules.length === 0) return () => true;
	return (address) => {
		if (!address) return false;
		const normalized = normalizeAddress(address);
		return rules.some((rule) => rule.test(normalized));
	};
}
