/**
 * The Integration Health node in a workflow: it reads the counters, breakers and hourly buckets the
 * pack's other nodes record into (the built modules, as in n8n), outputs one item per integration,
 * reports a persistent failure once per episode, and renders the page from the same figures.
 */
import type { INode, INodeParameters } from 'n8n-workflow';

import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';

const health = fromPackage<typeof import('../../lib/health')>('lib/health');
const http = fromPackage<typeof import('../../lib/http')>('lib/http');
const breakers = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');

const MT5 = 'metaTrader5Api:1015:mt5.broker.test:443';
const PRAXIS = 'praxisApi:cred-1:pay.praxis.test';

function workflow(parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		name: 'Integration health',
		nodes: [
			{ id: 'ih-1', name: 'Health', type: 'n8n-nodes-brokerage.integrationHealth', typeVersion: 1, position: [0, 0], parameters, ...node } as INode,
		],
		connections: {},
	};
}

/** Records calls as lib/http does: through its counters and the hourly buckets. */
function seed(): void {
	const now = Date.now();
	for (let i = 0; i < 4; i++) health.recordHourly(MT5, 'calls', now);
	health.recordHourly(PRAXIS, 'calls', now);
	health.recordHourly(PRAXIS, 'failures', now);
	const breaker = breakers.getBreaker(PRAXIS, { failureThreshold: 2, openMs: 60_000 });
	breaker.recordFailure();
	breaker.recordFailure();
}

beforeEach(() => {
	http.resetHttpCallStats();
	breakers.resetBreakers();
	health.resetAlertEpisodes();
	seed();
});

describe('Integration Health node', () => {
	it('Snapshot outputs one item per integration with its 24-hour figures and verdict, paired to the input', async () => {
		const run = await runWorkflow(workflow({ operation: 'snapshot', output: 'all' }), { input: [{ start: true }] });
		expect(run.status).toBe('success');
		const [items] = run.outputs.Health;
		expect(items.map((item) => item.json.integration)).toEqual(['MetaTrader 5', 'Praxis']);
		expect(items[0].json).toMatchObject({ host: 'mt5.broker.test:443', calls24h: 4, failures24h: 0, breakerState: 'none', alert: false });
		expect(items[1].json).toMatchObject({ calls24h: 1, failures24h: 1, breakerState: 'open', consecutiveFailures: 2, alert: true });
		expect((items[1].json.hourly as unknown[]).length).toBe(24);
		expect(items[0].pairedItem).toEqual([{ item: 0 }]);
	});

	it('Only New Persistent Failures reports a failing integration once, then not while it keeps failing', async () => {
		const flow = workflow({ operation: 'snapshot', output: 'newFailures' });
		const first = await runWorkflow(flow, { input: [{}] });
		expect(first.outputs.Health[0].map((item) => item.json.integration)).toEqual(['Praxis']);
		const second = await runWorkflow(flow, { input: [{}] });
		expect(second.outputs.Health[0]).toEqual([]);
	});

	it('uses the Alert When thresholds: with the breaker check off and 3 tries needed, Praxis is not failing', async () => {
		const run = await runWorkflow(
			workflow({ operation: 'snapshot', output: 'failing', alertWhen: { onOpenBreaker: false, consecutiveFailures: 3, failureRatePercent: 0 } }),
			{ input: [{}] },
		);
		expect(run.outputs.Health[0]).toEqual([]);
	});

	it('refuses a failure rate over 100 %, naming the field', async () => {
		const run = await runWorkflow(workflow({ operation: 'snapshot', alertWhen: { failureRatePercent: 150 } }), { input: [{}] });
		expect(run.status).toBe('error');
		expect(run.nodeErrors.Health?.message).toBe('"Failure Rate (%)": must be a number from 0 to 100, got 150');
	});

	it('Render Dashboard outputs one page for all input items, with the review queue size given', async () => {
		const run = await runWorkflow(workflow({ operation: 'renderDashboard', reviewQueueSize: '={{ $json.open }}', refreshSeconds: 0 }), {
			input: [{ open: 7 }, { open: 7 }],
		});
		const [items] = run.outputs.Health;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toMatchObject({ integrations: 2, failing: ['Praxis (pay.praxis.test)'], reviewQueueSize: 7 });
		const html = String(items[0].json.html);
		expect(html).toMatch(/data-card="reviewQueue"><div class="value">7</);
		expect(html).toMatch(/<tr data-key="metaTrader5Api:1015:mt5\.broker\.test:443"><td data-field="integration">MetaTrader 5<\/td><td data-field="host">mt5\.broker\.test:443<\/td><td class="num" data-field="calls">4<\/td>/);
	});
});
