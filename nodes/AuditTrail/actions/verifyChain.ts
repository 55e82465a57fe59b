import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { verifyChain } from '../../../lib/audit';
import { attempt, FieldError } from '../../../lib/errors';
import { getPath } from '../../../lib/mapping';

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['verifyChain'] } }, [
	{
		displayName:
			'Give the audit records in the order they were written (the Data Table\'s row order, or sorted by sequence). The node outputs one item: ok, how many records were checked, and every break (an edited, missing or reordered record). An empty item (a Data Table read of an empty table with Always Output Data) counts as no record.',
		name: 'verifyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Records From',
		name: 'recordsFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'A List Field',
				value: 'field',
				description: 'A field of each item holds a list of records; the lists are checked as one chain, in item order',
			},
			{
				name: 'Each Item Is a Record',
				value: 'items',
				description: 'Every input item is one audit record, e.g. the rows a Data Table node read',
			},
		],
		default: 'items',
	},
	{
		displayName: 'Records Field',
		name: 'recordsField',
		type: 'string',
		default: 'records',
		placeholder: 'records',
		description: 'Where the list of records is in each item. Use dots for nested fields.',
		displayOptions: { show: { recordsFrom: ['field'] } },
	},
	{
		displayName: 'Start at Record 1',
		name: 'fromGenesis',
		type: 'boolean',
		default: true,
		description:
			'Whether the records are the whole chain, starting at sequence 1. Turn it off to check only the latest records: the first one given is then taken as the start.',
	},
]);

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One summary for all items. A problem reading the input (no list where one is expected) fails the
 * whole check rather than skipping an item: a check that silently left records out could say ok.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const pairedItem = items.map((_, item) => ({ item }));
	const read = attempt(() => {
		const recordsFrom = this.getNodeParameter('recordsFrom', 0, 'items') as string;
		const fromGenesis = this.getNodeParameter('fromGenesis', 0, true) !== false;
		// An item without any field is what "Always Output Data" gives for an empty table, not a record:
		// every stored row has at least its id.
		if (recordsFrom !== 'field') {
			return { records: items.filter((item) => Object.keys(item.json).length > 0).map((item) => item.json as unknown), fromGenesis };
		}
		const path = String(this.getNodeParameter('recordsField', 0, 'records') ?? '').trim();
		if (!path) throw new FieldError('Records Field', 'is empty; give the field that holds the list of records, e.g. records');
		const records = items.flatMap((item, itemIndex) => {
			const list = getPath(item.json, path);
			if (!Array.isArray(list)) throw new FieldError('Records Field', `item ${itemIndex} has no list of records at "${path}", got ${show(list)}`);
			return list as unknown[];
		});
		return { records, fromGenesis };
	});
	if (!read.ok) {
		if (!this.continueOnFail()) {
			throw new NodeOperationError(this.getNode(), read.error.message, {
				description: 'Nothing was checked: fix the setting named above and run again.',
			});
		}
		return [[{ json: { error: read.error.message }, pairedItem }]];
	}
	const result = verifyChain(read.value.records, { fromGenesis: read.value.fromGenesis });
	const summary: IDataObject = {
		ok: result.ok,
		checked: result.checked,
		breaks: result.breaks.map((chainBreak) => ({ ...chainBreak })),
	};
	return [[{ json: summary, pairedItem }]];
}
