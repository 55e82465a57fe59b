import { NodeOperationError, updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { renderDashboardHtml } from '../dashboard';
import { currentHealth } from './read';
import { readAlertThresholds } from './thresholds';

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['renderDashboard'] } }, [
	{
		displayName:
			'Outputs one item with the field html: a page to send back with a Respond to Webhook node (Respond With: Text, header Content-Type: text/html).',
		name: 'renderNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Review Queue Size',
		name: 'reviewQueueSize',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'How many items wait in the review queue, e.g. an expression counting the open rows read from the brokerage_review_queue Data Table',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: 'Integration health',
		description: 'The heading of the page',
	},
	{
		displayName: 'Reload Every (Seconds)',
		name: 'refreshSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'How often an open page reloads itself (0 = never)',
	},
]);

/** One page for all input items (the parameters are read from the first). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const pairedItem = this.getInputData().map((_, item) => ({ item }));
	const size = Number(this.getNodeParameter('reviewQueueSize', 0, 0));
	if (!Number.isFinite(size) || size < 0) {
		throw new NodeOperationError(this.getNode(), `"Review Queue Size": must be a number of 0 or more, got ${JSON.stringify(size)}`);
	}
	const refreshSeconds = Number(this.getNodeParameter('refreshSeconds', 0, 60)) || 0;
	const title = String(this.getNodeParameter('title', 0, 'Integration health') ?? '').trim() || 'Integration health';
	const nowMs = Date.now();
	const rows = currentHealth(readAlertThresholds(this), nowMs);
	const html = renderDashboardHtml({ title, rows, reviewQueueSize: size, generatedAtMs: nowMs, refreshSeconds: Math.max(0, refreshSeconds) });
	return [
		[
			{
				json: {
					html,
					integrations: rows.length,
					failing: rows.filter((row) => row.alert).map((row) => `${row.integration} (${row.host})`),
					reviewQueueSize: size,
					generatedAt: new Date(nowMs).toISOString(),
				},
				pairedItem,
			},
		],
	];
}
