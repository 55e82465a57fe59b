/** One applicant (`GET /applicants/:id`). */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { onfidoRequest } from '../../transport';
import { optionsCollection, readIncludeRaw, readOnfidoId } from '../inputs';
import { applicantJson } from './shared';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['applicant'], operation: ['get'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const applicant = await onfidoRequest<IDataObject>(this, {
		method: 'GET',
		path: `/applicants/${encodeURIComponent(applicantId)}`,
		action: `read applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	return applicantJson(applicant, '', readIncludeRaw(this, itemIndex));
}
