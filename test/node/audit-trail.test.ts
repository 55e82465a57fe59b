import { createHash } from 'node:crypto';

import { DateTime } from 'luxon';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/audit-trail.json';

const workflow = fixture as unknown as WorkflowJson;
const RECORD = 'Record Audit';
const VERIFY = 'Verify Audit Chain';
const ZEROS = '0'.repeat(64);

function withNode(name: string, parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((n) => (n.name === name ? { ...n, ...node, parameters: { ...n.parameters, ...parameters } } : n)),
	};
}

const change = (more: IDataObject = {}): IDataObject => ({
	system: 'mt5',
	action: 'balance.deposit',
	subject: '100234',
	idempotencyKey: 'praxis:8823',
	outcome: 'applied',
	detail: 'deposit 250.00 USD, deal 88231',
	...more,
});

/** The documented hash, computed here with node:crypto alone. */
function documentedHash(record: IDataObject): string {
	const { hash: _hash, ...unhashed } = record;
	const json = `{${Object.keys(unhashed)
		.sort()
		.map((key) => `${JSON.stringify(key)}:${JSON.stringify(unhashed[key])}`)
		.join(',')}}`;
	return createHash('sha256').update(`${String(record.previousHash)}\n${json}`).digest('hex');
}

async function recordChanges(changes: IDataObject[]): Promise<IDataObject[]> {
	const run = await runWorkflow(workflow, { input: changes });
	const [records, errors] = run.outputs[RECORD];
	expect(errors).toEqual([]);
	return records.map((item) => item.json);
}

