import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItemRouted } from '../../lib/perItem';
import { checkWithdrawal } from '../../lib/withdrawalPolicy';
import { withdrawalChecksProperties } from './description';
import { readWithdrawalPolicy, readWithdrawalRequest } from './readRequest';

const PASSED = 0;
const REFUSED = 1;

export class WithdrawalChecks implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Withdrawal Checks',
		name: 'withdrawalChecks',
		icon: { light: 'file:withdrawalChecks.svg', dark: 'file:withdrawalChecks.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"second approver above " + $parameter["secondApproverAbove"]}}',
		description:
			'Check a withdrawal request against the brokerage\'s policy (free margin, KYC, client status, risk level, daily and monthly limits) and say how many approvers it needs',
		defaults: { name: 'Withdrawal Checks' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Passed', 'Refused'],
		usableAsTool: true,
		properties: withdrawalChecksProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Settings are read with each item (see readWithdrawalPolicy), so a bad setting such as a
		// Daily Limit of "abc" fails every item through runPerItemRouted: the run stops naming the
		// parameter, or each item leaves on the error output. Nothing is thrown from here in the
		// continue modes, where n8n would pass the input items on to Passed unchecked. With plain
		// "Continue" a failed item leaves on Refused, never on Passed.
		return await runPerItemRouted.call(this, { outputCount: 2, failedItemsOutput: REFUSED }, async (itemIndex, item) => {
			const policy = readWithdrawalPolicy(this, itemIndex);
			const check = checkWithdrawal(readWithdrawalRequest(this, itemIndex, policy), policy);
			const withdrawalCheck: IDataObject = {
				passed: check.passed,
				approvalsRequired: check.approvalsRequired,
				approvalReason: check.approvalReason,
				reasons: check.reasons.map((reason) => ({ ...reason })),
				rejectionReason: check.rejectionReason,
				totals: { ...check.totals },
				window: { ...check.window },
			};
			return {
				output: check.passed ? PASSED : REFUSED,
				result: { json: { ...item.json, withdrawalCheck }, binary: item.binary, pairedItem: { item: itemIndex } },
			};
		});
	}
}
