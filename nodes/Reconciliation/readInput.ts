import type { IExecuteFunctions } from 'n8n-workflow';

import {
	DEFAULT_GRACE_MINUTES,
	DEFAULT_KEY_PROVIDERS,
	readCrmTransactions,
	readDay,
	readDeals,
	readGraceMinutes,
	readKeyProviders,
	readPspTransactions,
	readRange,
	type ReconciliationInput,
} from '../../lib/reconciliation';

/**
 * One item's reconciliation. Read per item, so each item may be its own period and a bad value
 * fails that item alone, onto the error output, naming the parameter and the entry.
 */
export function readReconciliationInput(ctx: IExecuteFunctions, itemIndex: number): ReconciliationInput {
	const parameter = (name: string, fallback: unknown = '') => ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	const bounds = parameter('period', 'day') === 'range' ? readRange(parameter('from'), parameter('to')) : readDay(parameter('day'));
	return {
		period: { ...bounds, graceMinutes: readGraceMinutes(parameter('graceMinutes', DEFAULT_GRACE_MINUTES)) },
		keyProviders: readKeyProviders(parameter('keyProviders', DEFAULT_KEY_PROVIDERS)),
		pspTransactions: readPspTransactions(parameter('pspTransactions')),
		deals: readDeals(parameter('deals')),
		crmTransactions: readCrmTransactions(parameter('crmTransactions')),
	};
}
