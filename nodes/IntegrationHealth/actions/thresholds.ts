import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../../../lib/health';

/** "Alert When": the persistent-failure thresholds both operations judge by. */
export const alertWhen: INodeProperties = {
	displayName: 'Alert When',
	name: 'alertWhen',
	type: 'collection',
	placeholder: 'Change a Threshold',
	default: {},
	description: 'When an integration counts as failing persistently. Any one of these is enough; set a number to 0 to turn that check off.',
	options: [
		{
			displayName: 'Circuit Breaker Is Open',
			name: 'onOpenBreaker',
			type: 'boolean',
			default: true,
			description: 'Whether an open circuit breaker (calls paused after failures in a row) counts as failing',
		},
		{
			displayName: 'Failed Tries in a Row',
			name: 'consecutiveFailures',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 5,
			description: 'Alert at this many failed tries in a row (0 = off)',
		},
		{
			displayName: 'Failure Rate (%)',
			name: 'failureRatePercent',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 50,
			description: 'Alert when at least this share of the calls in the window failed (0 = off)',
		},
		{
			displayName: 'Failure Rate Window (Hours)',
			name: 'rateWindowHours',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 24 },
			default: 1,
			description: 'The UTC hours the failure rate is taken over, counting the current one',
		},
		{
			displayName: 'Minimum Calls for a Rate',
			name: 'minCallsForRate',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'With fewer calls in the window, the failure rate is not judged (one failed call of one is not a trend)',
		},
	],
};

function wholeNumber(ctx: IExecuteFunctions, value: unknown, fallback: number, label: string, max?: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0 || (max !== undefined && number > max)) {
		throw new NodeOperationError(ctx.getNode(), `"${label}": must be a number from 0${max === undefined ? '' : ` to ${max}`}, got ${JSON.stringify(value)}`);
	}
	return number;
}

export function readAlertThresholds(ctx: IExecuteFunctions): AlertThresholds {
	const given = ctx.getNodeParameter('alertWhen', 0, {}) as Record<string, unknown>;
	const d = DEFAULT_ALERT_THRESHOLDS;
	return {
		onOpenBreaker: given.onOpenBreaker === undefined ? d.onOpenBreaker : given.onOpenBreaker !== false,
		consecutiveFailures: wholeNumber(ctx, given.consecutiveFailures, d.consecutiveFailures, 'Failed Tries in a Row'),
		failureRatePercent: wholeNumber(ctx, given.failureRatePercent, d.failureRatePercent, 'Failure Rate (%)', 100),
		rateWindowHours: Math.max(1, wholeNumber(ctx, given.rateWindowHours, d.rateWindowHours, 'Failure Rate Window (Hours)', 24)),
		minCallsForRate: wholeNumber(ctx, given.minCallsForRate, d.minCallsForRate, 'Minimum Calls for a Rate'),
	};
}
