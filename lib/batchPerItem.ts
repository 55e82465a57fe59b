/**
 * `runPerItemRouted` for vendors that take many items in one call (Google Ads takes up to 2000
 * conversions per upload, Customer Match 100,000 identifiers): each item is read and checked on its
 * own, the valid ones are sent in batches, and the vendor's verdict on each row comes back to that
 * row's item. Pairing, routing to several outputs and the error output are `runPerItemRouted`'s,
 * unchanged: a row the vendor refused, or an item that could not be read, fails on its own item
 * with its own message.
 *
 * When the node is set to stop on errors, one invalid item stops the node BEFORE anything is sent,
 * so an execution never half-uploads a list it then reports as failed.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { attemptAsync } from './errors';
import { runPerItemRouted, type RoutedItemResult, type RoutedOutputs } from './perItem';

export interface BatchRow<T> {
	itemIndex: number;
	row: T;
}

/** The vendor's verdict on one row: where its result goes, or the error it fails with. */
export type RowOutcome = RoutedItemResult | Error;

export interface BatchOptions extends RoutedOutputs {
	/** Rows per call to the vendor (at least 1). */
	batchSize: number;
}

/** Splits a list into consecutive chunks of at most `size`. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
	if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size ${size} must be a whole number of at least 1`);
	const chunks: T[][] = [];
	for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
	return chunks;
}

/**
 * `prepare` reads one item into the row to send (throwing a FieldError for bad input); `send`
 * sends one batch and returns one outcome per row, in order. A batch whose call fails as a whole
 * fails every row in it with that error.
 */
export async function runBatchedRouted<T>(
	this: IExecuteFunctions,
	options: BatchOptions,
	prepare: (itemIndex: number, item: INodeExecutionData) => Promise<T>,
	send: (rows: Array<BatchRow<T>>) => Promise<RowOutcome[]>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const outcomes = new Map<number, RowOutcome>();
	const rows: Array<BatchRow<T>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const prepared = await attemptAsync(async () => await prepare(itemIndex, items[itemIndex]));
		if (prepared.ok) rows.push({ itemIndex, row: prepared.value });
		else outcomes.set(itemIndex, prepared.error);
	}
	const stopsOnError = !this.continueOnFail();
	if (!(stopsOnError && outcomes.size > 0)) {
		for (const batch of chunk(rows, options.batchSize)) {
			const sent = await attemptAsync(async () => await send(batch));
			batch.forEach(({ itemIndex }, i) => {
				const outcome = sent.ok ? sent.value[i] : sent.error;
				outcomes.set(itemIndex, outcome ?? new Error('the service gave no result for this row'));
			});
			if (stopsOnError && !sent.ok) break;
		}
	}
	return await runPerItemRouted.call(this, options, async (itemIndex) => {
		const outcome = outcomes.get(itemIndex);
		// Not sent because the node stops on errors: the failing item further on stops it.
		if (outcome === undefined) return { output: options.failedItemsOutput, result: null };
		if (outcome instanceof Error) throw outcome;
		return outcome;
	});
}
