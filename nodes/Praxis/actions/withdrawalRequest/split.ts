/**
 * Split a withdrawal request (`POST /agent/split-withdrawal-request`): `amount` is carved out into
 * a new request, both then carry the parent's id as `trace_id`. [inference] The body field `amount`
 * (minor units) and the answer's `withdrawal_requests` list are the sandbox's reading; the sources
 * give the endpoint and its signed fields only. Not retried after an unknown outcome: it changes
 * state.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt } from '../../../../lib/errors';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { fieldsAt, toTransaction, transactionJson } from '../../mappers';
import { praxisRequest } from '../../transport';
import { amountInMinorUnits } from '../cashier/session';
import { fieldError, readOptions, readWithdrawalRequestId, requireText } from '../inputs';
import { optionsField, withdrawalRequestIdField } from './manage';

export const description: INodeProperties[] = [
	...withdrawalRequestIdField('split'),
	...updateDisplayOptions({ show: { resource: ['withdrawalRequest'], operation: ['split'] } }, [
		{
			displayName: 'Amount',
			name: 'amount',
			type: 'string',
			required: true,
			default: '',
			placeholder: '100.00',
			description: 'The part to split off into a new withdrawal request, in major units; sent in minor units, exactly',
		},
		{
			displayName: 'Currency',
			name: 'currency',
			type: 'string',
			required: true,
			default: 'EUR',
			description: 'The currency of the withdrawal request (it decides how many minor units a major unit has)',
		},
	]),
	...optionsField('split'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const withdrawalRequestId = readWithdrawalRequestId(this, itemIndex);
	const currency = requireText(this, itemIndex, 'currency', 'Currency', 'EUR').toUpperCase();
	const amount = attempt(() => amountInMinorUnits(requireText(this, itemIndex, 'amount', 'Amount', '100.00'), currency));
	if (!amount.ok) throw fieldError(this, itemIndex, amount.error.message.includes('Currency') ? 'Currency' : 'Amount', amount.error.message);
	const options = readOptions(this, itemIndex);
	const { json, scalars } = await praxisRequest(
		this,
		{
			path: '/agent/split-withdrawal-request',
			message: 'splitWithdrawal',
			answer: 'agentAnswer',
			fields: { withdrawal_request_id: withdrawalRequestId, amount: amount.value },
			idempotent: false,
			verifyAnswer: options.verifyAnswer,
		},
		`split withdrawal request ${withdrawalRequestId}`,
		readRetryPolicy(this, itemIndex),
	);
	const count = Array.isArray(json.withdrawal_requests) ? json.withdrawal_requests.length : 0;
	const withdrawalRequests = [];
	for (let n = 0; n < count; n++) {
		const at = fieldsAt(scalars, `withdrawal_requests.${n}`);
		withdrawalRequests.push({ ...transactionJson(toTransaction(at, () => undefined, scalars.get('timestamp'))), traceId: at('trace_id') ?? null });
	}
	return {
		withdrawalRequestId: String(withdrawalRequestId),
		withdrawalRequests,
		...(options.includeRaw ? { raw: json } : {}),
	};
}
