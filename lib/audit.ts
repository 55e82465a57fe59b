/**
 * The audit trail: every change our workflows make in another system (an account created, a balance
 * operation, a group change, a withdrawal released, a KYC reset, an audience change) is written as an
 * audit record (lib/model.ts `AuditRecord`) to an n8n Data Table. The records form a hash chain, so a
 * record edited, deleted, inserted or moved afterwards is detectable by `verifyChain`.
 *
 * The hash, so that an auditor can re-compute it by hand:
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of
 *          previousHash + "\n" + canonical JSON of the record without its `hash` field
 *
 * - The record without `hash` has exactly these 12 fields: action, atUtc, detail, executionId,
 *   idempotencyKey, outcome, previousHash, sequence, subject, system, workflowId, workflowName.
 *   `sequence` is a JSON number; every other field is a JSON string ('' when empty). Any other
 *   column a Data Table adds (its row id, createdAt, updatedAt) is not part of the record.
 * - Canonical JSON (lib/idempotency.ts `canonicalJson`): keys sorted in plain ascending character
 *   order (the order above), no whitespace anywhere, strings escaped as JSON.stringify does.
 * - `previousHash` is the previous record's `hash`; the first record (sequence 1) has 64 zeros.
 * - `sequence` is 1 for the first record and one more than the previous record for each next one.
 *
 * Worked example (the unit test re-computes it): the record
 *   {"action":"balance.deposit","atUtc":"2026-11-26T09:30:00.000Z","detail":"","executionId":"4711",
 *    "idempotencyKey":"praxis:8823","outcome":"applied","previousHash":"000…000" (64 zeros),
 *    "sequence":1,"subject":"100234","system":"mt5","workflowId":"wf1","workflowName":"Deposits"}
 * hashes (after "000…000\n") to dce701ced9b6601d567c8e25c335ab33536f01a9cda0b8987f777ac7e98e0d82.
 * Shell: printf '%s\n%s' "$PREVIOUS_HASH" "$CANONICAL_JSON" | sha256sum
 *
 * What the chain does not do: whoever can rewrite the whole table can re-compute every hash after
 * the record they changed. Keep the latest hash somewhere else too (a daily alert, a ticket) to
 * anchor it. Two executions writing at the same moment both chain after the same last record; the
 * check then reports the second as reordered, so write audit records from one place. The shipped
 * templates do: each appends its changes to an outbox table, and workflows/audit-trail.json alone
 * chains them. A record is a pure function of its entry and the previous record, so two overlapping
 * runs of that workflow compute the same record for the same outbox row and store it once (matched
 * on the row's id).
 *
 * Records keep no secrets and personal data only as needed: a field that looks like a password,
 * secret, token or API key is refused, and so is an e-mail address in the subject or detail (use
 * the client id or login).
 */

import { createHash } from 'crypto';

import { attempt, FieldError } from './errors';
import { canonicalJson } from './idempotency';
import type { AuditOutcome, AuditRecord } from './model';
import { toUtcDateTime } from './time';

/** The previousHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['applied', 'alreadyApplied', 'failed'];

export type UnhashedAuditRecord = Omit<AuditRecord, 'hash'>;

/** What a workflow says about one change; the chain fields are added by `chainRecord`. */
export type AuditEntry = Omit<AuditRecord, 'sequence' | 'previousHash' | 'hash'>;

/** The last record of a chain, as much of it as the next record needs. */
export interface ChainHead {
	/** 0 before the first record. */
	sequence: number;
	hash: string;
}

export const GENESIS: ChainHead = { sequence: 0, hash: GENESIS_HASH };

