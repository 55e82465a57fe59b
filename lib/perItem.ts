/**
 * The per-item loop every operation plugs into, written once: it pairs each output with its input
 * item, and routes a failed item the way the user chose on the node (Settings → On Error):
 * - "Continue (using error output)": the item leaves on the error output with the reason;
 * - "Continue": the item continues with the reason in `json.error`;
 * - otherwise the execution stops at that item with an error that names it.
 * An operation is then just a function of one item.
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

export async function runPerItem(
	this: IExecuteFunctions,
	operation: ItemOperation,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			output.push(...toExecutionData(await operation(itemIndex, items[itemIndex]), itemIndex));
		} catch (caught) {
			const error = caught instanceof Error ? caught : new Error(String(caught));
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			const detail = typeof nodeError.description === 'string' && nodeError.description ? ` (${nodeError.description})` : '';
			output.push(errorItem(`${nodeError.message}${detail}`, itemIndex));
		}
	}
	return [output];
}
