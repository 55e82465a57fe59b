import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/reconciliation.json';
import { crmTransaction as crm, mt5Deal as deal, pspDeposit as deposit } from '../support/reconciliationRecords';

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Reconciliation';

function withNode(parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((n) => ({ ...n, ...node, parameters: { ...n.parameters, ...parameters } })),
	};
}

// One day with a planted missing credit (8824), a duplicate (8826) and an amount mismatch (8825),
// next to a clean deposit, a withdrawal and a chargeback.
const day = () => ({
	pspTransactions: [
		deposit(8823, '97.2', '2026-11-25T10:00:00Z'),
		deposit(8824, '50.00', '2026-11-25T11:00:00Z'),
		deposit(8825, '100.00', '2026-11-25T13:00:00Z'),
		deposit(8826, '250.00', '2026-11-25T23:50:00Z'),
		deposit(9001, '300.00', '2026-11-25T14:00:00Z', { type: 'withdrawal', withdrawalRequestId: 'WD-9' }),
		deposit(8700, '40.00', '2026-11-25T15:00:00Z', { status: 'chargeback' }),
	],
	deals: [
		deal('90001', 'praxis:8823', '97.20', '2026-11-25T10:00:05Z'),
		deal('90005', 'praxis:8825', '90.00', '2026-11-25T13:00:03Z'),
		deal('90003', 'praxis:8826', '250.00', '2026-11-26T00:05:00Z'),
		deal('90004', 'praxis:8826', '250.00', '2026-11-26T00:06:00Z'),
		deal('90006', 'praxis:withdrawal:WD-9', '-300.00', '2026-11-25T13:59:00Z'),
		deal('90007', 'praxis:8700:chargeback', '-40.00', '2026-11-25T15:00:09Z'),
	],
	crmTransactions: [
		crm(1, 'praxis:8823', 'deposit', '97.20'),
		crm(3, 'praxis:8825', 'deposit', '100.00'),
		crm(2, 'praxis:8826', 'deposit', '250.00'),
		crm(4, 'praxis:withdrawal:WD-9', 'withdrawal', '300.00'),
		crm(5, 'praxis:8700:chargeback', 'withdrawal', '40.00'),
	],
});