const HASH = /^[0-9a-f]{64}$/;
const SYSTEM = /^[a-z][a-z0-9_]{0,39}$/;
const ACTION = /^[a-z][a-zA-Z0-9_]*(?:\.[a-z][a-zA-Z0-9_]*)+$/;
const SECRET_NAME = /pass(?:word|wd|phrase)|secret|token|api[-_ ]?key|private[-_ ]?key|authorization/i;
/** A secret-looking name followed by ":" or "=", as in "apiKey=..." or "password: ...". */
const SECRET_IN_TEXT =
	/([A-Za-z0-9_.-]*(?:pass(?:word|wd|phrase)|secret|token|api[-_ ]?key|private[-_ ]?key|authorization)[A-Za-z0-9_.-]*)["']?\s*[:=]/i;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/;
const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[A-Za-z]{2,}/;

const MAX_SUBJECT = 200;
const MAX_KEY = 200;
const MAX_DETAIL = 500;
const MAX_NAME = 200;

/** The record's hash: see the file header for the scheme. */
export function auditHash(record: UnhashedAuditRecord): string {
	const unhashed: UnhashedAuditRecord = {
		atUtc: record.atUtc,
		workflowId: record.workflowId,
		workflowName: record.workflowName,
		executionId: record.executionId,
		system: record.system,
		action: record.action,
		subject: record.subject,
		idempotencyKey: record.idempotencyKey,
		outcome: record.outcome,
		detail: record.detail,
		sequence: record.sequence,
		previousHash: record.previousHash,
	};
	return createHash('sha256').update(`${record.previousHash}\n${canonicalJson(unhashed)}`, 'utf8').digest('hex');
}

/** The entry as the next record of the chain after `head`. */
export function chainRecord(entry: AuditEntry, head: ChainHead = GENESIS): AuditRecord {
	const unhashed: UnhashedAuditRecord = { ...entry, sequence: head.sequence + 1, previousHash: head.hash };
	return { ...unhashed, hash: auditHash(unhashed) };
}

// ---------------------------------------------------------------------------------------------
// Reading an entry: each reader names the parameter at fault.

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

const NO_SECRETS = 'audit records never hold passwords, secrets, tokens or API keys: pass only what the record needs';
const NO_EMAIL = 'audit records keep personal data to ids: give the client ID or login instead';

/** Throws when a text holds something that looks like a secret or an e-mail address. */
function refuseSecretsAndEmails(text: string, field: string): void {
	const named = SECRET_IN_TEXT.exec(text);
	if (named) throw new FieldError(field, `holds "${named[1]}", which looks like a secret; ${NO_SECRETS}`);
	if (BEARER.test(text)) throw new FieldError(field, `holds a bearer token; ${NO_SECRETS}`);
	if (EMAIL.test(text)) throw new FieldError(field, `holds an e-mail address; ${NO_EMAIL}`);
}

/** Field names at any depth that look like secrets, as dotted paths. */
function secretPaths(value: unknown, path: string[] = []): string[] {
	if (Array.isArray(value)) return value.flatMap((entry, index) => secretPaths(entry, [...path, String(index)]));
	if (value === null || typeof value !== 'object') return [];
	return Object.entries(value as Record<string, unknown>).flatMap(([key, entry]) =>
		SECRET_NAME.test(key) ? [[...path, key].join('.')] : secretPaths(entry, [...path, key]),
	);
}

/** A short single text: numbers are written as text, nothing is ''. */
function text(value: unknown, field: string, maxLength: number): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') throw new FieldError(field, `must be text, got ${show(value)}`);
	const trimmed = value.trim();
	if (trimmed.length > maxLength) throw new FieldError(field, `is ${trimmed.length} characters long; at most ${maxLength} are kept`);
	return trimmed;
}

export function readSystem(value: unknown, field = 'System'): string {
	if (isBlank(value)) throw new FieldError(field, 'is required: the system that was changed, e.g. mt5, ctrader, praxis or crm');
	const system = typeof value === 'string' ? value.trim().toLowerCase() : value;
	if (typeof system !== 'string' || !SYSTEM.test(system)) {
		throw new FieldError(field, `must be a system name of lower-case letters, digits and _ such as mt5, ctrader or google_ads, got ${show(value)}`);
	}
	return system;
}

