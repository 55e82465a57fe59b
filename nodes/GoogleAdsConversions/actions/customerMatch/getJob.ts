/** Reads a Customer Match job again, for a template that parked members on "Retry Later". */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { FieldError } from '../../../../lib/errors';
import { runPerItemRouted } from '../../../../lib/perItem';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { OUTPUT_RETRY_LATER, OUTPUT_UPLOADED } from '../conversions';
import { readRequired } from '../inputs';
import { readJob } from './job';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['customerMatch'], operation: ['getJob'] } }, [
	{
		displayName: 'Job',
		name: 'job',
		type: 'string',
		required: true,
		default: '={{ $json.job }}',
		placeholder: 'customers/1234567890/offlineUserDataJobs/5550001',
		description: 'The resource name of the job, as Upload put it in "job"',
	},
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runPerItemRouted.call(this, { outputCount: 2, failedItemsOutput: OUTPUT_RETRY_LATER }, async (itemIndex, item) => {
		const job = readRequired(this, itemIndex, 'job', 'Job', 'customers/1234567890/offlineUserDataJobs/5550001');
		if (!/^customers\/\d{10}\/offlineUserDataJobs\/\d+$/.test(job)) throw new FieldError('Job', `must be customers/<id>/offlineUserDataJobs/<id>; it is "${job}"`);
		const state = await readJob(this, job, readRetryPolicy(this, itemIndex));
		if (state.status === 'FAILED') throw new FieldError('Job', `Google Ads Customer Match job ${job} failed${state.failureReason ? `: ${state.failureReason}` : ''}`);
		const done = state.status === 'SUCCESS';
		return { output: done ? OUTPUT_UPLOADED : OUTPUT_RETRY_LATER, result: { ...item.json, status: done ? 'done' : 'running', job, jobStatus: state.status } };
	});
}
