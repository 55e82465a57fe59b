import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { manageWithdrawalRequest, optionsField, withdrawalRequestIdField } from './manage';

export const description: INodeProperties[] = [...withdrawalRequestIdField('cancel'), ...optionsField('cancel')];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await manageWithdrawalRequest(this, itemIndex, 'cancel');
}