export function readAction(value: unknown, field = 'Action'): string {
	if (isBlank(value)) throw new FieldError(field, 'is required: what was done, e.g. account.created or balance.deposit');
	const action = typeof value === 'string' ? value.trim() : value;
	if (typeof action !== 'string' || action.length > 80 || !ACTION.test(action)) {
		throw new FieldError(field, `must be "<thing>.<verb>" such as account.created, balance.deposit or kyc.reset, got ${show(value)}`);
	}
	return action;
}

export function readOutcome(value: unknown, field = 'Outcome'): AuditOutcome {
	if (isBlank(value)) throw new FieldError(field, 'is required: applied, alreadyApplied or failed');
	const squeezed = typeof value === 'string' ? value.replace(/[\s_-]/g, '').toLowerCase() : '';
	const outcome = AUDIT_OUTCOMES.find((known) => known.toLowerCase() === squeezed);
	if (!outcome) throw new FieldError(field, `must be applied, alreadyApplied or failed, got ${show(value)}`);
	return outcome;
}

/** Whom or what the change was done to: an id, never a name or an e-mail address. */
export function readSubject(value: unknown, field = 'Subject'): string {
	const subject = text(value, field, MAX_SUBJECT);
	if (EMAIL.test(subject)) throw new FieldError(field, `looks like an e-mail address; ${NO_EMAIL}`);
	refuseSecretsAndEmails(subject, field);
	return subject;
}

export function readIdempotencyKey(value: unknown, field = 'Idempotency Key'): string {
	const key = text(value, field, MAX_KEY);
	refuseSecretsAndEmails(key, field);
	return key;
}

/**
 * A short note. An object (e.g. a vendor's answer) is kept as compact JSON, after checking that no
 * field in it looks like a secret.
 */
export function readDetail(value: unknown, field = 'Detail'): string {
	let detail: unknown = value;
	if (value !== null && typeof value === 'object') {
		const secrets = secretPaths(value);
		if (secrets.length) throw new FieldError(field, `holds a field "${secrets[0]}" that looks like a secret; ${NO_SECRETS}`);
		detail = JSON.stringify(value);
	}
	if (typeof detail === 'boolean') detail = String(detail);
	const note = text(detail, field, MAX_DETAIL);
	refuseSecretsAndEmails(note, field);
	return note;
}

/** When the change happened, as an ISO-8601 UTC instant with milliseconds and Z. */
export function readAtUtc(value: unknown, field = 'Time'): string {
	if (isBlank(value)) throw new FieldError(field, 'is required: when the change happened, e.g. 2026-11-26T09:30:00Z');
	const read = attempt(() => toUtcDateTime(value as string, field));
	if (!read.ok) throw new FieldError(field, `must be an ISO-8601 date-time such as "2026-11-26T09:30:00Z", got ${show(value)}`);
	return read.value.toISO();
}

/** Every field of an entry checked; keys are the record's field names. */
export function readAuditEntry(raw: Record<keyof AuditEntry, unknown>): AuditEntry {
	return {
		atUtc: readAtUtc(raw.atUtc),
		workflowId: text(raw.workflowId, 'Workflow ID', MAX_NAME),
		workflowName: text(raw.workflowName, 'Workflow Name', MAX_NAME),
		executionId: text(raw.executionId, 'Execution ID', MAX_NAME),
		system: readSystem(raw.system),
		action: readAction(raw.action),
		subject: readSubject(raw.subject),
		idempotencyKey: readIdempotencyKey(raw.idempotencyKey),
		outcome: readOutcome(raw.outcome),
		detail: readDetail(raw.detail),
	};
}

function readSequence(value: unknown): number | undefined {
	const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	return typeof number === 'number' && Number.isSafeInteger(number) && number >= 1 ? number : undefined;
}

/**
 * The record to chain after, e.g. the last row read from the Data Table. Empty (nothing, '', {}) is
 * the start of a new chain. Only its sequence and hash are used: checking the stored records is
 * Verify Chain's job.
 */
