/** A check and its reports as a canonical kycCase (`GET /checks/:id`, `GET /reports?check_id`). */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { checkToKycCase, kycCaseJson } from '../../mappers';
import { fetchCheckWithReports } from '../../transport';
import { optionsCollection, readIncludeRaw, readOnfidoId } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['check'], operation: ['get'] } }, [
	{ displayName: 'Check ID', name: 'checkId', type: 'string', required: true, default: '={{ $json.checkId }}' },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const checkId = readOnfidoId(this, itemIndex, 'checkId', 'Check ID');
	const { check, reports } = await fetchCheckWithReports(this, checkId, readRetryPolicy(this, itemIndex));
	return kycCaseJson(checkToKycCase(check, reports, { includeRaw: readIncludeRaw(this, itemIndex) }));
}