describe('Audit Trail in a workflow', () => {
	it('records each change as a chained audit record that Verify Chain accepts', async () => {
		const before = DateTime.utc();
		const run = await runWorkflow(workflow, {
			input: [change(), change({ action: 'group.changed', idempotencyKey: '', detail: '' }), change({ system: 'praxis', action: 'withdrawal.released', subject: 'C-17' })],
		});

		expect(run.status).toBe('success');
		const [records, errors] = run.outputs[RECORD];
		expect(errors).toEqual([]);
		expect(records.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const [first, second, third] = records.map((item) => item.json);
		expect(first).toEqual({
			atUtc: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			workflowId: 'test-workflow',
			workflowName: 'Audit trail of deposits',
			executionId: 'test-execution',
			system: 'mt5',
			action: 'balance.deposit',
			subject: '100234',
			idempotencyKey: 'praxis:8823',
			outcome: 'applied',
			detail: 'deposit 250.00 USD, deal 88231',
			sequence: 1,
			previousHash: ZEROS,
			hash: documentedHash(first),
		});
		expect(DateTime.fromISO(first.atUtc as string).toMillis()).toBeGreaterThanOrEqual(before.startOf('second').toMillis());
		expect(second).toMatchObject({ sequence: 2, previousHash: first.hash, hash: documentedHash(second), idempotencyKey: '' });
		expect(third).toMatchObject({ sequence: 3, previousHash: second.hash, hash: documentedHash(third), system: 'praxis' });

		const [summary] = run.outputs[VERIFY];
		expect(summary).toEqual([{ json: { ok: true, checked: 3, breaks: [] }, pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }] }]);
	});

	it('chains after the Previous Record read from the audit table', async () => {
		const [last] = await recordChanges([change()]);
		const stored = { id: 12, createdAt: '2026-11-26T09:30:01.000Z', ...last, sequence: 41 };
		const run = await runWorkflow(withNode(RECORD, { previousRecord: '={{ $json.lastAuditRecord }}' }), {
			input: [change({ lastAuditRecord: stored, idempotencyKey: 'praxis:8824' }), change({ idempotencyKey: 'praxis:8825' })],
		});

		const [records] = run.outputs[RECORD];
		expect(records.map((item) => [item.json.sequence, item.json.previousHash])).toEqual([
			[42, last.hash],
			[43, records[0].json.hash],
		]);
	});

	it('detects a tampered record: an edited subject is reported as edited', async () => {
		const records = await recordChanges([change(), change({ idempotencyKey: 'praxis:8824' }), change({ idempotencyKey: 'praxis:8825' })]);
		records[1] = { ...records[1], subject: '555555' };

		const run = await runWorkflow(workflow, { startNode: VERIFY, input: records });

		expect(run.outputs[VERIFY][0][0].json).toEqual({
			ok: false,
			checked: 3,
			breaks: [{ sequence: 2, kind: 'edited', detail: "the record's content does not match its hash: a field was changed after it was written" }],
		});
	});

	it('takes an empty item, as Always Output Data gives for an empty table, as no record', async () => {
		const empty = await runWorkflow(workflow, { startNode: VERIFY, input: [{}] });
		expect(empty.outputs[VERIFY][0][0].json).toEqual({ ok: true, checked: 0, breaks: [] });

		const records = await recordChanges([change(), change({ idempotencyKey: 'praxis:8824' })]);
		const run = await runWorkflow(workflow, { startNode: VERIFY, input: records });
		expect(run.outputs[VERIFY][0][0].json).toEqual({ ok: true, checked: 2, breaks: [] });
	});

	it('detects a deleted record in a list field', async () => {
		const records = await recordChanges([change(), change({ idempotencyKey: 'praxis:8824' }), change({ idempotencyKey: 'praxis:8825' })]);
		const run = await runWorkflow(withNode(VERIFY, { recordsFrom: 'field', recordsField: 'audit.rows' }), {
			startNode: VERIFY,
			input: [{ audit: { rows: [records[0], records[2]] } }],
		});

		expect(run.outputs[VERIFY][0][0].json).toEqual({
			ok: false,
			checked: 2,
			breaks: [{ sequence: 3, kind: 'missing', detail: 'sequence 2 is missing between sequence 1 and sequence 3: deleted' }],
		});
	});

	it('routes a refused change to the error output naming the field, and chains the others without it', async () => {
		const run = await runWorkflow(workflow, {
			input: [
				change(),
				change({ subject: 'jane.doe@example.com' }),
				change({ detail: { login: 100234, apiKey: 'k-123' } }),
				change({ outcome: 'ok' }),
				change({ idempotencyKey: 'praxis:8824' }),
			],
		});

		expect(run.status).toBe('success');
		const [records, errors] = run.outputs[RECORD];
		expect(records.map((item) => [item.json.sequence, item.pairedItem])).toEqual([
			[1, { item: 0 }],
			[2, { item: 4 }],
		]);
		expect(records[1].json.previousHash).toBe(records[0].json.hash);
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Subject": looks like an e-mail address; audit records keep personal data to ids: give the client ID or login instead', { item: 1 }],
			[
				'"Detail": holds a field "apiKey" that looks like a secret; audit records never hold passwords, secrets, tokens or API keys: pass only what the record needs',
				{ item: 2 },
			],
			['"Outcome": must be applied, alreadyApplied or failed, got "ok"', { item: 3 }],
		]);
		expect(run.outputs[VERIFY][0][0].json).toMatchObject({ ok: true, checked: 2 });
	});

	it('sends every item to the error output when the Previous Record is not an audit record', async () => {
		const run = await runWorkflow(workflow, { input: [change({ lastAuditRecord: { id: 3 } }), change()] });

		const [records, errors] = run.outputs[RECORD];
		expect(records).toEqual([]);
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Previous Record": has no sequence (a whole number from 1), got nothing: is it an audit record?', { item: 0 }],
			['"Previous Record": has no sequence (a whole number from 1), got nothing: is it an audit record?', { item: 1 }],
		]);
	});

	it('stops the run at a refused change, naming the field, when no error output is chosen', async () => {
		const run = await runWorkflow(withNode(RECORD, {}, { onError: undefined }), {
			input: [change(), change({ detail: 'reset done, token=abc123' })],
		});

		expect(run.status).toBe('error');
		expect(run.nodeErrors[RECORD]?.message).toBe(
			'"Detail": holds "token", which looks like a secret; audit records never hold passwords, secrets, tokens or API keys: pass only what the record needs',
		);
	});

	it('stops the check naming Records Field when an item has no list there', async () => {
		const run = await runWorkflow(withNode(VERIFY, { recordsFrom: 'field', recordsField: 'rows' }), {
			startNode: VERIFY,
			input: [{ rows: [] }, { other: 1 }],
		});

		expect(run.status).toBe('error');
		expect(run.nodeErrors[VERIFY]?.message).toBe('"Records Field": item 1 has no list of records at "rows", got nothing');
	});

	it('puts a Records Field problem on the error output, paired with every item, when chosen', async () => {
		const run = await runWorkflow(withNode(VERIFY, { recordsFrom: 'field', recordsField: 'rows' }, { onError: 'continueErrorOutput' }), {
			startNode: VERIFY,
			input: [{ other: 1 }],
		});

		expect(run.status).toBe('success');
		const [summaries, errors] = run.outputs[VERIFY];
		expect(summaries).toEqual([]);
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Records Field": item 0 has no list of records at "rows", got nothing', [{ item: 0 }]],
		]);
	});
});