export function readPreviousRecord(value: unknown, field = 'Previous Record'): ChainHead {
	let record = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return GENESIS;
		const parsed = attempt(() => JSON.parse(value) as unknown);
		if (!parsed.ok) throw new FieldError(field, `must be the last audit record as an object (or empty for the first record), got ${show(value)}`);
		record = parsed.value;
	}
	if (record === undefined || record === null) return GENESIS;
	if (typeof record !== 'object' || Array.isArray(record)) {
		throw new FieldError(field, `must be the last audit record as an object (or empty for the first record), got ${show(value)}`);
	}
	const fields = record as Record<string, unknown>;
	if (Object.keys(fields).length === 0) return GENESIS;
	const sequence = readSequence(fields.sequence);
	if (sequence === undefined) throw new FieldError(field, `has no sequence (a whole number from 1), got ${show(fields.sequence)}: is it an audit record?`);
	if (typeof fields.hash !== 'string' || !HASH.test(fields.hash)) {
		throw new FieldError(field, `has no hash (64 lower-case hex characters), got ${show(fields.hash)}: is it an audit record?`);
	}
	return { sequence, hash: fields.hash };
}

// ---------------------------------------------------------------------------------------------
// Verifying a chain.

export type ChainBreakKind = 'edited' | 'missing' | 'reordered';

export interface ChainBreak {
	/** The record at which the break shows (null when its sequence cannot be read). */
	sequence: number | null;
	kind: ChainBreakKind;
	detail: string;
}

export interface ChainVerification {
	ok: boolean;
	/** How many records were checked. */
	checked: number;
	breaks: ChainBreak[];
}

export interface VerifyOptions {
	/** The records must start at sequence 1 (the whole chain); off to check only its latest part. */
	fromGenesis: boolean;
}

const TEXT_FIELDS = [
	'atUtc',
	'workflowId',
	'workflowName',
	'executionId',
	'system',
	'action',
	'subject',
	'idempotencyKey',
	'outcome',
	'detail',
] as const;

type StoredRecord = { ok: true; record: AuditRecord } | { ok: false; sequence: number | null; problem: string };

/** A stored record as the hash saw it: text fields as text ('' for a table's null), sequence as a number. */
function readStoredRecord(value: unknown): StoredRecord {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, sequence: null, problem: `is not an audit record, got ${show(value)}` };
	}
	const fields = value as Record<string, unknown>;
	const sequence = readSequence(fields.sequence);
	if (sequence === undefined) return { ok: false, sequence: null, problem: `has no valid sequence, got ${show(fields.sequence)}` };
	for (const name of ['hash', 'previousHash'] as const) {
		const hash = fields[name];
		if (typeof hash !== 'string' || !HASH.test(hash)) {
			return { ok: false, sequence, problem: `has no valid ${name} (64 lower-case hex characters), got ${show(hash)}` };
		}
	}
	const texts: Record<string, string> = {};
	for (const name of TEXT_FIELDS) {
		const field = fields[name];
		if (field === undefined || field === null) texts[name] = '';
		else if (typeof field === 'string') texts[name] = field;
		else if (typeof field === 'number' || typeof field === 'boolean') texts[name] = String(field);
		else return { ok: false, sequence, problem: `has ${name} ${show(field)}, which is not text` };
	}
	return {
		ok: true,
		record: {
			...(texts as Omit<AuditRecord, 'outcome' | 'sequence' | 'previousHash' | 'hash'> & { outcome: AuditOutcome }),
			sequence,
			previousHash: fields.previousHash as string,
			hash: fields.hash as string,
		},
	};
}

function describeSequences(sequences: number[]): string {
	if (sequences.length === 1) return `sequence ${sequences[0]} is`;
	const contiguous = sequences[sequences.length - 1] - sequences[0] === sequences.length - 1;
	return contiguous
		? `sequences ${sequences[0]} to ${sequences[sequences.length - 1]} are`
		: `sequences ${sequences.slice(0, 5).join(', ')}${sequences.length > 5 ? ` and ${sequences.length - 5} more` : ''} are`;
}

