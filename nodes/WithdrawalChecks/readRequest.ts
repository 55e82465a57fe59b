import type { IExecuteFunctions } from 'n8n-workflow';

import {
	DEFAULT_COUNTED_STATUSES,
	readAmount,
	readCurrency,
	readFreeMargin,
	readId,
	readInstant,
	readLimit,
	readLimitWindow,
	readOptionalCurrency,
	readPreviousWithdrawals,
	readRiskLevel,
	readRiskLevels,
	readStatus,
	readStatusList,
	readThreshold,
	type WithdrawalPolicy,
	type WithdrawalRequest,
} from '../../lib/withdrawalPolicy';

/**
 * The policy as configured for one item. Read per item, not once: a limit or threshold may be an
 * expression over the item (a VIP client's own limit), and a bad setting then fails each item on
 * its own, onto the error output, instead of being judged from the first item only.
 */
export function readWithdrawalPolicy(ctx: IExecuteFunctions, itemIndex: number): WithdrawalPolicy {
	const parameter = (name: string, fallback: unknown) => ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	return {
		acceptedKycStatuses: readStatusList(parameter('acceptedKycStatuses', 'approved'), 'Accepted KYC Statuses', { required: 'approved' }),
		refusedClientStatuses: readStatusList(parameter('refusedClientStatuses', 'blocked'), 'Refused Client Statuses'),
		refusedRiskLevels: readRiskLevels(parameter('refusedRiskLevels', []), 'Refused Risk Levels'),
		refuseUnknownRiskLevel: parameter('refuseUnknownRiskLevel', true) !== false,
		twoApproverRiskLevels: readRiskLevels(parameter('twoApproverRiskLevels', ['high']), 'Risk Levels Needing Two Approvers'),
		countedStatuses: readStatusList(parameter('countedStatuses', DEFAULT_COUNTED_STATUSES), 'Counted Statuses', {
			required: DEFAULT_COUNTED_STATUSES,
		}),
		dailyLimit: readLimit(parameter('dailyLimit', ''), 'Daily Limit'),
		monthlyLimit: readLimit(parameter('monthlyLimit', ''), 'Monthly Limit'),
		limitWindow: readLimitWindow(parameter('limitWindow', 'calendar')),
		secondApproverAbove: readThreshold(parameter('secondApproverAbove', '10000')),
	};
}

/** The request of one item, each value checked and named by its parameter. */
export function readWithdrawalRequest(ctx: IExecuteFunctions, itemIndex: number, policy: WithdrawalPolicy): WithdrawalRequest {
	const parameter = (name: string) => ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const previous = parameter('previousWithdrawals');
	const limited = policy.dailyLimit !== undefined || policy.monthlyLimit !== undefined;
	// Without a limit the history is not needed, so a missing one is no reason to stop a withdrawal.
	const missing = previous === undefined || previous === null || previous === '';
	return {
		amount: readAmount(parameter('amount')),
		currency: readCurrency(parameter('currency')),
		requestId: readId(parameter('requestId'), 'Request ID'),
		freeMargin: readFreeMargin(parameter('freeMargin')),
		accountCurrency: readOptionalCurrency(parameter('accountCurrency'), 'Account Currency'),
		kycStatus: readStatus(parameter('kycStatus'), 'KYC Status'),
		clientStatus: readStatus(parameter('clientStatus'), 'Client Status'),
		riskLevel: readRiskLevel(parameter('riskLevel')),
		previousWithdrawals: missing && !limited ? [] : readPreviousWithdrawals(previous),
		requestedAtUtc: readInstant(parameter('requestedAt'), 'Requested At'),
	};
}
