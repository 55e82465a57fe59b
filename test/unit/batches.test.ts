import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { chunk, runInBatches, type BatchedOperation, type BatchPlan, type RowOutcome } from '../../lib/batches';

const SENT = 0;
const FAILED = 1;
const NODE: INode = { id: 'n1', name: 'Batch Test', type: 'test.batch', typeVersion: 1, position: [0, 0], parameters: {} };

/** The three calls the loop makes on n8n's context, over plain items. */
const contextOf = (inputs: IDataObject[], continueOnFail: boolean) =>
	({
		getInputData: () => inputs.map((json) => ({ json })),
		continueOnFail: () => continueOnFail,
		getNode: () => NODE,
	}) as unknown as IExecuteFunctions;

type Row = { n: number };

/** A vendor that accepts every row except those listed in `refuse`, and records what it was sent. */
function vendor(refuse: number[] = []) {
	const calls: Array<{ rows: number[]; plan: BatchPlan }> = [];
	const send: BatchedOperation<Row>['send'] = async (batch, plan) => {
		calls.push({ rows: batch.map(({ payload }) => payload.n), plan });
		return batch.map(({ payload }): RowOutcome => (refuse.includes(payload.n) ? new Error(`row ${payload.n} refused`) : { output: SENT, result: { n: payload.n, batch: plan.batchIndex + 1 } }));
	};
	return { calls, send };
}

/** Items `{ n }`; one with `bad` fails preparation naming its field, one with `skip` is routed unsent. */
const prepare: BatchedOperation<Row>['prepare'] = async (_itemIndex, item) => {
	if (item.json.bad) throw new Error('"N": is not a number');
	if (item.json.skip) return { route: { output: FAILED, result: { skipped: item.json.n } } };
	return { send: { n: Number(item.json.n) } };
};

const run = async (inputs: IDataObject[], options: Partial<BatchedOperation<Row>> & Pick<BatchedOperation<Row>, 'send'>, continueOnFail = true) =>
	await (runInBatches<Row>).call(contextOf(inputs, continueOnFail), { outputCount: 2, failedItemsOutput: FAILED, batchSize: 2, prepare, ...options });

const summary = (items: INodeExecutionData[]) => items.map((item) => ({ ...item.json, from: (item.pairedItem as { item: number }).item }));
const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

describe('splitting rows into batches', () => {
	it('keeps order and puts the remainder in the last batch', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
	});

	it('gives no batch for no rows', () => {
		expect(chunk([], 2000)).toEqual([]);
	});

	it('refuses a batch size below 1', () => {
		expect(() => chunk([1], 0)).toThrow(/at least 1/);
	});

	it('counts a batch in the weight of its rows, and sends a row heavier than a batch on its own', () => {
		expect(chunk([5, 1, 3, 2, 6, 1], 4, (weight) => weight)).toEqual([[5], [1, 3], [2], [6], [1]]);
	});
});