/**
 * Checks records in the order given (the order they were written: the Data Table's row order, or
 * sorted by sequence) and lists every break:
 * - edited: a record's content no longer matches its hash, or it cannot be read as a record;
 * - missing: sequences are skipped, or a record does not chain onto the one before it (a record
 *   between them was deleted and the later ones renumbered, or the one before was replaced);
 * - reordered: a record comes after a higher or equal sequence (moved, inserted or written twice),
 *   skipped sequences come later in the list, or it chains onto another record than the one before.
 */
export function verifyChain(records: unknown[], options: VerifyOptions): ChainVerification {
	const stored = records.map(readStoredRecord);
	const present = new Set<number>();
	const sequenceByHash = new Map<string, number>();
	for (const entry of stored) {
		if (!entry.ok) continue;
		present.add(entry.record.sequence);
		sequenceByHash.set(entry.record.hash, entry.record.sequence);
	}

	const breaks: ChainBreak[] = [];
	const seen = new Set<number>();
	let previous: ChainHead | undefined = options.fromGenesis ? GENESIS : undefined;
	const follow = (head: ChainHead) => {
		if (!previous || head.sequence > previous.sequence) previous = head;
	};

	stored.forEach((entry, index) => {
		if (!entry.ok) {
			breaks.push({ sequence: entry.sequence, kind: 'edited', detail: `the record at position ${index + 1} ${entry.problem}` });
			return;
		}
		const { record } = entry;
		const duplicate = seen.has(record.sequence);
		seen.add(record.sequence);
		const head = { sequence: record.sequence, hash: record.hash };
		if (auditHash(record) !== record.hash) {
			breaks.push({
				sequence: record.sequence,
				kind: 'edited',
				detail: `the record's content does not match its hash: a field was changed after it was written`,
			});
			follow(head);
			return;
		}
		const linkBreak = previous ? checkLink(previous, record, { duplicate, present, sequenceByHash }) : undefined;
		if (linkBreak) breaks.push(linkBreak);
		follow(head);
	});
	return { ok: breaks.length === 0, checked: records.length, breaks };
}

function checkLink(
	previous: ChainHead,
	record: AuditRecord,
	known: { duplicate: boolean; present: Set<number>; sequenceByHash: Map<string, number> },
): ChainBreak | undefined {
	const { sequence } = record;
	const before = previous.sequence === 0 ? 'the start of the chain' : `sequence ${previous.sequence}`;
	if (sequence <= previous.sequence) {
		return {
			sequence,
			kind: 'reordered',
			detail: known.duplicate
				? `sequence ${sequence} appears more than once: a record was inserted, or two executions wrote at the same time`
				: `sequence ${sequence} comes after sequence ${previous.sequence}: the records are out of order`,
		};
	}
	if (sequence > previous.sequence + 1) {
		const skipped = Array.from({ length: sequence - previous.sequence - 1 }, (_, i) => previous.sequence + 1 + i);
		const absent = skipped.filter((s) => !known.present.has(s));
		return absent.length
			? { sequence, kind: 'missing', detail: `${describeSequences(absent)} missing between ${before} and sequence ${sequence}: deleted` }
			: {
				sequence,
				kind: 'reordered',
				detail: `sequence ${sequence} comes right after ${before}, but ${describeSequences(skipped)} further down: the records are out of order`,
			};
	}
	if (record.previousHash === previous.hash) return undefined;
	const chainedAfter = known.sequenceByHash.get(record.previousHash);
	if (chainedAfter !== undefined) {
		return {
			sequence,
			kind: 'reordered',
			detail: `sequence ${sequence} chains onto another record with sequence ${chainedAfter}, not onto the one before it: a record was inserted or moved`,
		};
	}
	return {
		sequence,
		kind: 'missing',
		detail:
			previous.sequence === 0
				? 'sequence 1 does not start from the genesis hash (64 zeros): earlier records were deleted and the rest renumbered'
				: `sequence ${sequence}'s previousHash is not the hash of sequence ${previous.sequence}: a record between them was deleted and the later ones renumbered, or sequence ${previous.sequence} was replaced`,
	};
}
