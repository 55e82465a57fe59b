import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItem } from '../../lib/perItem';
import { reconcile } from '../../lib/reconciliation';
import { reconciliationProperties } from './description';
import { readReconciliationInput } from './readInput';

function isSummaryOrError(item: INodeExecutionData): boolean {
	return item.json.kind === 'summary' || (Object.keys(item.json).length === 1 && item.json.error !== undefined);
}

export class Reconciliation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reconciliation',
		name: 'reconciliation',
		icon: { light: 'file:reconciliation.svg', dark: 'file:reconciliation.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["period"] === "range" ? "from and to" : "one UTC day"}}',
		description:
			'Compare PSP transactions, trading platform balance deals and CRM transactions of a UTC day; list missing and duplicate credits and amount mismatches',
		defaults: { name: 'Reconciliation' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Findings', 'Summary'],
		usableAsTool: true,
		properties: reconciliationProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// One input item gives many findings and one summary, so the per-item loop emits them all on
		// one list and they are split after it. A failed item goes with the summaries: under plain
		// "Continue" a reconciliation that could not run must reach the "clean?" check (and fail it),
		// never pass for a finding-free day. Under "Continue (using error output)" n8n moves it to the
		// error output from whichever main output it is on.
		const [items] = await runPerItem.call(this, async (itemIndex) => {
			const { findings, summary } = reconcile(readReconciliationInput(this, itemIndex));
			const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as IDataObject;
			return [...findings.map(plain), plain(summary)];
		});
		return [items.filter((item) => !isSummaryOrError(item)), items.filter(isSummaryOrError)];
	}
}
