import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { newAlertEpisodes } from '../../../lib/health';
import { currentHealth } from './read';
import { readAlertThresholds } from './thresholds';

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['snapshot'] } }, [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'All Integrations',
				value: 'all',
				description: 'One item per integration this n8n process has called',
			},
			{
				name: 'Only Those Failing Persistently',
				value: 'failing',
				description: 'Integrations that meet an Alert When threshold now',
			},
			{
				name: 'Only New Persistent Failures',
				value: 'newFailures',
				description:
					'For alerts: an integration is output once when it starts failing, and again only after it has recovered and failed anew. Checks in the same workflow share what was already reported.',
			},
		],
		default: 'all',
	},
]);

/** One item per integration; the input items only start the check. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const pairedItem = this.getInputData().map((_, item) => ({ item }));
	const output = this.getNodeParameter('output', 0, 'all') as string;
	const nowMs = Date.now();
	let rows = currentHealth(readAlertThresholds(this), nowMs);
	if (output === 'failing') rows = rows.filter((row) => row.alert);
	if (output === 'newFailures') {
		const fresh = newAlertEpisodes(`workflow:${this.getWorkflow().id ?? 'unsaved'}`, rows);
		rows = rows.filter((row) => fresh.has(row.key));
	}
	return [rows.map((row) => ({ json: { ...row, checkedAt: new Date(nowMs).toISOString() } as unknown as IDataObject, pairedItem }))];
}
