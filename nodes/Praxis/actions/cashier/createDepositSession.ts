import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { createSession, sessionDescription } from './session';

export const description: INodeProperties[] = sessionDescription('createDepositSession', 'payment');

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await createSession(this, itemIndex, 'payment');
}
