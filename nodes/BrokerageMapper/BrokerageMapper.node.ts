import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { applyProfile, getPath, validateProfile, type MappingProfile } from '../../lib/mapping';
import { runPerItem } from '../../lib/perItem';
import { mapperProperties } from './description';
import { readProfile } from './readProfile';

export class BrokerageMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Brokerage Mapper',
		name: 'brokerageMapper',
		icon: { light: 'file:brokerageMapper.svg', dark: 'file:brokerageMapper.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["profileSource"] === "shipped" ? $parameter["shippedProfile"] : "custom profile"}}',
		description: 'Map CRM and vendor records to the canonical brokerage model with a mapping profile',
		defaults: { name: 'Brokerage Mapper' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: mapperProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// A broken profile is a configuration problem, not an item problem: stop once, naming it.
		const read = attempt(() => validateProfile(readProfile(this, 0)));
		if (!read.ok && this.continueOnFail()) {
			// Throwing here would make n8n pass the unmapped input items on as if they were mapped.
			const message = `The mapping profile is invalid: ${read.error.message}`;
			return [this.getInputData().map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		if (!read.ok) {
			throw new NodeOperationError(this.getNode(), `The mapping profile is invalid: ${read.error.message}`, {
				description:
					read.error instanceof FieldError
						? 'Fix the profile field named above (rows, JSON or the shipped profile choice) and run again.'
						: undefined,
			});
		}
		const profile: MappingProfile = read.value;
		const includeRaw = this.getNodeParameter('options.includeRaw', 0, false) as boolean;
		const output = this.getNodeParameter('options.output', 0, 'replace') as 'replace' | 'merge';
		const recordPath = (this.getNodeParameter('options.recordPath', 0, '') as string).trim();

		return await runPerItem.call(this, async (itemIndex, item) => {
			const record = recordPath ? getPath(item.json, recordPath) : item.json;
			if (record === null || typeof record !== 'object' || Array.isArray(record)) {
				throw new NodeOperationError(this.getNode(), `"Record Path": "${recordPath}" does not lead to an object in this item`, {
					itemIndex,
				});
			}
			const result = applyProfile(profile, record as IDataObject);
			if (!result.ok) throw result.error;
			const mapped: IDataObject = output === 'merge' ? { ...item.json, ...result.value } : result.value;
			if (includeRaw) mapped.raw = item.json;
			return { json: mapped, binary: item.binary, pairedItem: { item: itemIndex } };
		});
	}
}
