/**
 * The per-item loop every operation plugs into, written once: it pairs each output with its input
 * item, and routes a failed item the way the user chose on the node (Settings → On Error):
 * - "Continue (using error output)": the item leaves on the error output with the reason;
 * - "Continue": the item continues with the reason in `json.error`;
 * - otherwise the execution stops at that item with an error that names it.
 * An operation is then just a function of one item. A node with several main outputs (Passed /
 * Refused) uses `runPerItemRouted`, which routes the same way.
 *
 * Never throw from a node in the continue modes: n8n then passes the node's INPUT items on to its
 * first output unchanged, so a bad setting would let every item through (e.g. onto "Passed"). A
 * problem with the node's settings is reported as an error item per input item instead, which this
 * loop does when the settings are read per item (see Withdrawal Checks) — or by the node itself
 * when it reads them once (see Tier Rules' stopWith).
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[] | null;

export type ItemOperation = (itemIndex: number, item: INodeExecutionData) => Promise<ItemResult>;

function isExecutionData(value: unknown): value is INodeExecutionData {
	return (
		typeof value === 'object' &&
		value !== null &&
		'json' in value &&
		typeof (value as INodeExecutionData).json === 'object'
	);
}

function toExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	if (result === null) return [];
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) =>
		isExecutionData(entry)
			? { ...entry, pairedItem: entry.pairedItem ?? { item: itemIndex } }
			: { json: entry as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/**
 * A routed error item is `{ error: <message> }` and nothing else: n8n recognises error items by that
 * exact shape, merges the failed input item's fields into it on the error output, and replaces the
 * JSON of any item that carries `.error` with the message alone. So the message itself must name the
 * field and the problem.
 */
function errorItem(message: string, itemIndex: number): INodeExecutionData {
	return { json: { error: message }, pairedItem: { item: itemIndex } };
}

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...error.context, itemIndex };
		return error;
	}
	if ((error as { httpCode?: unknown }).httpCode !== undefined) {
		return new NodeApiError(ctx.getNode(), error as unknown as JsonObject, { itemIndex });
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex, message: error.message });
}

/**
 * The loop itself: `emit` receives an item's results, `fail` a failed item's error item (only when
 * the user chose to continue; otherwise the error is thrown, naming the item).
 */
async function eachItem(
	ctx: IExecuteFunctions,
	run: (itemIndex: number, item: INodeExecutionData) => Promise<void>,
	fail: (errorItem: INodeExecutionData) => void,
): Promise<void> {
	const items = ctx.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			await run(itemIndex, items[itemIndex]);
		} catch (caught) {
			const error = caught instanceof Error ? caught : new Error(String(caught));
			const nodeError = asNodeError(ctx, error, itemIndex);
			if (!ctx.continueOnFail()) throw nodeError;
			const detail = typeof nodeError.description === 'string' && nodeError.description ? ` (${nodeError.description})` : '';
			fail(errorItem(`${nodeError.message}${detail}`, itemIndex));
		}
	}
}

export async function runPerItem(
	this: IExecuteFunctions,
	operation: ItemOperation,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	await eachItem(
		this,
		async (itemIndex, item) => {
			output.push(...toExecutionData(await operation(itemIndex, item), itemIndex));
		},
		(failed) => output.push(failed),
	);
	return [output];
}

/** An item's results and the main output (0-based, as declared by the node) they leave on. */
export interface RoutedItemResult {
	output: number;
	result: ItemResult;
}

export type RoutedItemOperation = (itemIndex: number, item: INodeExecutionData) => Promise<RoutedItemResult>;

export interface RoutedOutputs {
	/** How many main outputs the node declares (e.g. 2 for Passed and Refused). */
	outputCount: number;
	/**
	 * The main output a failed item is put on. Under "Continue (using error output)" n8n moves error
	 * items from the main outputs to the error output it appends after them, and it overwrites that
	 * last output, so error items must be handed over on a main output. Under "Continue" they stay
	 * where they are put: choose the output that is safe to act on (Refused, never Passed).
	 */
	failedItemsOutput: number;
}

/**
 * `runPerItem` for a node with several main outputs (like n8n's If node): the operation says which
 * output each item's results leave on; failed items are routed as `runPerItem` does, on the output
 * named by `failedItemsOutput`.
 */
export async function runPerItemRouted(
	this: IExecuteFunctions,
	outputs: RoutedOutputs,
	operation: RoutedItemOperation,
): Promise<INodeExecutionData[][]> {
	const { outputCount, failedItemsOutput } = outputs;
	if (!Number.isInteger(failedItemsOutput) || failedItemsOutput < 0 || failedItemsOutput >= outputCount) {
		throw new RangeError(`failedItemsOutput ${failedItemsOutput} is not one of the ${outputCount} main outputs`);
	}
	const data: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	await eachItem(
		this,
		async (itemIndex, item) => {
			const { output, result } = await operation(itemIndex, item);
			if (!Number.isInteger(output) || output < 0 || output >= outputCount) {
				throw new RangeError(`output ${output} is not one of the ${outputCount} main outputs`);
			}
			data[output].push(...toExecutionData(result, itemIndex));
		},
		(failed) => data[failedItemsOutput].push(failed),
	);
	return data;
}
