/**
 * The loop for operations that send many items in one vendor request (Meta's 1,000 events or
 * 10,000 audience rows per call), written once like `runPerItem`:
 * 1. every item is prepared on its own first — validated and turned into its part of a request —
 *    so a bad item is reported naming its field and never reaches the vendor, where it could sink
 *    the batch it would have travelled in; an item may also be routed elsewhere (e.g. "Not Sent"
 *    for missing consent), never silently dropped;
 * 2. the prepared items are sent in batches; each sent item gets its own result, paired with its
 *    input item; when a batch fails, each of its items fails with the batch's reason.
 *
 * Failed items are routed as `runPerItem` routes them (Settings → On Error): as `{ error }` items on
 * `failedItemsOutput` (n8n moves them to the error output under "Continue (using error output)"),
 * or the execution stops naming the first failed item. When the user did not choose to continue,
 * invalid items stop the execution before anything is sent.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { attemptAsync } from './errors';

/** What preparing one item gave: a payload to send, or results routed to an output now. */
export type Prepared<T> = { send: T } | { route: { output: number; json: IDataObject } };

export interface PreparedItem<T> {
	itemIndex: number;
	item: INodeExecutionData;
	payload: T;
}

export interface BatchPlan {
	/** Position of this batch (0-based) and how many there are. */
	batchIndex: number;
	batchCount: number;
	/** Items prepared for sending across all batches. */
	itemCount: number;
}

export interface BatchedOperation<T> {
	outputCount: number;
	/** Where the results of sent items go. */
	sentOutput: number;
	/** Where failed items go (see RoutedOutputs in perItem.ts): never the output that is acted on. */
	failedItemsOutput: number;
	batchSize: number;
	prepare: (itemIndex: number, item: INodeExecutionData) => Promise<Prepared<T>>;
	/** Sends one batch; answers one JSON result per item, in order. */
	send: (batch: Array<PreparedItem<T>>, plan: BatchPlan) => Promise<IDataObject[]>;
	/**
	 * Whether the batches after a failed one are still sent. False when batches belong together
	 * (an audience replace session): the rest then fail with a message saying why.
	 */
	continueAfterFailedBatch: boolean;
	/** Called with the prepared items before batching (e.g. to refuse an empty replace). */
	beforeSend?: (prepared: Array<PreparedItem<T>>) => Error | undefined;
}

function toNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...error.context, itemIndex };
		return error;
	}
	if ((error as { httpCode?: unknown }).httpCode !== undefined) return new NodeApiError(ctx.getNode(), error as unknown as JsonObject, { itemIndex });
	return new NodeOperationError(ctx.getNode(), error, { itemIndex, message: error.message });
}

/** The one-key error item n8n recognises (see errorItem in perItem.ts). */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const detail = typeof error.description === 'string' && error.description ? ` (${error.description})` : '';
	return { json: { error: `${error.message}${detail}` }, pairedItem: { item: itemIndex } };
}

export async function runInBatches<T>(this: IExecuteFunctions, operation: BatchedOperation<T>): Promise<INodeExecutionData[][]> {
	const { outputCount, sentOutput, failedItemsOutput } = operation;
	for (const output of [sentOutput, failedItemsOutput]) {
		if (!Number.isInteger(output) || output < 0 || output >= outputCount) throw new RangeError(`output ${output} is not one of the ${outputCount} main outputs`);
	}
	if (!Number.isInteger(operation.batchSize) || operation.batchSize < 1) throw new RangeError('batchSize must be a whole number of at least 1');
	const data: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	const continueOnFail = this.continueOnFail();
	const fail = (error: Error, itemIndex: number) => {
		const nodeError = toNodeError(this, error, itemIndex);
		if (!continueOnFail) return nodeError;
		data[failedItemsOutput].push(errorItem(nodeError, itemIndex));
		return undefined;
	};

	const items = this.getInputData();
	const prepared: Array<PreparedItem<T>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const outcome = await attemptAsync(async () => await operation.prepare(itemIndex, items[itemIndex]));
		if (!outcome.ok) {
			const stop = fail(outcome.error, itemIndex);
			if (stop) throw stop;
			continue;
		}
		const result = outcome.value;
		if ('send' in result) prepared.push({ itemIndex, item: items[itemIndex], payload: result.send });
		else data[result.route.output].push({ json: result.route.json, pairedItem: { item: itemIndex } });
	}

	const refusal = prepared.length ? operation.beforeSend?.(prepared) : undefined;
	if (refusal) {
		for (const { itemIndex } of prepared) {
			const stop = fail(refusal, itemIndex);
			if (stop) throw stop;
		}
		return data;
	}

	const batches: Array<Array<PreparedItem<T>>> = [];
	for (let i = 0; i < prepared.length; i += operation.batchSize) batches.push(prepared.slice(i, i + operation.batchSize));
	let brokenBy: { batchIndex: number; error: Error } | undefined;
	for (let batchIndex = 0; batchIndex < batches.length; batchIndex++) {
		const batch = batches[batchIndex];
		if (brokenBy) {
			const error = new Error(
				`Not sent: batch ${brokenBy.batchIndex + 1} of ${batches.length} failed before it (${brokenBy.error.message}), and these batches only work together`,
			);
			for (const { itemIndex } of batch) {
				const stop = fail(error, itemIndex);
				if (stop) throw stop;
			}
			continue;
		}
		const sent = await attemptAsync(async () => await operation.send(batch, { batchIndex, batchCount: batches.length, itemCount: prepared.length }));
		if (!sent.ok) {
			if (!operation.continueAfterFailedBatch) brokenBy = { batchIndex, error: sent.error };
			for (const { itemIndex } of batch) {
				const stop = fail(sent.error, itemIndex);
				if (stop) throw stop;
			}
			continue;
		}
		batch.forEach(({ itemIndex }, position) => {
			data[sentOutput].push({ json: sent.value[position] ?? {}, pairedItem: { item: itemIndex } });
		});
	}
	return data;
}
