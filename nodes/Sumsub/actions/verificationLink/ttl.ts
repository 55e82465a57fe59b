import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldError } from '../inputs';

export const ttlField: INodeProperties = {
	displayName: 'Valid For (Seconds)',
	name: 'ttlSeconds',
	type: 'number',
	typeOptions: { minValue: 60, numberPrecision: 0 },
	default: 600,
	description: 'How long the client can use it, in seconds',
};

export function readTtlSeconds(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = ctx.getNodeParameter('ttlSeconds', itemIndex, 600) as unknown;
	const ttl = typeof value === 'number' ? value : Number(value);
	if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400 * 30) {
		throw fieldError(ctx, itemIndex, 'Valid For (Seconds)', `must be a whole number of seconds from 60 to 2592000 (30 days); it is ${JSON.stringify(value)}`);
	}
	return ttl;
}
