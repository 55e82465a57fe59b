/**
 * Idempotency: every money movement carries a key derived from the event that caused it (the PSP's
 * transaction id), so a duplicated, replayed or retried event can be recognised.
 *
 * Two layers use the key:
 * 1. The claim store below stops concurrent executions in ONE n8n process from working on the same
 *    key at once (a duplicate webhook delivered twice in the same second).
 * 2. The vendor's ledger is the final check, and the only one that holds across n8n workers and
 *    restarts: cTrader stores the key as `externalId`; MT5 has no key, so the key goes into the deal
 *    comment (31 characters at most, see `fitKey`) and the node looks for it before any retry.
 */
import { createHash } from 'crypto';

import { FieldError } from './errors';

/** Characters MT5 treats specially in request parameters (=, |, \, line feed) are left out. */
const KEY_PART = /^[A-Za-z0-9._:@#\-/]+$/;

/**
 * A stable key from the source system and its event id: ("praxis", 8823) → "praxis:8823".
 * Extra parts distinguish several movements caused by one event ("praxis:8823:fee").
 */
export function idempotencyKey(source: string, id: string | number, ...parts: Array<string | number>): string {
	const pieces = [source, id, ...parts].map((piece, i) => {
		const text = String(piece ?? '').trim();
		const name = i === 0 ? 'source' : i === 1 ? 'id' : `part ${i - 1}`;
		if (!text) throw new FieldError(`idempotency key ${name}`, 'is empty: the key must come from the source event');
		if (!KEY_PART.test(text)) {
			throw new FieldError(`idempotency key ${name}`, `"${text}" has characters other than letters, digits and . _ : @ # - /`);
		}
		return text;
	});
	return pieces.join(':');
}

/**
 * A key from the content of an event that has no id of its own: the SHA-256 of the chosen fields in
 * a canonical form (sorted keys), so the same event always yields the same key.
 */
export function contentKey(source: string, event: Record<string, unknown>, fields: string[]): string {
	const picked: Record<string, unknown> = {};
	for (const field of [...fields].sort()) {
		if (event[field] === undefined) throw new FieldError(field, 'is missing, and the idempotency key is built from it');
		picked[field] = event[field];
	}
	const digest = createHash('sha256').update(canonicalJson(picked)).digest('base64url');
	return idempotencyKey(source, digest.slice(0, 22));
}

/**
 * JSON with object keys sorted (JavaScript's default string order) and no whitespace; strings and
 * numbers exactly as JSON.stringify writes them. The audit trail's hash chain (lib/audit.ts) hashes
 * records in this form, so changing it breaks every stored chain.
 */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value);
}

/**
 * Fits a key into a vendor field with a length limit (MT5's deal comment holds 31 characters).
 * A key that fits is kept as it is, so people can read it in the platform; a longer one becomes a
 * readable prefix plus a hash of the whole key, which stays unique and stable.
 */
export function fitKey(key: string, maxLength: number): string {
	if (key.length <= maxLength) return key;
	if (maxLength < 16) throw new Error(`a key cannot be made unique in ${maxLength} characters`);
	const hash = createHash('sha256').update(key).digest('base64url').slice(0, 12);
	return `${key.slice(0, maxLength - hash.length - 1)}~${hash}`;
}

export type ClaimOutcome<T> =
	| { status: 'claimed' }
	| { status: 'in_progress'; sinceMs: number }
	| { status: 'done'; result: T; atMs: number };

interface ClaimEntry<T> {
	state: 'in_progress' | 'done';
	atMs: number;
	result?: T;
}

/**
 * Claims on keys inside one n8n process. JavaScript runs one callback at a time, so checking and
 * setting in the same synchronous step is atomic between executions in this process. Entries
 * expire (a crashed execution must not block a key forever; a finished one is remembered for a
 * while so a late duplicate is answered without touching the vendor).
 */
export class ClaimStore<T = unknown> {
	private readonly entries = new Map<string, ClaimEntry<T>>();

	constructor(
		private readonly options: { inProgressTtlMs: number; doneTtlMs: number; maxEntries: number } = {
			inProgressTtlMs: 5 * 60_000,
			doneTtlMs: 24 * 60 * 60_000,
			maxEntries: 100_000,
		},
		private readonly nowMs: () => number = () => Date.now(),
	) {}

	claim(key: string): ClaimOutcome<T> {
		const now = this.nowMs();
		const entry = this.entries.get(key);
		if (entry && !this.expired(entry, now)) {
			return entry.state === 'done'
				? { status: 'done', result: entry.result as T, atMs: entry.atMs }
				: { status: 'in_progress', sinceMs: entry.atMs };
		}
		this.entries.delete(key);
		this.entries.set(key, { state: 'in_progress', atMs: now });
		this.evict();
		return { status: 'claimed' };
	}

	/** The work for the key is done: later claims get this result. */
	complete(key: string, result: T): void {
		this.entries.set(key, { state: 'done', atMs: this.nowMs(), result });
	}

	/** The work failed: drop the claim so a retry can take it. */
	release(key: string): void {
		const entry = this.entries.get(key);
		if (entry?.state === 'in_progress') this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}

	clear(): void {
		this.entries.clear();
	}

	private expired(entry: ClaimEntry<T>, now: number): boolean {
		const ttl = entry.state === 'done' ? this.options.doneTtlMs : this.options.inProgressTtlMs;
		return now - entry.atMs >= ttl;
	}

	/** Oldest first: a Map iterates in insertion order, and claims re-insert. */
	private evict(): void {
		for (const key of this.entries.keys()) {
			if (this.entries.size <= this.options.maxEntries) break;
			this.entries.delete(key);
		}
	}
}

/** The claim store shared by every node in this n8n process. */
export const processClaims = new ClaimStore();

/** Work in flight in this process, by key: concurrent duplicates wait for it and share its result. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Runs `work` once per key inside this n8n process: a duplicate that arrives while it runs waits
 * and gets the same result; one that arrives later gets the remembered result (unless `remember`
 * is off, e.g. when the result holds a secret). `duplicate` tells the caller which case it is.
 * A failure is not remembered, so a retry can run the work again. Across processes, the caller's
 * own check of the vendor's ledger is what prevents a second effect.
 */
export async function onceInProcess<T>(
	key: string,
	work: () => Promise<T>,
	options: { remember?: boolean } = {},
): Promise<{ result: T; duplicate: boolean }> {
	const remember = options.remember !== false;
	if (remember) {
		const remembered = processClaims.claim(key);
		if (remembered.status === 'done') return { result: remembered.result as T, duplicate: true };
	}
	const running = inFlight.get(key) as Promise<T> | undefined;
	if (running) return { result: await running, duplicate: true };

	const started = work();
	inFlight.set(key, started);
	try {
		const result = await started;
		if (remember) processClaims.complete(key, result);
		return { result, duplicate: false };
	} finally {
		inFlight.delete(key);
		if (remember) processClaims.release(key);
	}
}
