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
import { feeFor } from '../../lib/fees';
import { runPerItem } from '../../lib/perItem';
import { feeCalculatorProperties } from './description';
import { readFeeCalculatorSettings } from './readSettings';
import { readTransaction } from './readTransaction';

export class FeeCalculator implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fee Calculator',
		name: 'feeCalculator',
		icon: { light: 'file:feeCalculator.svg', dark: 'file:feeCalculator.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["rulesSource"] === "json" ? "fee rules (JSON)" : "fee rules"}}',
		description: 'Work out the deposit or withdrawal fee and the net credit of a transaction from a fee table or the PSP-reported fee',
		defaults: { name: 'Fee Calculator' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: feeCalculatorProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// A broken table is a configuration problem, not an item problem: stop once, naming the row.
		const read = attempt(() => readFeeCalculatorSettings(this));
		if (!read.ok) {
			throw new NodeOperationError(this.getNode(), `The fee calculator settings are invalid: ${read.error.message}`, {
				description:
					read.error instanceof FieldError ? 'Fix the parameter or fee rule named above and run again.' : undefined,
			});
		}
		const settings = read.value;

		return await runPerItem.call(this, async (itemIndex, item) => {
			const result = feeFor(readTransaction(item.json, settings), settings.rules, {
				currencyDigits: settings.currencyDigits,
				pspFeeBorneBy: settings.pspFeeBorneBy,
				requireRule: settings.requireRule,
			});
			const output: IDataObject = {
				...item.json,
				fee: { ...result.fee },
				net: { ...result.net },
				clientFee: { ...result.clientFee },
				brokerFee: { ...result.brokerFee },
				feeSource: result.feeSource,
				feeRule: result.feeRule ? ({ ...result.feeRule } as IDataObject) : null,
			};
			if (result.feeCappedAtGross) output.feeCappedAtGross = true;
			if (result.netRemainder) output.netRemainder = { ...result.netRemainder };
			return { json: output, binary: item.binary, pairedItem: { item: itemIndex } };
		});
	}
}
