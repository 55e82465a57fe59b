/**
 * A Customer Match job's life (reference/ads.md §3.4, `OfflineUserDataJobService`): create one job,
 * add every batch of members to that same job ("send many batches to the same job rather than many
 * jobs"), run it, and read its status with GAQL until it is SUCCESS or FAILED. Jobs "may take 6
 * hours or more": when polling gives up, the members leave on "Retry Later" with the job's resource
 * name, and Get Job Status reads it again later.
 */
import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import type { RetryPolicy } from '../../../../lib/retryOptions';
import { googleAdsRequest } from '../../transport';

export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'UNKNOWN';

export interface JobState {
	resourceName: string;
	status: JobStatus;
	failureReason?: string;
}

function customerOf(resourceName: string): string {
	return resourceName.split('/')[1];
}

export async function readJob(ctx: IExecuteFunctions, resourceName: string, policy: RetryPolicy): Promise<JobState> {
	const query = `SELECT offline_user_data_job.resource_name, offline_user_data_job.status, offline_user_data_job.failure_reason FROM offline_user_data_job WHERE offline_user_data_job.resource_name = '${resourceName}'`;
	const answer = await googleAdsRequest<{ results?: Array<{ offlineUserDataJob?: { status?: string; failureReason?: string } }> }>(
		ctx,
		'POST',
		`customers/${customerOf(resourceName)}/googleAds:search`,
		{ query },
		`read the status of job ${resourceName}`,
		{ policy, idempotent: true },
	);
	const job = answer.results?.[0]?.offlineUserDataJob;
	return {
		resourceName,
		status: (job?.status as JobStatus | undefined) ?? 'UNKNOWN',
		...(job?.failureReason ? { failureReason: job.failureReason } : {}),
	};
}

/** Reads the job until it is done or `maxPolls` reads were made, waiting `intervalMs` before each. */
export async function pollJob(ctx: IExecuteFunctions, resourceName: string, options: { intervalMs: number; maxPolls: number; policy: RetryPolicy }): Promise<JobState> {
	let state: JobState = { resourceName, status: 'RUNNING' };
	for (let poll = 0; poll < options.maxPolls; poll++) {
		if (options.intervalMs > 0) await sleep(options.intervalMs);
		state = await readJob(ctx, resourceName, options.policy);
		if (state.status === 'SUCCESS' || state.status === 'FAILED') return state;
	}
	return state;
}
