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
import { evaluateTiers, readTierState } from '../../lib/tiers';
import { VolumeCollector } from './collectVolumes';
import { tierRulesProperties } from './description';
import { readTierRules } from './readRules';

function paired(itemIndexes: number[]): INodeExecutionData['pairedItem'] {
	return itemIndexes.map((item) => ({ item }));
}

/**
 * A problem with the whole run (the table, the period) rather than one item. n8n, when a node set to
 * continue on error throws, passes the input items on to the main output; here that output leads
 * to "change the group", so instead nothing goes there and the reason goes to the error output.
 */
function stopWith(ctx: IExecuteFunctions, message: string, extra: { description?: string }): INodeExecutionData[][] {
	if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), message, extra);
	const detail = extra.description ? ` (${extra.description})` : '';
	return [[{ json: { error: `${message}${detail}` } }]];
}

export class TierRules implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tier Rules',
		name: 'tierRules',
		icon: { light: 'file:tierRules.svg', dark: 'file:tierRules.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"demote after " + $parameter["demoteAfterLowPeriods"] + " low periods"}}',
		description: 'Decide volume-tier group changes from lots traded per period, with a grace period before demotion',
		defaults: { name: 'Tier Rules' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: tierRulesProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// A broken table is a configuration problem, not an item problem: stop once, naming the row.
		const read = attempt(() => readTierRules(this));
		if (!read.ok) {
			return stopWith(this, `The tier rules are invalid: ${read.error.message}`, {
				description: read.error instanceof FieldError ? 'Fix the parameter or tier row named above and run again.' : undefined,
			});
		}
		const rules = read.value;
		const collector = new VolumeCollector(rules.input.type === 'summaries' ? rules.input.fields : undefined);
		// Items are read first, each on its own: a bad one stops the run or leaves on the error output.
		const [errorItems] = await runPerItem.call(this, async (itemIndex, item) => {
			collector.add(itemIndex, item.json);
			return null;
		});

		const staticData = this.getWorkflowStaticData('node');
		const evaluated = attempt(() =>
			evaluateTiers(collector.volumes(), rules.tiers, readTierState(staticData), {
				period: rules.period,
				demoteAfterLowPeriods: rules.demoteAfterLowPeriods,
				moves: rules.moves,
			}),
		);
		if (!evaluated.ok) {
			return stopWith(this, evaluated.error.message, {
				description: 'Check the Period parameter: it should name the period the input covers.',
			});
		}
		// Written only after everything was read and decided, so a stopped run leaves no half-counted period.
		staticData.evaluatedPeriods = evaluated.value.state.evaluatedPeriods;
		staticData.lowPeriodCounters = evaluated.value.state.lowPeriodCounters as unknown as IDataObject;

		const decisions: INodeExecutionData[] = evaluated.value.decisions
			.filter((decision) => rules.includeUnchanged || decision.direction !== 'none')
			.map((decision) => ({
				json: decision as unknown as IDataObject,
				pairedItem: paired(collector.itemIndexesOf(decision.login)),
			}));
		const heldBack: INodeExecutionData[] = rules.includeUnchanged
			? collector.heldBackLogins().map(({ login, currentGroup, itemIndexes }) => {
					const decision: IDataObject = {
						login,
						fromGroup: currentGroup ?? null,
						toGroup: currentGroup ?? null,
						fromTier: null,
						toTier: null,
						direction: 'none',
						lots: null,
						period: rules.period,
						reason: 'Not evaluated: an input item of this account is invalid (see the error output), so this period does not count for it',
					};
					return { json: decision, pairedItem: paired(itemIndexes) };
				})
			: [];
		return [[...decisions, ...heldBack, ...errorItems]];
	}
}
