import { createHash } from 'node:crypto';

import {
	auditHash,
	chainRecord,
	GENESIS_HASH,
	readAuditEntry,
	readDetail,
	readPreviousRecord,
	verifyChain,
	type AuditEntry,
} from '../../lib/audit';
import { FieldError } from '../../lib/errors';
import type { AuditRecord } from '../../lib/model';

const ZEROS = '0'.repeat(64);

/** The documented scheme, written out again here without the library: sorted keys, no whitespace. */
function expectedHash(record: Omit<AuditRecord, 'hash'>): string {
	const keys = Object.keys(record).sort();
	const json = `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify((record as unknown as Record<string, unknown>)[key])}`).join(',')}}`;
	return createHash('sha256').update(`${record.previousHash}\n${json}`, 'utf8').digest('hex');
}

const entry = (more: Partial<AuditEntry> = {}): AuditEntry => ({
	atUtc: '2026-11-26T09:30:00.000Z',
	workflowId: 'wf1',
	workflowName: 'Deposits',
	executionId: '4711',
	system: 'mt5',
	action: 'balance.deposit',
	subject: '100234',
	idempotencyKey: 'praxis:8823',
	outcome: 'applied',
	detail: '',
	...more,
});

/** A chain of `count` records, each a deposit with its own key. */
function chain(count: number): AuditRecord[] {
	const records: AuditRecord[] = [];
	for (let i = 0; i < count; i++) {
		const previous = records[records.length - 1];
		records.push(chainRecord(entry({ idempotencyKey: `praxis:${8800 + i}` }), previous ?? undefined));
	}
	return records;
}

const kinds = (records: unknown[], fromGenesis = true) =>
	verifyChain(records, { fromGenesis }).breaks.map((b) => [b.sequence, b.kind]);

describe('the hash chain', () => {
	it('hashes the worked example of the documentation to the documented value', () => {
		const record = chainRecord(entry());
		expect(record.hash).toBe('dce701ced9b6601d567c8e25c335ab33536f01a9cda0b8987f777ac7e98e0d82');
		const canonical =
			`{"action":"balance.deposit","atUtc":"2026-11-26T09:30:00.000Z","detail":"","executionId":"4711","idempotencyKey":"praxis:8823",` +
			`"outcome":"applied","previousHash":"${ZEROS}","sequence":1,"subject":"100234","system":"mt5","workflowId":"wf1","workflowName":"Deposits"}`;
		expect(createHash('sha256').update(`${ZEROS}\n${canonical}`).digest('hex')).toBe(record.hash);
	});

	it('starts at sequence 1 after the genesis hash of 64 zeros', () => {
		const record = chainRecord(entry());
		expect(GENESIS_HASH).toBe(ZEROS);
		expect(record).toMatchObject({ sequence: 1, previousHash: ZEROS });
	});

	it('chains each record after the previous one: next sequence, previous hash, hash of both', () => {
		const [first, second, third] = chain(3);
		expect(second).toMatchObject({ sequence: 2, previousHash: first.hash });
		expect(third).toMatchObject({ sequence: 3, previousHash: second.hash });
		for (const record of [first, second, third]) {
			const { hash, ...unhashed } = record;
			expect(hash).toMatch(/^[0-9a-f]{64}$/);
			expect(expectedHash(unhashed)).toBe(hash);
		}
	});

	it('ignores extra columns a Data Table adds when hashing a stored row', () => {
		const [record] = chain(1);
		const row = { id: 7, createdAt: '2026-11-26T09:30:01.000Z', ...record };
		expect(auditHash(row)).toBe(record.hash);
	});
});

describe('verifying a chain', () => {
	it('accepts an untouched chain', () => {
		expect(verifyChain(chain(4), { fromGenesis: true })).toEqual({ ok: true, checked: 4, breaks: [] });
	});

	it('accepts an empty trail', () => {
		expect(verifyChain([], { fromGenesis: true })).toEqual({ ok: true, checked: 0, breaks: [] });
	});

	it('accepts rows as a Data Table returns them: sequence as text, empty text as null', () => {
		const rows = chain(2).map((r) => ({ ...r, sequence: String(r.sequence), detail: null }));
		expect(verifyChain(rows, { fromGenesis: true }).ok).toBe(true);
	});

	it('reports an edited record as edited, and only that record', () => {
		const records = chain(4);
		records[1] = { ...records[1], subject: '999999' };
		expect(verifyChain(records, { fromGenesis: true })).toEqual({
			ok: false,
			checked: 4,
			breaks: [{ sequence: 2, kind: 'edited', detail: "the record's content does not match its hash: a field was changed after it was written" }],
		});
	});

	it('reports a deleted record as missing, naming its sequence', () => {
		const records = chain(4);
		records.splice(2, 1);
		expect(verifyChain(records, { fromGenesis: true }).breaks).toEqual([
			{ sequence: 4, kind: 'missing', detail: 'sequence 3 is missing between sequence 2 and sequence 4: deleted' },
		]);
	});

	it('reports deleted first records as missing when the whole chain is checked', () => {
		expect(kinds(chain(4).slice(2))).toEqual([[3, 'missing']]);
	});

	it('accepts the latest part of a chain when it need not start at record 1', () => {
		expect(verifyChain(chain(5).slice(2), { fromGenesis: false })).toEqual({ ok: true, checked: 3, breaks: [] });
	});

	it('reports a deletion hidden by renumbering and re-hashing the later records as missing', () => {
		const records = chain(4);
		records.splice(2, 1);
		const forged = chainRecord(entry({ idempotencyKey: records[2].idempotencyKey }), { sequence: 2, hash: 'f'.repeat(64) });
		records[2] = forged;
		expect(verifyChain(records, { fromGenesis: true }).breaks).toEqual([
			{
				sequence: 3,
				kind: 'missing',
				detail:
					"sequence 3's previousHash is not the hash of sequence 2: a record between them was deleted and the later ones renumbered, or sequence 2 was replaced",
			},
		]);
	});

	it('reports two swapped records as reordered', () => {
		const records = chain(5);
		[records[2], records[3]] = [records[3], records[2]];
		expect(kinds(records)).toEqual([
			[4, 'reordered'],
			[3, 'reordered'],
		]);
		expect(verifyChain(records, { fromGenesis: true }).breaks[0].detail).toBe(
			'sequence 4 comes right after sequence 2, but sequence 3 is further down: the records are out of order',
		);
	});

	it('reports an inserted record with a sequence already used as reordered', () => {
		const records = chain(3);
		const inserted = chainRecord(entry({ action: 'balance.withdrawal' }), { sequence: 1, hash: records[0].hash });
		records.splice(2, 0, inserted);
		expect(verifyChain(records, { fromGenesis: true }).breaks).toEqual([
			{
				sequence: 2,
				kind: 'reordered',
				detail: 'sequence 2 appears more than once: a record was inserted, or two executions wrote at the same time',
			},
		]);
	});

	it('reports a record that cannot be read as one as edited, with its position', () => {
		const records: unknown[] = chain(2);
		records.push({ ...chain(3)[2], hash: 'not a hash' });
		expect(verifyChain(records, { fromGenesis: true }).breaks).toEqual([
			{ sequence: 3, kind: 'edited', detail: 'the record at position 3 has no valid hash (64 lower-case hex characters), got "not a hash"' },
		]);
	});
});

describe('reading an audit entry', () => {
	const raw = (more: Record<string, unknown> = {}) => ({ ...entry(), ...more }) as Parameters<typeof readAuditEntry>[0];
	const problem = (more: Record<string, unknown>) => {
		try {
			readAuditEntry(raw(more));
		} catch (error) {
			return error instanceof FieldError ? error.message : `not a FieldError: ${String(error)}`;
		}
		return 'no error';
	};

	it('keeps a valid entry, with the time in UTC and numbers as text', () => {
		expect(readAuditEntry(raw({ atUtc: '2026-11-26T11:30:00+02:00', subject: 100234, system: ' MT5 ', outcome: 'already_applied' }))).toEqual(
			entry({ outcome: 'alreadyApplied' }),
		);
	});

	it('refuses a detail naming a password, token, secret or API key', () => {
		expect(problem({ detail: 'login ok, password=hunter2' })).toBe(
			'"Detail": holds "password", which looks like a secret; audit records never hold passwords, secrets, tokens or API keys: pass only what the record needs',
		);
		expect(problem({ detail: 'apiKey: abc123' })).toMatch(/^"Detail": holds "apiKey", which looks like a secret/);
		expect(problem({ idempotencyKey: 'accessToken=xyz' })).toMatch(/^"Idempotency Key": holds "accessToken", which looks like a secret/);
		expect(problem({ detail: 'Authorization Bearer eyJhbGciOiJIUzI1NiJ9' })).toMatch(/^"Detail": holds a bearer token/);
	});

	it('refuses an object detail with a field that looks like a secret, naming the field', () => {
		expect(() => readDetail({ login: 100234, credentials: { api_key: 'k' } })).toThrow(
			'"Detail": holds a field "credentials.api_key" that looks like a secret',
		);
		expect(readDetail({ login: 100234, deal: 88231 })).toBe('{"login":100234,"deal":88231}');
	});

	it('refuses an e-mail address as the subject: ids only', () => {
		expect(problem({ subject: 'Jane.Doe@example.com' })).toBe(
			'"Subject": looks like an e-mail address; audit records keep personal data to ids: give the client ID or login instead',
		);
		expect(problem({ detail: 'sent to jane@example.com' })).toMatch(/^"Detail": holds an e-mail address/);
	});

	it('names the field of a missing or malformed value', () => {
		expect(problem({ system: '' })).toBe('"System": is required: the system that was changed, e.g. mt5, ctrader, praxis or crm');
		expect(problem({ action: 'deposit' })).toBe(
			'"Action": must be "<thing>.<verb>" such as account.created, balance.deposit or kyc.reset, got "deposit"',
		);
		expect(problem({ outcome: 'done' })).toBe('"Outcome": must be applied, alreadyApplied or failed, got "done"');
		expect(problem({ atUtc: 'yesterday' })).toBe('"Time": must be an ISO-8601 date-time such as "2026-11-26T09:30:00Z", got "yesterday"');
		expect(problem({ detail: 'x'.repeat(501) })).toBe('"Detail": is 501 characters long; at most 500 are kept');
	});
});

describe('reading the previous record', () => {
	it('starts a new chain when it is empty', () => {
		for (const empty of ['', undefined, null, {}]) expect(readPreviousRecord(empty)).toEqual({ sequence: 0, hash: ZEROS });
	});

	it('takes the sequence and hash of a stored row, also from JSON text', () => {
		const [record] = chain(1);
		expect(readPreviousRecord({ id: 1, ...record, sequence: '1' })).toEqual({ sequence: 1, hash: record.hash });
		expect(readPreviousRecord(JSON.stringify(record))).toEqual({ sequence: 1, hash: record.hash });
	});

	it('refuses something that is not an audit record, naming the parameter', () => {
		expect(() => readPreviousRecord({ name: 'row' })).toThrow(
			'"Previous Record": has no sequence (a whole number from 1), got nothing: is it an audit record?',
		);
		expect(() => readPreviousRecord({ sequence: 3, hash: 'ABC' })).toThrow(
			'"Previous Record": has no hash (64 lower-case hex characters), got "ABC": is it an audit record?',
		);
	});
});
