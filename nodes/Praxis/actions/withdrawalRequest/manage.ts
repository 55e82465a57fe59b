/**
 * Complete or cancel a withdrawal request (`POST /agent/manage-withdrawal-request`, intent
 * complete-withdrawal-request | cancel-withdrawal-request). Both change state, so a call whose
 * outcome is unknown is not sent again blindly: the error says it may have been applied, and the
 * Praxis Trigger's notification (or Order → Find) tells which.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { fieldsAt, toTransaction, transactionJson } from '../../mappers';
import { praxisRequest } from '../../transport';
import { includeRawOption, readOptions, readWithdrawalRequestId, verifyAnswerOption } from '../inputs';

export function withdrawalRequestIdField(operation: string): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['withdrawalRequest'], operation: [operation] } }, [
		{
			displayName: 'Withdrawal Request ID',
			name: 'withdrawalRequestId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '40001',
			description: "Praxis's withdrawal_request_id, from the Praxis Trigger's notification of the request",
		},
	]);
}

export function optionsField(operation: string): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['withdrawalRequest'], operation: [operation] } }, [
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [includeRawOption, verifyAnswerOption],
		},
	]);
}

const INTENTS = { complete: 'complete-withdrawal-request', cancel: 'cancel-withdrawal-request' } as const;

export async function manageWithdrawalRequest(ctx: IExecuteFunctions, itemIndex: number, what: keyof typeof INTENTS) {
	const withdrawalRequestId = readWithdrawalRequestId(ctx, itemIndex);
	const options = readOptions(ctx, itemIndex);
	const { json, scalars } = await praxisRequest(
		ctx,
		{
			path: '/agent/manage-withdrawal-request',
			message: 'manageWithdrawal',
			answer: 'agentAnswer',
			fields: { intent: INTENTS[what], withdrawal_request_id: withdrawalRequestId },
			idempotent: false,
			verifyAnswer: options.verifyAnswer,
		},
		`${what} withdrawal request ${withdrawalRequestId}`,
		readRetryPolicy(ctx, itemIndex),
	);
	const transaction = scalars.has('transaction.tid') ? transactionJson(toTransaction(fieldsAt(scalars, 'transaction'), () => undefined, scalars.get('timestamp'))) : null;
	return {
		withdrawalRequestId: String(withdrawalRequestId),
		action: what,
		transaction,
		...(options.includeRaw ? { raw: json } : {}),
	};
}
