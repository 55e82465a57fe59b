/**
 * The loop for operations that send many items in one vendor request (Meta's 1,000 events or
 * 10,000 audience rows per call, Google Ads' 2,000 conversions or 100,000 Customer Match
 * identifiers), written once on top of `runPerItemRouted`:
 * 1. every item is prepared on its own first — validated and turned into its part of a request —
 *    so a bad item is reported naming its field and never reaches the vendor, where it could sink
 *    the batch it would have travelled in; an item may also be routed to an output without being
 *    sent (e.g. Meta's "Not Sent" for missing consent), never silently dropped;
 * 2. the prepared items are sent in batches; the vendor's verdict on each row (a result on some
 *    output, or an error) comes back to that row's item; when a batch fails as a whole, each of its
 *    items fails with the batch's reason.
 *
 * Pairing, routing and the error output are `runPerItemRouted`'s, unchanged, so results leave in
 * item order. When the node is set to stop on errors, one invalid item stops the node BEFORE
 * anything is sent, so an execution never half-uploads a list it then reports as failed; a failed
 * batch stops the batches after it.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { attemptAsync } from './errors';
import { runPerItemRouted, type RoutedItemResult, type RoutedOutputs } from './perItem';

/** What preparing one item gave: a payload to send, or a result routed to an output now, unsent. */
export type Prepared<T> = { send: T } | { route: RoutedItemResult };

export interface BatchRow<T> {
	itemIndex: number;
	item: INodeExecutionData;
	payload: T;
}

export interface BatchPlan {
	/** Position of this batch (0-based) and how many there are. */
	batchIndex: number;
	batchCount: number;
	/** Rows prepared for sending across all batches. */
	rowCount: number;
}

/** The vendor's verdict on one row: where its result goes, or the error its item fails with. */
export type RowOutcome = RoutedItemResult | Error;

export interface BatchedOperation<T> extends RoutedOutputs {
	/** Rows per call to the vendor (at least 1). */
	batchSize: number;
	/** Reads one item; throws (e.g. a FieldError naming the field) when the item is invalid. */
	prepare: (itemIndex: number, item: INodeExecutionData) => Promise<Prepared<T>>;
	/** Sends one batch; answers one outcome per row, in order. */
	send: (batch: Array<BatchRow<T>>, plan: BatchPlan) => Promise<RowOutcome[]>;
	/**
	 * False when batches belong together (an audience replace session): after a failed batch the
	 * rest are not sent and fail with a message saying why. Default true.
	 */
	continueAfterFailedBatch?: boolean;
	/**
	 * Checked once there are rows to send, before any is sent (e.g. the node's settings): an error
	 * fails every row, since throwing in the continue modes would pass the input through (perItem.ts).
	 */
	beforeSend?: (rows: Array<BatchRow<T>>) => Error | undefined;
}

/** Splits a list into consecutive chunks of at most `size` units; a row weighs `weightOf` units (1 by default). */
export function chunk<T>(list: readonly T[], size: number, weightOf: (entry: T) => number = () => 1): T[][] {
	if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size ${size} must be a whole number of at least 1`);
	const chunks: T[][] = [];
	let current: T[] = [];
	let weight = 0;
	for (const entry of list) {
		const entryWeight = weightOf(entry);
		// A row heavier than a whole batch still travels, alone: the vendor is the one to refuse it.
		if (current.length && weight + entryWeight > size) {
			chunks.push(current);
			current = [];
			weight = 0;
		}
		current.push(entry);
		weight += entryWeight;
	}
	if (current.length) chunks.push(current);
	return chunks;
}

export async function runInBatches<T>(this: IExecuteFunctions, operation: BatchedOperation<T>): Promise<INodeExecutionData[][]> {
	const { outputCount, failedItemsOutput } = operation;
	// Checked here as well as in runPerItemRouted: that check comes only after the batches are sent.
	if (!Number.isInteger(failedItemsOutput) || failedItemsOutput < 0 || failedItemsOutput >= outputCount) {
		throw new RangeError(`failedItemsOutput ${failedItemsOutput} is not one of the ${outputCount} main outputs`);
	}
	const stopsOnError = !this.continueOnFail();
	const items = this.getInputData();
	const outcomes = new Map<number, RowOutcome>();
	const rows: Array<BatchRow<T>> = [];
	let invalid = false;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const prepared = await attemptAsync(async () => await operation.prepare(itemIndex, items[itemIndex]));
		if (!prepared.ok) {
			outcomes.set(itemIndex, prepared.error);
			invalid = true;
			// This item stops the node below; reading the rest would change nothing.
			if (stopsOnError) break;
		} else if ('route' in prepared.value) outcomes.set(itemIndex, prepared.value.route);
		else rows.push({ itemIndex, item: items[itemIndex], payload: prepared.value.send });
	}

	const refusal = rows.length ? operation.beforeSend?.(rows) : undefined;
	if (refusal) for (const { itemIndex } of rows) outcomes.set(itemIndex, refusal);
	else if (!(stopsOnError && invalid)) {
		const batches = chunk(rows, operation.batchSize);
		let brokenBy: { batchIndex: number; error: Error } | undefined;
		for (let batchIndex = 0; batchIndex < batches.length; batchIndex++) {
			const batch = batches[batchIndex];
			if (brokenBy) {
				const error = new Error(
					`Not sent: batch ${brokenBy.batchIndex + 1} of ${batches.length} failed before it (${brokenBy.error.message}), and these batches only work together`,
				);
				for (const { itemIndex } of batch) outcomes.set(itemIndex, error);
				continue;
			}
			const sent = await attemptAsync(async () => await operation.send(batch, { batchIndex, batchCount: batches.length, rowCount: rows.length }));
			batch.forEach(({ itemIndex }, position) => {
				const outcome = sent.ok ? sent.value[position] : sent.error;
				outcomes.set(itemIndex, outcome ?? new Error('the service gave no result for this row'));
			});
			if (!sent.ok) {
				if (stopsOnError) break;
				if (operation.continueAfterFailedBatch === false) brokenBy = { batchIndex, error: sent.error };
			}
		}
	}

	return await runPerItemRouted.call(this, operation, async (itemIndex) => {
		const outcome = outcomes.get(itemIndex);
		// Not sent because the node stops on errors: the failed item before it has stopped the node.
		if (outcome === undefined) return { output: failedItemsOutput, result: null };
		if (outcome instanceof Error) throw outcome;
		return outcome;
	});
}
