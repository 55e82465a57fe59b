import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { parseCurrencyDigits, validateFeeRules, type FeeBearer, type FeeRule } from '../../lib/fees';
import { parsePath } from '../../lib/mapping';

export interface FieldPath {
	/** What the user typed, used in error messages. */
	name: string;
	path: Array<string | number>;
}

export interface FeeCalculatorSettings {
	rules: FeeRule[];
	fields: {
		grossAmount: FieldPath;
		currency: FieldPath;
		provider: FieldPath;
		method: FieldPath;
		direction: FieldPath;
		/** Undefined when the PSP fee field is left empty: the table always decides. */
		pspFee?: FieldPath;
	};
	currencyDigits: Record<string, number>;
	pspFeeBorneBy: FeeBearer;
	requireRule: boolean;
}

function readRuleRows(ctx: IExecuteFunctions): unknown {
	const source = ctx.getNodeParameter('rulesSource', 0, 'rows') as 'rows' | 'json';
	if (source === 'json') {
		const raw = ctx.getNodeParameter('feeRulesJson', 0) as string | IDataObject | IDataObject[];
		if (typeof raw !== 'string') return raw;
		const parsed = attempt(() => JSON.parse(raw) as unknown);
		if (!parsed.ok) throw new FieldError('Fee Rules (JSON)', `is not valid JSON: ${parsed.error.message}`);
		return parsed.value;
	}
	return (ctx.getNodeParameter('feeRules.rule', 0, []) as IDataObject[]) ?? [];
}

function fieldPath(ctx: IExecuteFunctions, parameter: string, displayName: string, fallback: string): FieldPath {
	const name = String(ctx.getNodeParameter(parameter, 0, fallback) ?? '').trim();
	if (!name) throw new FieldError(displayName, `is empty; give the field name, e.g. ${fallback}`);
	return { name, path: parsePath(name, displayName) };
}

/** Everything the node is configured with, checked once before any item is read. */
export function readFeeCalculatorSettings(ctx: IExecuteFunctions): FeeCalculatorSettings {
	const rules = validateFeeRules(readRuleRows(ctx));
	const pspFeeName = String(ctx.getNodeParameter('pspFeeField', 0, 'fee') ?? '').trim();
	return {
		rules,
		fields: {
			grossAmount: fieldPath(ctx, 'grossAmountField', 'Gross Amount Field', 'gross.amount'),
			currency: fieldPath(ctx, 'currencyField', 'Currency Field', 'gross.currency'),
			provider: fieldPath(ctx, 'providerField', 'Provider Field', 'source'),
			method: fieldPath(ctx, 'methodField', 'Method Field', 'method'),
			direction: fieldPath(ctx, 'directionField', 'Direction Field', 'type'),
			pspFee: pspFeeName ? { name: pspFeeName, path: parsePath(pspFeeName, 'PSP Fee Field') } : undefined,
		},
		currencyDigits: parseCurrencyDigits(String(ctx.getNodeParameter('options.currencyDecimals', 0, '') ?? '')),
		pspFeeBorneBy: ctx.getNodeParameter('options.pspFeeBorneBy', 0, 'client') as FeeBearer,
		requireRule: ctx.getNodeParameter('options.requireRule', 0, true) as boolean,
	};
}
