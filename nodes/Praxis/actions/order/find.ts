import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { fieldsAt, toTransaction, transactionJson } from '../../mappers';
import { findOrderAnswer } from '../cashier/session';
import { includeRawOption, readOptions, requireText, verifyAnswerOption } from '../inputs';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['order'], operation: ['find'] } }, [
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'dep-2025-000123',
		description: 'The order ID the session was opened with',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption, verifyAnswerOption],
	},
]);

/** The session and every transaction of the order, each a canonical transaction. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const orderId = requireText(this, itemIndex, 'orderId', 'Order ID', 'dep-2025-000123');
	const options = readOptions(this, itemIndex);
	const { json, scalars } = await findOrderAnswer(this, orderId, options.verifyAnswer, readRetryPolicy(this, itemIndex));
	const session = fieldsAt(scalars, 'session');
	const count = Array.isArray(json.transactions) ? json.transactions.length : 0;
	const transactions: IDataObject[] = [];
	for (let n = 0; n < count; n++) transactions.push(transactionJson(toTransaction(fieldsAt(scalars, `transactions.${n}`), session, scalars.get('timestamp'))));
	return {
		orderId,
		intent: session('intent') === 'withdrawal' ? 'withdrawal' : 'deposit',
		clientId: session('cid') ?? null,
		sessionStatus: session('session_status') ?? null,
		authToken: session('auth_token') ?? null,
		customerToken: scalars.get('customer.customer_token') ?? null,
		transactions,
		...(options.includeRaw ? { raw: json } : {}),
	};
}
