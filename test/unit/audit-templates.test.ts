/**
 * The templates that change other systems write one audit outbox row per change, and only the
 * audit-trail template writes the chained table: checks a hand edit could break without any e2e
 * run of that branch noticing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface TemplateNode {
	name: string;
	type: string;
	position: [number, number];
	parameters: Record<string, any>;
}
interface Template {
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const DIR = join(__dirname, '../../workflows');
const read = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Template;
const OUTBOX_COLUMNS = ['at_utc', 'workflow_id', 'workflow_name', 'execution_id', 'system', 'action', 'subject', 'idempotency_key', 'outcome', 'detail'];

/** The nodes whose results (success and failure) each template audits. */
const AUDITED: Record<string, string[]> = {
	'deposit-credit-once.json': ['Credit MT5 Account', 'Credit cTrader Account', 'Debit MT5 Account', 'Debit cTrader Account'],
	'withdrawal-approval.json': ['Withdraw from MT5', 'Complete at Praxis', 'Send Crypto'],
	'provision-trading-account.json': ['Open MT5 Account'],
	'monthly-volume-tiers.json': ['Change Group'],
	'kyc-result.json': ['Mark KYC Approved in CRM', 'Restrict Trading', 'Block in CRM'],
	'kyc-expiry-review.json': ['Reset KYC Applicant'],
	'retargeting-audiences.json': ['Add to Audience', 'Remove from Audience (Opt-Out)', 'Remove from Audience (Erasure)'],
};
/** Meta's nodes have two regular outputs; their error output is the third. */
const ERROR_OUTPUT: Record<string, number> = { 'n8n-nodes-brokerage.metaConversions': 2 };

describe.each(Object.entries(AUDITED))('template %s', (file, audited) => {
	const template = read(file);
	const node = (name: string) => template.nodes.find((n) => n.name === name) as TemplateNode;
	const targets = (name: string, output: number) => (template.connections[name]?.main[output] ?? []).map((t) => t.node);

	it('creates the audit outbox if needed and inserts every column from the Audit Entry', () => {
		expect(node('Ensure Audit Outbox').parameters).toMatchObject({
			resource: 'table', operation: 'create', tableName: 'brokerage_audit_outbox', options: { createIfNotExists: true },
			columns: { column: OUTBOX_COLUMNS.map((name) => ({ name, type: 'string' })) },
		});
		const write = node('Write Audit Outbox').parameters;
		expect(write).toMatchObject({ resource: 'row', operation: 'insert', dataTableId: { mode: 'name', value: 'brokerage_audit_outbox' } });
		expect(Object.keys(write.columns.value)).toEqual(OUTBOX_COLUMNS);
		expect(targets('Audit Entry', 0)).toEqual(['Ensure Audit Outbox']);
		expect(targets('Ensure Audit Outbox', 0)).toEqual(['Write Audit Outbox']);
	});

	it('audits both the success and the error output of every node that changes another system', () => {
		for (const name of audited) {
			const errorOutput = ERROR_OUTPUT[node(name).type] ?? 1;
			for (const output of [0, errorOutput]) {
				const audit = targets(name, output).filter((target) => target.startsWith('Audit: '));
				expect([name, output, audit.length]).toEqual([name, output, 1]);
				expect(targets(audit[0], 0)).toEqual(['Audit Entry']);
			}
		}
	});

	it('places the audit nodes below all others, so n8n runs the template\'s own steps first', () => {
		const isAudit = (n: TemplateNode) => n.name.startsWith('Audit: ') || ['Audit Entry', 'Ensure Audit Outbox', 'Write Audit Outbox'].includes(n.name);
		const lowestOther = Math.max(...template.nodes.filter((n) => !isAudit(n) && n.type !== 'n8n-nodes-base.stickyNote').map((n) => n.position[1]));
		for (const n of template.nodes.filter(isAudit)) expect([n.name, n.position[1] > lowestOther]).toEqual([n.name, true]);
	});
});

describe('the audit-trail template', () => {
	it('is the only template that writes the chained table', () => {
		const writers = readdirSync(DIR)
			.filter((file) => file.endsWith('.json'))
			.filter((file) =>
				read(file).nodes.some(
					(n) => n.type === 'n8n-nodes-base.dataTable' && n.parameters.resource === 'row' && n.parameters.operation !== 'get' && n.parameters.dataTableId?.value === 'brokerage_audit_trail',
				),
			);
		expect(writers).toEqual(['audit-trail.json']);
	});

	it('stores each record matched on its outbox row, so an overlapping run writes it once', () => {
		const store = read('audit-trail.json').nodes.find((n) => n.name === 'Store Chained Record') as TemplateNode;
		expect(store.parameters).toMatchObject({ operation: 'upsert', filters: { conditions: [{ keyName: 'outbox_id', condition: 'eq' }] } });
		expect(Object.keys(store.parameters.columns.value).sort()).toEqual(
			['sequence', 'atUtc', 'workflowId', 'workflowName', 'executionId', 'system', 'action', 'subject', 'idempotencyKey', 'outcome', 'detail', 'previousHash', 'hash', 'outbox_id'].sort(),
		);
	});
});
