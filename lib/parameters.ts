/**
 * Reading node parameters the way every vendor node does, so a bad value is reported naming the
 * field the user sees ("Amount": must be positive) rather than the internal parameter name.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from './fieldReference';

/** An item's error that names the field as the editor shows it. */
export function fieldError(ctx: IExecuteFunctions, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `"${field}": ${problem}`, { itemIndex });
}

/** A text parameter, trimmed; a finite number is taken as its text; anything else is empty. */
export function readText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, fallback = ''): string {
	const value = itemParameter(ctx, parameter, itemIndex, fallback);
	return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** A required text parameter: empty is an error naming the field with an example. */
export function readRequired(ctx: IExecuteFunctions, itemIndex: number, parameter: string, label: string, example: string): string {
	const text = readText(ctx, itemIndex, parameter);
	if (text === '') throw fieldError(ctx, itemIndex, label, `is required, e.g. ${example}`);
	return text;
}
