/**
 * The one "Retry and Timeout" options collection every node of the pack shows, and the reading of
 * it into a `RetryPolicy` for `requestWithRetry` (lib/http.ts). Written for operations staff: each
 * option says what it changes in words, with its unit.
 */
import {
	NodeOperationError,
	type IExecuteFunctions,
	type IExecuteSingleFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INodeProperties,
	type IPollFunctions,
	type ITriggerFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { fixedCollection } from './fieldReference';

export interface RetryPolicy {
	/** How long one try may take before it counts as failed. */
	timeoutMs: number;
	/** Tries in total, the first one included (4 = 1 try + 3 retries). */
	maxAttempts: number;
	/** Cap of the random wait before the first retry; it doubles for each further retry. */
	baseDelayMs: number;
	/** The longest random wait between two tries. */
	maxDelayMs: number;
	/** Whether a `Retry-After` header from the vendor sets the minimum wait. */
	honourRetryAfter: boolean;
	/** A vendor asking for a longer wait than this fails the call instead, saying when to retry. */
	maxRetryAfterWaitMs: number;
	/** Consecutive failed calls to one vendor host that pause all calls to it. */
	breakerFailureThreshold: number;
	/** How long calls stay paused before one test call is let through. */
	breakerOpenMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	timeoutMs: 10_000,
	maxAttempts: 4,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	honourRetryAfter: true,
	maxRetryAfterWaitMs: 60_000,
	breakerFailureThreshold: 5,
	breakerOpenMs: 30_000,
});

export const RETRY_OPTIONS_NAME = 'retryAndTimeout';

/**
 * Spread into a node's `properties`. Options are sorted by name, as n8n's lint asks of collections;
 * defaults are literals (the lint reads them) equal to DEFAULT_RETRY_POLICY.
 */
export const retryAndTimeoutOptions: INodeProperties = {
	displayName: 'Retry and Timeout',
	name: RETRY_OPTIONS_NAME,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description:
		'How calls to the service are retried when it fails or is slow. The defaults suit most services.',
	options: [
		{
			displayName: 'Base Delay',
			name: 'baseDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 500,
			description:
				'Longest wait before the first retry, in milliseconds. Each further retry may wait twice as long. The actual wait is picked at random so that many workflows do not retry at the same moment.',
		},
		{
			displayName: 'Breaker Failure Threshold',
			name: 'breakerFailureThreshold',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 5,
			description:
				'How many calls in a row must fail before calls to this service are paused. While paused, calls fail at once instead of waiting on a service that is down.',
		},
		{
			displayName: 'Breaker Open Time',
			name: 'breakerOpenTime',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 30000,
			description:
				'How long calls stay paused after the service kept failing, in milliseconds. Then one test call is let through; if it succeeds, calls resume.',
		},
		{
			displayName: 'Honour Retry-After',
			name: 'honourRetryAfter',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait as long as the service asks when it answers "too many requests" or "unavailable" with a Retry-After header',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10, numberPrecision: 0 },
			default: 4,
			description:
				'How many times a call is tried in total, the first try included. 1 means the call is never retried.',
		},
		{
			displayName: 'Max Delay',
			name: 'maxDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 30000,
			description: 'The longest wait between two tries, in milliseconds',
		},
		{
			displayName: 'Max Retry-After Wait',
			name: 'maxRetryAfterWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60000,
			description:
				'The longest wait the service may ask for, in milliseconds. If it asks for longer, the call fails with the time after which it can be retried.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			description:
				'How long to wait for the service to answer one try, in milliseconds. A try that takes longer counts as failed.',
		},
	],
};

/** The n8n contexts that have no input items (triggers, pollers, hooks, webhooks, option loaders). */
export type ContextWithoutItems =
	| IExecuteSingleFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| ITriggerFunctions
	| IHookFunctions
	| IWebhookFunctions;

interface NumberRule {
	option: string;
	label: string;
	min: number;
	max?: number;
	whole?: boolean;
}

