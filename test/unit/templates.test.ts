/**
 * The shipped templates (workflows/*.json) as data: checks a hand edit could break and no e2e run
 * would notice until that branch is taken — a failure with nowhere to go is a silent failure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface TemplateNode {
	name: string;
	type: string;
	parameters?: { resource?: string; operation?: string };
	retryOnFail?: boolean;
	onError?: string;
	credentials?: Record<string, { id: string; name: string }>;
}
interface Template {
	id?: string;
	name: string;
	settings?: { errorWorkflow?: string };
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const DIR = join(__dirname, '../../workflows');
/** The placeholders the README and sticky notes tell admins to replace (the e2e loader wires them). */
const DOCUMENTED_PLACEHOLDERS = [
	'REPLACE_WITH_YOUR_ONFIDO_WORKFLOW_ID',
	'REPLACE_WITH_YOUR_GOOGLE_ADS_CUSTOMER_ID',
	'REPLACE_WITH_YOUR_FTD_CONVERSION_ACTION_ID',
	'REPLACE_WITH_YOUR_AUDIENCE_ID',
];

/** Regular outputs of nodes with more than one; n8n adds the error output after them. */
const REGULAR_OUTPUTS: Record<string, number> = {
	'n8n-nodes-brokerage.withdrawalChecks': 2,
	'n8n-nodes-brokerage.metaConversions': 2,
	'n8n-nodes-brokerage.googleAdsConversions': 2,
	'n8n-nodes-brokerage.reconciliation': 2,
	'n8n-nodes-base.if': 2,
};

/** The template every other one names as its Error workflow (n8n runs it only when it is active). */
const ERROR_TEMPLATE = 'error-to-review-queue.json';

const templates = readdirSync(DIR)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, text: readFileSync(join(DIR, file), 'utf8') }));

describe.each(templates)('template $file', ({ text }) => {
	const template = JSON.parse(text) as Template;
	const names = template.nodes.map((node) => node.name);

	it('ships with a fixed id, and names the review-queue error template as its Error workflow', () => {
		// A fixed id survives `n8n import:workflow`, so the Error workflow setting points at it.
		const errorTemplate = JSON.parse(readFileSync(join(DIR, ERROR_TEMPLATE), 'utf8')) as Template;
		expect(template.id).toMatch(/^[A-Za-z0-9]{1,16}$/);
		expect(templates.filter((other) => (JSON.parse(other.text) as Template).id === template.id)).toHaveLength(1);
		if (template.id === errorTemplate.id) expect(template.settings?.errorWorkflow).toBeUndefined();
		else expect(template.settings?.errorWorkflow).toBe(errorTemplate.id);
	});

	it('has unique node names and connects only nodes it has', () => {
		expect(new Set(names).size).toBe(names.length);
		for (const [from, outputs] of Object.entries(template.connections)) {
			expect(names).toContain(from);
			for (const target of outputs.main.flat()) expect(names).toContain(target.node);
		}
	});

	it('routes every error output somewhere: no node continues on error into nothing', () => {
		const silent = template.nodes
			.filter((node) => node.onError === 'continueErrorOutput')
			.filter((node) => {
				const outputs = template.connections[node.name]?.main ?? [];
				return (outputs[REGULAR_OUTPUTS[node.type] ?? 1] ?? []).length === 0;
			})
			.map((node) => node.name);
		expect(silent).toEqual([]);
	});

	it('retries every "create Data Table if it does not exist" step, which concurrent first runs race on', () => {
		// n8n checks, then creates: two runs at once both create, and one fails with "already exists".
		// A retry finds the table there.
		const creates = template.nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable' && node.parameters?.resource === 'table' && node.parameters?.operation === 'create');
		expect(creates.filter((node) => node.retryOnFail !== true).map((node) => node.name)).toEqual([]);
	});

	it('uses only documented placeholders', () => {
		const placeholders = [...new Set(text.match(/REPLACE_WITH_[A-Z0-9_]+/g) ?? [])];
		for (const placeholder of placeholders) expect(DOCUMENTED_PLACEHOLDERS).toContain(placeholder);
	});

	it('names credentials only by the ids the sandbox wiring creates', () => {
		const known = ['crm-api-key', 'crm-webhook-secret', 'ops-run-key', 'website-form-key', 'mt5-manager', 'ctrader-manager', 'praxis', 'coinspaid', 'sumsub', 'onfido', 'smtp', 'meta-conversions', 'google-ads', 'withdrawal-approvers', 'rabbitmq', 'ops-dashboard-login'];
		const used = template.nodes.flatMap((node) => Object.values(node.credentials ?? {}).map((credential) => credential.id));
		for (const id of used) expect(known).toContain(id);
	});
});
