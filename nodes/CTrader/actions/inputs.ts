/**
 * Reading the parameters several cTrader operations share (a login, a UTC range, "Include Raw
 * Vendor Data"), so a bad value is reported the same way everywhere, naming the field.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { attempt } from '../../../lib/errors';
import { toUtcDateTime } from '../../../lib/time';
import type { UtcRange } from '../transport/reports';
import { includeRawOption as rawOption, readIncludeRaw } from '../../../lib/rawData';
import { fieldError, readText } from '../../../lib/parameters';

export { fieldError, readText };

const LOGIN = /^\d{1,19}$/;

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value === undefined || value === null || value === '') return 'empty';
	return JSON.stringify(value) ?? String(value);
}

/** One cTrader trader login (a positive whole number), as text. */
export function readLogin(ctx: IExecuteFunctions, itemIndex: number, parameter = 'login', label = 'Login'): string {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const login = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (login === '') throw fieldError(ctx, itemIndex, label, 'is required: give the cTrader trader login, e.g. 3100101');
	if (!LOGIN.test(login) || /^0+$/.test(login)) {
		throw fieldError(ctx, itemIndex, label, `must be a cTrader trader login (a whole number such as 3100101); it is ${show(value)}`);
	}
	return login.replace(/^0+/, '');
}

/** An instant; text without an offset is read as UTC (cTrader's own zone), never as the host's. */
export function readUtcMs(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string): number {
	const value = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	if (value === '' || value === undefined || value === null) {
		throw fieldError(ctx, itemIndex, label, 'is required: give a date and time in UTC, e.g. 2024-03-04T00:00:00Z');
	}
	const parsed = attempt(() => toUtcDateTime(value as string, label).toMillis());
	if (!parsed.ok) throw new NodeOperationError(ctx.getNode(), parsed.error.message, { itemIndex });
	return parsed.value;
}

/** "From" and "To", both inclusive, in UTC. */
export function readUtcRange(ctx: IExecuteFunctions, itemIndex: number): UtcRange {
	const fromMs = readUtcMs(ctx, itemIndex, 'from', 'From');
	const toMs = readUtcMs(ctx, itemIndex, 'to', 'To');
	if (toMs < fromMs) throw fieldError(ctx, itemIndex, 'To', `must not be before "From" (${new Date(fromMs).toISOString()})`);
	return { fromMs, toMs };
}

export const includeRawOption = rawOption('the records exactly as cTrader returned them');
export { readIncludeRaw };

/** The "From"/"To" pair of range reads, described for people who think in their own time zone. */
export function utcRangeProperties(what: string): INodeProperties[] {
	return [
		{
			displayName: 'From',
			name: 'from',
			type: 'dateTime',
			required: true,
			default: '',
			description: `Start of the range (inclusive) of ${what}, in UTC unless the value carries an offset`,
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'dateTime',
			required: true,
			default: '',
			description: `End of the range (inclusive) of ${what}, in UTC unless the value carries an offset`,
		},
	];
}
