/** Changes an applicant (`PUT /applicants/:id`): only the fields given are sent, the rest stay. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { onfidoRequest } from '../../transport';
import { fieldError, optionsCollection, readIncludeRaw, readOnfidoId, readText } from '../inputs';
import { applicantBody, applicantJson, detailFields } from './shared';

/** Sorted by name, as n8n's lint asks of collections. */
const NAME_FIELDS: INodeProperties[] = [
	{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
	{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
];
const UPDATE_FIELDS: INodeProperties[] = [...detailFields, ...NAME_FIELDS].sort((a, b) => a.displayName.localeCompare(b.displayName));

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['applicant'], operation: ['update'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: UPDATE_FIELDS,
	},
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const body = applicantBody(this, itemIndex, 'updateFields.');
	const first = readText(this, itemIndex, 'updateFields.firstName');
	const last = readText(this, itemIndex, 'updateFields.lastName');
	if (first) body.first_name = first;
	if (last) body.last_name = last;
	if (Object.keys(body).length === 0) throw fieldError(this, itemIndex, 'Update Fields', 'add at least one field to change');
	const applicant = await onfidoRequest<IDataObject>(this, {
		method: 'PUT',
		path: `/applicants/${encodeURIComponent(applicantId)}`,
		body,
		action: `update applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	return applicantJson(applicant, '', readIncludeRaw(this, itemIndex));
}
