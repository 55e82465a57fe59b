import { DateTime } from 'luxon';
import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/withdrawal-checks.json';

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Withdrawal Checks';

function withNode(parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((n) => ({ ...n, ...node, parameters: { ...n.parameters, ...parameters } })),
	};
}

const withdrawal = (more: Record<string, unknown> = {}) => ({
	requestId: 'WD-100',
	clientId: 'C-17',
	amount: '1000.00',
	currency: 'USD',
	freeMargin: '2500.00',
	kycStatus: 'approved',
	clientStatus: 'active',
	riskLevel: 'low',
	requestedAt: '2026-03-01T01:30:00+03:00',
	previousWithdrawals: [
		// This request, already in the CRM as pending: never counted.
		{ id: 'WD-100', amount: '1000.00', currency: 'USD', status: 'pending', created_at: '2026-02-28T22:00:00Z' },
		{ id: 'WD-90', amount: '3000.00', currency: 'USD', status: 'completed', createdAt: '2026-02-28T09:00:00+02:00' },
		{ id: 'WD-80', amount: '900.00', currency: 'USD', status: 'rejected', createdAt: '2026-02-28T10:00:00Z' },
	],
	...more,
});

describe('Withdrawal Checks in a workflow', () => {
	it('sends a request that meets the policy to Passed with the check added to the item', async () => {
		const run = await runWorkflow(workflow, { input: [withdrawal()] });

		expect(run.status).toBe('success');
		const [passed, refused, errors] = run.outputs[NODE];
		expect(refused).toEqual([]);
		expect(errors).toEqual([]);
		expect(passed).toHaveLength(1);
		expect(passed[0].json).toEqual({
			...withdrawal(),
			withdrawalCheck: {
				passed: true,
				approvalsRequired: 1,
				approvalReason: '',
				reasons: [],
				rejectionReason: '',
				totals: { day: '3000.00', month: '3000.00', dayRemaining: '2000.00', monthRemaining: '17000.00' },
				window: { dayStartUtc: '2026-02-28T00:00:00.000Z', monthStartUtc: '2026-02-01T00:00:00.000Z' },
			},
		});
		expect(passed[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends each request to Passed or Refused, paired with its input item', async () => {
		const run = await runWorkflow(withNode({ secondApproverAbove: '1500' }), {
			input: [
				withdrawal({ kycStatus: 'pending' }),
				withdrawal({ requestId: 'WD-101', amount: '2000', previousWithdrawals: [] }),
				withdrawal({ amount: '2000.01' }),
			],
		});

		const [passed, refused, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(passed.map((item) => [item.json.requestId, item.pairedItem])).toEqual([['WD-101', { item: 1 }]]);
		expect(passed[0].json.withdrawalCheck).toMatchObject({
			approvalsRequired: 2,
			approvalReason: 'amount 2000.00 USD is above 1500.00 USD',
		});
		expect(refused.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(refused.map((item) => item.json.withdrawalCheck)).toEqual([
			expect.objectContaining({
				passed: false,
				reasons: [{ check: 'kycStatus', message: 'KYC status is pending; withdrawals need approved' }],
				rejectionReason: 'KYC status is pending; withdrawals need approved',
			}),
			expect.objectContaining({
				passed: false,
				reasons: [
					{ check: 'dailyLimit', message: 'daily limit 5000.00 USD: 3000.00 already withdrawn today (UTC), 2000.01 more requested' },
				],
			}),
		]);
	});

	it('lists every failed check of a refused request, not just the first', async () => {
		const run = await runWorkflow(withNode({ refusedRiskLevels: ['high'] }), {
			input: [withdrawal({ freeMargin: '80', amount: '120', clientStatus: 'Blocked', riskLevel: 'high' })],
		});

		const [passed, refused] = run.outputs[NODE];
		expect(passed).toEqual([]);
		expect(refused[0].json.withdrawalCheck).toMatchObject({
			passed: false,
			approvalsRequired: 2,
			approvalReason: 'risk level is high',
			rejectionReason:
				'free margin 80.00 USD is below the 120.00 USD requested: close positions or lower the amount; client status is blocked; withdrawals are refused for blocked clients; risk level is high; withdrawals are refused for high-risk clients',
		});
	});

	it('counts the last 24 hours when the rolling window is chosen', async () => {
		const run = await runWorkflow(withNode({ limitWindow: 'rolling' }), {
			input: [
				withdrawal({
					previousWithdrawals: [{ id: 'WD-70', amount: '4200', currency: 'USD', status: 'approved', createdAt: '2026-02-27T23:00:00Z' }],
				}),
			],
		});

		const [passed, refused] = run.outputs[NODE];
		expect(passed).toEqual([]);
		expect(refused[0].json.withdrawalCheck).toMatchObject({
			reasons: [{ check: 'dailyLimit', message: 'daily limit 5000.00 USD: 4200.00 already withdrawn in the last 24 hours, 1000.00 more requested' }],
			window: { dayStartUtc: '2026-02-27T22:30:00.000Z', monthStartUtc: '2026-01-29T22:30:00.000Z' },
		});
	});

	it('routes an invalid item to the error output with a message naming the field, paired with its item', async () => {
		const run = await runWorkflow(workflow, {
			input: [
				withdrawal({ amount: '1,000.00' }),
				withdrawal(),
				withdrawal({ freeMargin: undefined }),
				withdrawal({ previousWithdrawals: { id: 'WD-90' } }),
				withdrawal({ previousWithdrawals: [{ id: 'WD-90', amount: '3000', currency: 'USD', status: 'completed', createdAt: '28/02/2026' }] }),
			],
		});

		expect(run.status).toBe('success');
		const [passed, refused, errors] = run.outputs[NODE];
		expect(passed.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(refused).toEqual([]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"Amount": must be a decimal number such as "250.00" (no thousands separators), got "1,000.00"',
			'"Free Margin": is required: the trading account\'s free margin, read from the trading platform just before the check',
			'"Previous Withdrawals": must be a list of the client\'s earlier withdrawals ([] when there are none), got {"id":"WD-90"}',
			'"Previous Withdrawals": the withdrawal at index 0 (id WD-90): createdAt must be an ISO-8601 date-time with an offset or Z, such as "2026-03-01T01:30:00+03:00" or "2026-02-28T22:30:00Z", got "28/02/2026"',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }, { item: 4 }]);
	});

	it('stops the run at an invalid item, naming the field, when no error output is chosen', async () => {
		const run = await runWorkflow(withNode({}, { onError: undefined }), { input: [withdrawal(), withdrawal({ currency: 'US Dollar' })] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"Currency": must be a currency code of 3 to 5 letters such as USD or USDT, got "US Dollar"');
	});

	it('sends every item to the error output, none to Passed, when a setting is invalid', async () => {
		const run = await runWorkflow(withNode({ dailyLimit: 'abc' }), { input: [withdrawal(), withdrawal({ requestId: 'WD-101' })] });

		expect(run.status).toBe('success');
		const [passed, refused, errors] = run.outputs[NODE];
		expect(passed).toEqual([]);
		expect(refused).toEqual([]);
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Daily Limit": must be empty (no limit) or be a decimal number such as "5000" (no thousands separators), got "abc"', { item: 0 }],
			['"Daily Limit": must be empty (no limit) or be a decimal number such as "5000" (no thousands separators), got "abc"', { item: 1 }],
		]);
	});

	it('stops the run naming the setting when a setting is invalid and no error output is chosen', async () => {
		const run = await runWorkflow(withNode({ acceptedKycStatuses: ' , ' }, { onError: undefined }), { input: [withdrawal()] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"Accepted KYC Statuses": is empty; give at least one status, e.g. approved');
	});

	it('keeps an invalid item off Passed with plain "Continue": it leaves on Refused with the reason', async () => {
		const run = await runWorkflow(withNode({ dailyLimit: 'abc' }, { onError: 'continueRegularOutput' }), { input: [withdrawal()] });

		expect(run.status).toBe('success');
		const [passed, refused] = run.outputs[NODE];
		expect(passed).toEqual([]);
		expect(refused.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Daily Limit": must be empty (no limit) or be a decimal number such as "5000" (no thousands separators), got "abc"', { item: 0 }],
		]);
	});

	it('reads the request from other fields through expressions', async () => {
		const run = await runWorkflow(
			withNode({
				amount: '={{ $json.request.amount }}',
				currency: '={{ $json.request.ccy }}',
				freeMargin: '={{ $json.account.margin_free }}',
				previousWithdrawals: '={{ $json.history }}',
				dailyLimit: '={{ $json.limits.daily }}',
				monthlyLimit: '',
			}),
			{
				input: [
					{
						request: { amount: 600, ccy: 'eur' },
						account: { margin_free: 650.5 },
						kycStatus: 'APPROVED',
						riskLevel: 'Medium',
						requestedAt: '2026-02-10T12:00:00Z',
						history: [{ amount: 500, currency: 'EUR', status: 'succeeded', created_at: '2026-02-10T08:00:00+01:00' }],
						limits: { daily: '1000' },
					},
				],
			},
		);

		const [passed, refused, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(passed).toEqual([]);
		expect(refused[0].json.withdrawalCheck).toMatchObject({
			reasons: [{ check: 'dailyLimit', message: 'daily limit 1000.00 EUR: 500.00 already withdrawn today (UTC), 600.00 more requested' }],
			totals: { day: '500.00', dayRemaining: '500.00', monthRemaining: null },
		});
	});

	it('does not need the withdrawal history when no limit is set', async () => {
		const run = await runWorkflow(withNode({ dailyLimit: '', monthlyLimit: '' }), {
			input: [withdrawal({ previousWithdrawals: undefined })],
		});

		const [passed, , errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(passed[0].json.withdrawalCheck).toMatchObject({ passed: true, totals: { dayRemaining: null, monthRemaining: null } });
	});

	it('takes the time of the run as Requested At when the parameter is left at its default', async () => {
		const byDefault: WorkflowJson = {
			...workflow,
			nodes: workflow.nodes.map((n) => {
				const { requestedAt: _omitted, ...parameters } = n.parameters;
				return { ...n, parameters };
			}),
		};
		const before = DateTime.utc();
		const run = await runWorkflow(byDefault, { input: [withdrawal({ previousWithdrawals: [] })] });

		const [passed] = run.outputs[NODE];
		const check = passed[0].json.withdrawalCheck as { window: { dayStartUtc: string } };
		expect(check.window.dayStartUtc).toBe(before.startOf('day').toISO());
	});
});