describe('sending items in batches', () => {
	it('sends the items in batches of the batch size and brings each row its own result, paired with its item', async () => {
		const { calls, send } = vendor();
		const data = await run(items(5), { send });
		expect(calls.map((call) => call.rows)).toEqual([[0, 1], [2, 3], [4]]);
		expect(calls.map((call) => call.plan)).toEqual([
			{ batchIndex: 0, batchCount: 3, rowCount: 5 },
			{ batchIndex: 1, batchCount: 3, rowCount: 5 },
			{ batchIndex: 2, batchCount: 3, rowCount: 5 },
		]);
		expect(summary(data[SENT])).toEqual([
			{ n: 0, batch: 1, from: 0 },
			{ n: 1, batch: 1, from: 1 },
			{ n: 2, batch: 2, from: 2 },
			{ n: 3, batch: 2, from: 3 },
			{ n: 4, batch: 3, from: 4 },
		]);
		expect(data[FAILED]).toEqual([]);
	});

	it('fails only the row the vendor refused, with the vendor\'s reason', async () => {
		const { send } = vendor([1]);
		const data = await run(items(3), { send });
		expect(summary(data[SENT]).map((row) => row.from)).toEqual([0, 2]);
		expect(data[FAILED]).toEqual([{ json: { error: 'row 1 refused' }, pairedItem: { item: 1 } }]);
	});

	it('routes an item to another output without sending it', async () => {
		const { calls, send } = vendor();
		const data = await run([{ n: 0 }, { n: 1, skip: true }, { n: 2 }], { send });
		expect(calls.map((call) => call.rows)).toEqual([[0, 2]]);
		expect(data[FAILED]).toEqual([{ json: { skipped: 1 }, pairedItem: { item: 1 } }]);
	});

	it('fails an invalid item on its own, naming its field, and sends the others', async () => {
		const { calls, send } = vendor();
		const data = await run([{ n: 0 }, { n: 1, bad: true }, { n: 2 }], { send });
		expect(calls.map((call) => call.rows)).toEqual([[0, 2]]);
		expect(data[FAILED]).toEqual([{ json: { error: '"N": is not a number' }, pairedItem: { item: 1 } }]);
	});

	it('sends nothing when an item is invalid and the node stops on errors', async () => {
		const { calls, send } = vendor();
		await expect(run([{ n: 0 }, { n: 1, bad: true }, { n: 2 }], { send }, false)).rejects.toMatchObject({ message: '"N": is not a number', context: { itemIndex: 1 } });
		expect(calls).toEqual([]);
	});

	it('fails every item of a failed batch with the batch\'s reason and still sends the other batches', async () => {
		const calls: number[][] = [];
		const send: BatchedOperation<Row>['send'] = async (batch) => {
			calls.push(batch.map(({ payload }) => payload.n));
			if (batch[0].payload.n === 2) throw new Error('the service is down');
			return batch.map(({ payload }) => ({ output: SENT, result: { n: payload.n } }));
		};
		const data = await run(items(5), { send });
		expect(calls).toEqual([[0, 1], [2, 3], [4]]);
		expect(summary(data[SENT]).map((row) => row.from)).toEqual([0, 1, 4]);
		expect(data[FAILED]).toEqual([
			{ json: { error: 'the service is down' }, pairedItem: { item: 2 } },
			{ json: { error: 'the service is down' }, pairedItem: { item: 3 } },
		]);
	});

	it('does not send the batches after a failed one when they only work together, and says why', async () => {
		const calls: number[][] = [];
		const send: BatchedOperation<Row>['send'] = async (batch) => {
			calls.push(batch.map(({ payload }) => payload.n));
			throw new Error('session refused');
		};
		const data = await run(items(5), { send, continueAfterFailedBatch: false });
		expect(calls).toEqual([[0, 1]]);
		expect(data[FAILED].map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 0 }, 'session refused'],
			[{ item: 1 }, 'session refused'],
			[{ item: 2 }, 'Not sent: batch 1 of 3 failed before it (session refused), and these batches only work together'],
			[{ item: 3 }, 'Not sent: batch 1 of 3 failed before it (session refused), and these batches only work together'],
			[{ item: 4 }, 'Not sent: batch 1 of 3 failed before it (session refused), and these batches only work together'],
		]);
	});

	it('stops at a failed batch when the node stops on errors: later batches are not sent', async () => {
		const calls: number[][] = [];
		const send: BatchedOperation<Row>['send'] = async (batch) => {
			calls.push(batch.map(({ payload }) => payload.n));
			throw new Error('the service is down');
		};
		await expect(run(items(5), { send }, false)).rejects.toMatchObject({ message: 'the service is down', context: { itemIndex: 0 } });
		expect(calls).toEqual([[0, 1]]);
	});

	it('fails every row and sends nothing when the check before sending refuses', async () => {
		const { calls, send } = vendor();
		const data = await run([{ n: 0 }, { n: 1, skip: true }, { n: 2 }], { send, beforeSend: () => new Error('"Batch Size": must be at least 1') });
		expect(calls).toEqual([]);
		expect(data[SENT]).toEqual([]);
		expect(data[FAILED]).toEqual([
			{ json: { error: '"Batch Size": must be at least 1' }, pairedItem: { item: 0 } },
			{ json: { skipped: 1 }, pairedItem: { item: 1 } },
			{ json: { error: '"Batch Size": must be at least 1' }, pairedItem: { item: 2 } },
		]);
	});

	it('fails a row the vendor gave no verdict on instead of reporting it sent', async () => {
		const send: BatchedOperation<Row>['send'] = async (batch) => batch.slice(1).map(() => ({ output: SENT, result: {} }));
		const data = await run(items(2), { send, batchSize: 2 });
		expect(data[SENT]).toEqual([{ json: {}, pairedItem: { item: 0 } }]);
		expect(data[FAILED]).toEqual([{ json: { error: 'the service gave no result for this row' }, pairedItem: { item: 1 } }]);
	});

	it('refuses a failed-items output the node does not have before sending anything', async () => {
		const { calls, send } = vendor();
		await expect(run(items(1), { send, failedItemsOutput: 2 })).rejects.toThrow(/not one of the 2 main outputs/);
		expect(calls).toEqual([]);
	});
});
