import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { parsePath } from '../../lib/mapping';
import { validateTiers, type Tier, type TierMoves } from '../../lib/tiers';

export interface SummaryFields {
	login: Array<string | number>;
	loginName: string;
	group: Array<string | number>;
	groupName: string;
	lots: Array<string | number>;
	lotsName: string;
}

export interface TierRules {
	period: string;
	tiers: Tier[];
	demoteAfterLowPeriods: number;
	moves: TierMoves;
	includeUnchanged: boolean;
	input: { type: 'deals' } | { type: 'summaries'; fields: SummaryFields };
}

function readTierRows(ctx: IExecuteFunctions): unknown {
	const source = ctx.getNodeParameter('tiersSource', 0) as 'rows' | 'json';
	if (source === 'json') {
		const raw = ctx.getNodeParameter('tiersJson', 0) as string | IDataObject | IDataObject[];
		if (typeof raw !== 'string') return raw;
		const parsed = attempt(() => JSON.parse(raw) as unknown);
		if (!parsed.ok) throw new FieldError('Tiers (JSON)', `is not valid JSON: ${parsed.error.message}`);
		return parsed.value;
	}
	return (ctx.getNodeParameter('tiers.tier', 0, []) as IDataObject[]) ?? [];
}

function fieldPath(ctx: IExecuteFunctions, parameter: string, displayName: string, fallback: string) {
	const name = ((ctx.getNodeParameter(parameter, 0, fallback) as string) ?? '').trim();
	if (!name) throw new FieldError(displayName, 'is empty; give the field name, e.g. ' + fallback);
	return { path: parsePath(name, displayName), name };
}

/** Everything the node is configured with, checked once before any item is read. */
export function readTierRules(ctx: IExecuteFunctions): TierRules {
	const period = String(ctx.getNodeParameter('period', 0, '') ?? '').trim();
	if (!period) throw new FieldError('Period', 'is empty; give the period label, e.g. 2026-10');
	const tiers = validateTiers(readTierRows(ctx));
	const demoteAfterLowPeriods = ctx.getNodeParameter('demoteAfterLowPeriods', 0, 2) as number;
	if (!Number.isInteger(demoteAfterLowPeriods) || demoteAfterLowPeriods < 1) {
		throw new FieldError('Demote After Low Periods', `must be a whole number of at least 1, got ${String(demoteAfterLowPeriods)}`);
	}
	const moves = ctx.getNodeParameter('options.moves', 0, 'straight') as TierMoves;
	const includeUnchanged = ctx.getNodeParameter('options.includeUnchanged', 0, false) as boolean;
	const inputType = ctx.getNodeParameter('inputType', 0, 'summaries') as 'deals' | 'summaries';
	if (inputType === 'deals') return { period, tiers, demoteAfterLowPeriods, moves, includeUnchanged, input: { type: 'deals' } };
	const login = fieldPath(ctx, 'loginField', 'Login Field', 'login');
	const group = fieldPath(ctx, 'groupField', 'Current Group Field', 'currentGroup');
	const lots = fieldPath(ctx, 'lotsField', 'Lots Field', 'lots');
	return {
		period,
		tiers,
		demoteAfterLowPeriods,
		moves,
		includeUnchanged,
		input: {
			type: 'summaries',
			fields: {
				login: login.path,
				loginName: login.name,
				group: group.path,
				groupName: group.name,
				lots: lots.path,
				lotsName: lots.name,
			},
		},
	};
}
