/**
 * Starts a Studio workflow for an applicant (`POST /workflow_runs {workflow_id, applicant_id,
 * customer_user_id, tags}`, onfido-node docs/WorkflowRunBuilder.md). The CRM client id goes in
 * `customer_user_id`, Onfido's field for the customer's own user id, and comes back on every read
 * and webhook. The answer carries the SDK token and hosted link the client opens.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { kycCaseJson, workflowRunToKycCase } from '../../mappers';
import { onfidoRequest } from '../../transport';
import { optionsCollection, readIncludeRaw, readOnfidoId, readText } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['workflowRun'], operation: ['create'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	{ displayName: 'Workflow ID', name: 'workflowId', type: 'string', required: true, default: '', description: 'The Studio workflow to run (Onfido dashboard → Workflows)' },
	{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '={{ $json.clientId }}', description: "The client's ID in your CRM, sent as customer_user_id" },
	{ displayName: 'Tags', name: 'tags', type: 'string', default: '', placeholder: 'new-client, eu', description: 'Comma-separated labels for the run' },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const workflowId = readOnfidoId(this, itemIndex, 'workflowId', 'Workflow ID');
	const clientId = readText(this, itemIndex, 'clientId');
	const tags = readText(this, itemIndex, 'tags').split(',').map((t) => t.trim()).filter((t) => t !== '');
	const run = await onfidoRequest<IDataObject>(this, {
		method: 'POST',
		path: '/workflow_runs',
		body: { workflow_id: workflowId, applicant_id: applicantId, ...(clientId ? { customer_user_id: clientId } : {}), ...(tags.length ? { tags } : {}) },
		action: `start workflow ${workflowId} for applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	const link = (run.link ?? {}) as IDataObject;
	return {
		...kycCaseJson(workflowRunToKycCase(run, { includeRaw: readIncludeRaw(this, itemIndex) })),
		sdkToken: run.sdk_token ?? null,
		linkUrl: link.url ?? null,
	};
}