const NUMBER_RULES: Record<Exclude<keyof RetryPolicy, 'honourRetryAfter'>, NumberRule> = {
	timeoutMs: { option: 'timeout', label: 'Timeout', min: 1 },
	maxAttempts: { option: 'maxAttempts', label: 'Max Attempts', min: 1, max: 10, whole: true },
	baseDelayMs: { option: 'baseDelay', label: 'Base Delay', min: 0 },
	maxDelayMs: { option: 'maxDelay', label: 'Max Delay', min: 0 },
	maxRetryAfterWaitMs: { option: 'maxRetryAfterWait', label: 'Max Retry-After Wait', min: 0 },
	breakerFailureThreshold: {
		option: 'breakerFailureThreshold',
		label: 'Breaker Failure Threshold',
		min: 1,
		whole: true,
	},
	breakerOpenMs: { option: 'breakerOpenTime', label: 'Breaker Open Time', min: 0 },
};

function ruleText(rule: NumberRule): string {
	const kind = rule.whole ? 'a whole number' : 'a number';
	return rule.max === undefined
		? `${kind} of at least ${rule.min}`
		: `${kind} from ${rule.min} to ${rule.max}`;
}

/** Expressions can hand over numbers and booleans as text; accept the obvious spellings. */
function asNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return Number.NaN;
}

function asBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 'true') return true;
	if (value === 'false') return false;
	return undefined;
}

/** Policies of option collections without expressions, by the node's own settings object. */
const fixedPolicies = new WeakMap<object, RetryPolicy>();

/**
 * Reads the node's "Retry and Timeout" options for one item (the options may be expressions), with
 * the defaults for options left out. A value out of range fails with an error naming the option.
 */
export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy;
export function readRetryPolicy(ctx: ContextWithoutItems): RetryPolicy;
export function readRetryPolicy(
	ctx: IExecuteFunctions | ContextWithoutItems,
	itemIndex?: number,
): RetryPolicy {
	if (itemIndex === undefined) return policyFrom(ctx, (ctx as ContextWithoutItems).getNodeParameter(RETRY_OPTIONS_NAME, {}));
	// Options without expressions are the same for every item: checked once per node setting.
	const fixed = fixedCollection(ctx as IExecuteFunctions, RETRY_OPTIONS_NAME, itemIndex);
	if (!fixed) return policyFrom(ctx, (ctx as IExecuteFunctions).getNodeParameter(RETRY_OPTIONS_NAME, itemIndex, {}), itemIndex);
	let policy = fixedPolicies.get(fixed);
	if (!policy) {
		policy = policyFrom(ctx, fixed, itemIndex);
		fixedPolicies.set(fixed, policy);
	}
	return { ...policy };
}

function policyFrom(ctx: IExecuteFunctions | ContextWithoutItems, raw: unknown, itemIndex?: number): RetryPolicy {
	const options = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;

	const invalid = (label: string, expected: string, value: unknown) =>
		new NodeOperationError(
			ctx.getNode(),
			`"${label}" in Retry and Timeout must be ${expected}; it is ${JSON.stringify(value)}`,
			{ itemIndex, description: 'Correct the option under Retry and Timeout, or remove it to use the default.' },
		);

	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
	for (const [field, rule] of Object.entries(NUMBER_RULES) as Array<
		[keyof typeof NUMBER_RULES, NumberRule]
	>) {
		const value = options[rule.option];
		if (value === undefined || value === null || value === '') continue;
		const parsed = asNumber(value);
		const valid =
			Number.isFinite(parsed) &&
			parsed >= rule.min &&
			(rule.max === undefined || parsed <= rule.max) &&
			(!rule.whole || Number.isInteger(parsed));
		if (!valid) throw invalid(rule.label, ruleText(rule), value);
		policy[field] = parsed;
	}

	const honour = options.honourRetryAfter;
	if (honour !== undefined && honour !== null && honour !== '') {
		const parsed = asBoolean(honour);
		if (parsed === undefined) throw invalid('Honour Retry-After', 'true or false', honour);
		policy.honourRetryAfter = parsed;
	}
	return policy;
}
