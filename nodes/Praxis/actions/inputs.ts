/**
 * Reading the parameters several Praxis operations share, so a bad value is reported the same way
 * everywhere, naming the field.
 */
import { type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { includeRawOption as rawOption } from '../../../lib/rawData';
import { fieldError, readText } from '../../../lib/parameters';

export { fieldError, readText };

export function requireText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const value = readText(ctx, itemIndex, parameter);
	if (value === '') throw fieldError(ctx, itemIndex, label, `is required, e.g. ${example}`);
	return value;
}

/** A Praxis withdrawal request id: a positive whole number, sent as a number. */
export function readWithdrawalRequestId(ctx: IExecuteFunctions, itemIndex: number): number {
	const text = requireText(ctx, itemIndex, 'withdrawalRequestId', 'Withdrawal Request ID', '40001');
	if (!/^\d{1,15}$/.test(text) || /^0+$/.test(text)) {
		throw fieldError(ctx, itemIndex, 'Withdrawal Request ID', `must be the whole number Praxis gave the request (withdrawal_request_id), e.g. 40001; it is "${text}"`);
	}
	return Number(text);
}

export const verifyAnswerOption: INodeProperties = {
	displayName: 'Verify Answer Signature',
	name: 'verifyAnswer',
	type: 'boolean',
	default: true,
	description:
		"Whether to refuse an answer whose GT-Authentication does not match the Merchant Secret. Praxis does not publish which fields it signs in its answers; switch this off only if your gateway's answers fail this check.",
};

export const includeRawOption = rawOption('Praxis\'s answer as it came');

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): { verifyAnswer: boolean; includeRaw: boolean; other: IDataObject } {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { verifyAnswer: options.verifyAnswer !== false, includeRaw: options.includeRaw === true, other: options };
}
