import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import jsonFixture from './fixtures/fee-calculator-json.json';
import rowsFixture from './fixtures/fee-calculator.json';

const rowsWorkflow = rowsFixture as unknown as WorkflowJson;
const jsonWorkflow = jsonFixture as unknown as WorkflowJson;
const NODE = 'Deposit Fees';

function withNode(fixture: WorkflowJson, parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...fixture,
		nodes: fixture.nodes.map((n) => ({ ...n, ...node, parameters: { ...n.parameters, ...parameters } })),
	};
}

const transaction = (more: Record<string, unknown> = {}) => ({
	transactionId: 'PX-8823',
	source: 'praxis',
	type: 'deposit',
	status: 'succeeded',
	method: 'card',
	gross: { amount: '100.00', currency: 'USD' },
	...more,
});

describe('Fee Calculator in a workflow', () => {
	it('adds fee, net, client and broker fee, the fee source and the matched rule to each transaction', async () => {
		const run = await runWorkflow(rowsWorkflow, { input: [transaction()] });

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main).toHaveLength(1);
		expect(main[0].json).toEqual({
			...transaction(),
			fee: { amount: '2.80', currency: 'USD' },
			net: { amount: '97.20', currency: 'USD' },
			clientFee: { amount: '2.80', currency: 'USD' },
			brokerFee: { amount: '0.00', currency: 'USD' },
			feeSource: 'table',
			feeRule: {
				row: 2,
				provider: 'praxis',
				method: 'card',
				currency: 'USD',
				direction: 'deposit',
				percent: '2.5',
				fixed: '0.30',
				borneBy: 'client',
			},
		});
		expect(main[0].pairedItem).toEqual({ item: 0 });
		expect(errors).toEqual([]);
	});

	it('lets the fee the PSP reported in the canonical fee field win over the table', async () => {
		const run = await runWorkflow(rowsWorkflow, { input: [transaction({ fee: { amount: '1.75', currency: 'USD' } })] });

		const [main] = run.outputs[NODE];
		expect(main[0].json).toMatchObject({
			fee: { amount: '1.75', currency: 'USD' },
			net: { amount: '98.25', currency: 'USD' },
			feeSource: 'psp',
		});
	});

	it('credits the gross when the matched rule says the broker bears the fee', async () => {
		const run = await runWorkflow(rowsWorkflow, {
			input: [transaction({ source: 'coinspaid', method: 'btc', gross: { amount: '0.12345678', currency: 'BTC' } })],
		});

		const [main] = run.outputs[NODE];
		expect(main[0].json).toMatchObject({
			fee: { amount: '0.00061728', currency: 'BTC' },
			net: { amount: '0.12345678', currency: 'BTC' },
			clientFee: { amount: '0.00000000', currency: 'BTC' },
			brokerFee: { amount: '0.00061728', currency: 'BTC' },
			feeRule: expect.objectContaining({ row: 3, borneBy: 'broker' }),
		});
	});

	it('routes each bad transaction to the error output with a message naming the field, paired with its item', async () => {
		const run = await runWorkflow(rowsWorkflow, {
			input: [
				transaction({ gross: { currency: 'USD' } }),
				transaction(),
				transaction({ gross: { amount: '1,000.00', currency: 'USD' } }),
				transaction({ type: 'bonus' }),
				transaction({ fee: { amount: '2', currency: 'EUR' } }),
			],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"gross.amount": is required but missing',
			'"gross.amount": must be a decimal number such as "100.50", got "1,000.00"',
			'"type": must be deposit or withdrawal, got "bonus"',
			'"fee": is in EUR but the gross is in USD; convert it first',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }, { item: 4 }]);
	});

	it('routes a transaction no rule matches to the error output when a rule is required', async () => {
		const praxisOnly = withNode(rowsWorkflow, {
			feeRules: { rule: [{ provider: 'praxis', method: 'card', currency: 'USD', direction: 'deposit', percent: '2.5', borneBy: 'client' }] },
			options: { requireRule: true },
		});
		const run = await runWorkflow(praxisOnly, { input: [transaction({ source: 'coinspaid', method: 'btc' })] });

		const [main, errors] = run.outputs[NODE];
		expect(main).toEqual([]);
		expect(errors[0].json.error).toBe(
			'"Fee Rules": no rule matches provider "coinspaid", method "btc", currency USD, direction deposit; add a rule (or one with *) or turn off Require a Rule',
		);
	});

	it('stops the run at a bad transaction, naming the field, when no error output is chosen', async () => {
		const strict = withNode(rowsWorkflow, {}, { onError: undefined });
		const run = await runWorkflow(strict, { input: [transaction(), transaction({ source: undefined })] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"source": is required but missing');
	});

	it('refuses a broken fee table once, before any item, naming the row and column', async () => {
		const broken = withNode(rowsWorkflow, { feeRules: { rule: [{ provider: 'praxis', percent: '2,5' }] } });
		const run = await runWorkflow(broken, { input: [transaction(), transaction()] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe(
			'The fee calculator settings are invalid: "Fee rule 1 percent": must be a decimal number such as "2.5", got "2,5"',
		);
	});

	it('reads a pasted JSON table and custom field paths, summing CoinsPaid fees[] as the PSP fee', async () => {
		const run = await runWorkflow(jsonWorkflow, {
			input: [
				{ psp: 'praxis', kind: 'Withdrawal', request: { amount: '250', currency: 'EUR', method: 'card' } },
				{
					psp: 'coinspaid',
					kind: 'deposit',
					request: { amount: '0.5', currency: 'BTC' },
					raw: { fees: [{ type: 'fee_crypto_deposit', currency: 'BTC', amount: '0.0001' }, { type: 'fee_network', currency: 'BTC', amount: '0.00002' }] },
				},
			],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs['Withdrawal Fees'];
		expect(errors).toEqual([]);
		expect(main.map((item) => [item.json.fee, item.json.net, item.json.feeSource])).toEqual([
			[{ amount: '5.00', currency: 'EUR' }, { amount: '245.00', currency: 'EUR' }, 'table'],
			[{ amount: '0.00012', currency: 'BTC' }, { amount: '0.49988', currency: 'BTC' }, 'psp'],
		]);
	});
});
