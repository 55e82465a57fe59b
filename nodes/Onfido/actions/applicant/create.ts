/** A new applicant (`POST /applicants`): the person a workflow run or check verifies. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { onfidoRequest } from '../../transport';
import { fieldError, optionsCollection, readIncludeRaw, readRequired, readText } from '../inputs';
import { applicantBody, applicantJson, detailFields } from './shared';

/** onfido: names longer than 35 characters are refused [inference, the sandbox enforces it]. */
const NAME_MAX = 35;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['applicant'], operation: ['create'] } }, [
	{
		displayName: 'Client ID',
		name: 'clientId',
		type: 'string',
		default: '={{ $json.clientId }}',
		description: "The client's ID in your CRM. Onfido applicants have no field for it: it is echoed in the output so the next node (Workflow Run → Create) can send it as customer_user_id.",
	},
	{ displayName: 'First Name', name: 'firstName', type: 'string', required: true, default: '' },
	{ displayName: 'Last Name', name: 'lastName', type: 'string', required: true, default: '' },
	...detailFields,
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const first = readRequired(this, itemIndex, 'firstName', 'First Name', 'Jane');
	const last = readRequired(this, itemIndex, 'lastName', 'Last Name', 'Doe');
	for (const [label, value] of [['First Name', first], ['Last Name', last]] as const) {
		if (value.length > NAME_MAX) throw fieldError(this, itemIndex, label, `is longer than ${NAME_MAX} characters, which Onfido refuses`);
	}
	const clientId = readText(this, itemIndex, 'clientId');
	const applicant = await onfidoRequest<IDataObject>(this, {
		method: 'POST',
		path: '/applicants',
		body: applicantBody(this, itemIndex, '', { first, last }),
		action: `create an applicant for ${clientId ? `client ${clientId}` : `${first} ${last}`}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	return applicantJson(applicant, clientId, readIncludeRaw(this, itemIndex));
}
