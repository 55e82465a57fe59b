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
import { runPerItem } from '../../lib/perItem';
import { scoreRisk } from '../../lib/riskScore';
import { riskScoreProperties } from './description';
import { readRiskInput, readRiskSettings } from './readSettings';

export class RiskScore implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Risk Score',
		name: 'riskScore',
		icon: { light: 'file:riskScore.svg', dark: 'file:riskScore.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"medium from " + $parameter["mediumFrom"] + ", high above " + $parameter["highAbove"]}}',
		description:
			'Score a client\'s AML risk (country against the FATF lists, PEP, sanctions, adverse media, purpose, experience, expected deposits, age) and set the next review date',
		defaults: { name: 'Risk Score' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: riskScoreProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Settings are read with each item, so a bad setting fails every item through runPerItem: the
		// run stops naming the parameter, or each item leaves on the error output. Nothing is thrown
		// from here in the continue modes, where n8n would pass the input items on unscored.
		return await runPerItem.call(this, async (itemIndex, item) => {
			const read = attempt(() => readRiskSettings(this, itemIndex));
			if (!read.ok) {
				throw new NodeOperationError(this.getNode(), `The risk score settings are invalid: ${read.error.message}`, {
					itemIndex,
					description: read.error instanceof FieldError ? 'Fix the parameter or row named above and run again.' : undefined,
				});
			}
			const settings = read.value;
			const assessment = scoreRisk(readRiskInput(this, itemIndex, settings), settings);
			const risk: IDataObject = {
				level: assessment.level,
				score: assessment.score,
				reasons: assessment.reasons.map((reason) => ({ ...reason })),
				overriddenBy: assessment.overriddenBy,
				nextReviewDate: assessment.nextReviewDate,
				reviewIntervalMonths: assessment.reviewIntervalMonths,
			};
			return { json: { ...item.json, risk }, binary: item.binary, pairedItem: { item: itemIndex } };
		});
	}
}
