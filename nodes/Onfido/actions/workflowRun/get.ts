/** A workflow run's current state as a canonical kycCase (`GET /workflow_runs/:id`). */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { kycCaseJson, workflowRunToKycCase } from '../../mappers';
import { fetchWorkflowRun } from '../../transport';
import { optionsCollection, readIncludeRaw, readOnfidoId } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['workflowRun'], operation: ['get'] } }, [
	{ displayName: 'Workflow Run ID', name: 'workflowRunId', type: 'string', required: true, default: '={{ $json.workflowRunId }}' },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const workflowRunId = readOnfidoId(this, itemIndex, 'workflowRunId', 'Workflow Run ID');
	const run = await fetchWorkflowRun(this, workflowRunId, readRetryPolicy(this, itemIndex));
	return kycCaseJson(workflowRunToKycCase(run, { includeRaw: readIncludeRaw(this, itemIndex) }));
}