describe('Reconciliation in a workflow', () => {
	it('puts one finding per item on Findings and the summary on Summary, paired with the input item', async () => {
		const run = await runWorkflow(workflow, { input: [day()] });

		expect(run.status).toBe('success');
		const [findings, summary, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(findings.map((item) => [item.json.kind, item.json.key, item.pairedItem])).toEqual([
			['missingCredit', 'praxis:8824', { item: 0 }],
			['amountMismatch', 'praxis:8825', { item: 0 }],
			['duplicateCredit', 'praxis:8826', { item: 0 }],
		]);
		expect(findings[0].json.message).toBe(
			'praxis:8824: PSP says 50.00 USD succeeded, MT5 500001 has no deal with this comment — credit it through the review queue',
		);
		expect(summary).toHaveLength(1);
		expect(summary[0].pairedItem).toEqual({ item: 0 });
		expect(summary[0].json).toMatchObject({
			kind: 'summary',
			clean: false,
			counts: { missingCredit: 1, duplicateCredit: 1, amountMismatch: 1, missingCrmRecord: 0, unknownCredit: 0, statusMismatch: 0, total: 3 },
			totals: {
				psp: { USD: { count: 6, amount: '157.20' } },
				platform: { USD: { count: 6, amount: '347.20' } },
				crm: { USD: { count: 5, amount: '107.20' } },
			},
		});
	});

	it('gives only a clean summary for a day where the three systems agree', async () => {
		const clean = day();
		clean.pspTransactions = clean.pspTransactions.filter((t) => ['8823', '9001', '8700'].includes(t.transactionId));
		clean.deals = clean.deals.filter((d) => ['90001', '90006', '90007'].includes(d.dealId));
		const run = await runWorkflow(workflow, { input: [clean] });

		const [findings, summary] = run.outputs[NODE];
		expect(findings).toEqual([]);
		expect(summary.map((item) => item.json.clean)).toEqual([true]);
		expect(summary[0].json.message).toBe(
			'Reconciliation of UTC day 2026-11-25: PSP, MT5 and CRM agree (3 PSP transactions, 3 deals, 3 CRM transactions)',
		);
	});

	it('reads the three lists from other nodes\' items through expressions, over a From/To period', async () => {
		const run = await runWorkflow(
			withNode({
				pspTransactions: '={{ $json.psp.map(t => ({ json: t })) }}',
				deals: '={{ JSON.stringify($json.mt5) }}',
				crmTransactions: '={{ $json.crm.data }}',
				period: 'range',
				from: '2026-11-25T02:00:00+02:00',
				to: '2026-11-25T12:00:00Z',
				graceMinutes: 0,
			}),
			{
				input: [
					{
						psp: day().pspTransactions,
						mt5: day().deals,
						crm: { data: day().crmTransactions },
					},
				],
			},
		);

		const [findings, summary] = run.outputs[NODE];
		expect(findings.map((item) => [item.json.kind, item.json.key])).toEqual([['missingCredit', 'praxis:8824']]);
		expect(summary[0].json).toMatchObject({
			period: { fromUtc: '2026-11-25T00:00:00.000Z', toUtc: '2026-11-25T12:00:00.000Z', graceMinutes: 0 },
			message: 'Reconciliation of 2026-11-25T00:00:00.000Z to 2026-11-25T12:00:00.000Z: 1 finding (1 missingCredit)',
		});
	});

	it('reconciles each input item on its own', async () => {
		const run = await runWorkflow(withNode({ day: '={{ $json.day }}' }), {
			input: [{ ...day(), day: '2026-11-25' }, { ...day(), day: '2026-11-24' }],
		});

		const [, summary] = run.outputs[NODE];
		expect(summary.map((item) => [item.json.period, item.json.clean, item.pairedItem])).toEqual([
			[{ fromUtc: '2026-11-25T00:00:00.000Z', toUtc: '2026-11-26T00:00:00.000Z', graceMinutes: 60 }, false, { item: 0 }],
			[{ fromUtc: '2026-11-24T00:00:00.000Z', toUtc: '2026-11-25T00:00:00.000Z', graceMinutes: 60 }, true, { item: 1 }],
		]);
	});

	it('routes an item with a bad record to the error output, naming the list and the entry', async () => {
		const bad = day();
		bad.deals[1] = { ...bad.deals[1], profit: '1,000.00' };
		const run = await runWorkflow(workflow, { input: [bad, day()] });

		expect(run.status).toBe('success');
		const [findings, summary, errors] = run.outputs[NODE];
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			[
				'"Platform Deals": the deal at index 1 (90005): profit must be a decimal number such as "97.20" (no thousands separators), got "1,000.00"',
				{ item: 0 },
			],
		]);
		expect(summary.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(findings.every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(true);
	});

	it('refuses an item without one of the lists instead of calling the day clean', async () => {
		const { deals: _left, ...withoutDeals } = day();
		const run = await runWorkflow(workflow, { input: [withoutDeals] });

		const [findings, summary, errors] = run.outputs[NODE];
		expect(findings).toEqual([]);
		expect(summary).toEqual([]);
		expect(errors.map((item) => item.json.error)).toEqual(['"Platform Deals": is required: a list of deals ([] when there are none), got nothing']);
	});

	it('keeps a failed reconciliation off Findings with plain "Continue": it leaves on Summary, without clean: true', async () => {
		const run = await runWorkflow(withNode({ day: '25/11/2026' }, { onError: 'continueRegularOutput' }), { input: [day()] });

		const [findings, summary] = run.outputs[NODE];
		expect(findings).toEqual([]);
		expect(summary.map((item) => item.json)).toEqual([{ error: '"Day": must be a UTC day such as "2026-11-25", got "25/11/2026"' }]);
	});

	it('stops the run naming the parameter when no error output is chosen', async () => {
		const run = await runWorkflow(withNode({ graceMinutes: -1 }, { onError: undefined }), { input: [day()] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"Grace (Minutes)": must be a whole number of minutes from 0 to 1440, got -1');
	});
});
