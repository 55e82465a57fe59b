/**
 * Custom Audience membership (`POST|DELETE /{audience_id}/users`, `POST /{audience_id}/usersreplace`,
 * reference/ads.md §2). Each item is one row: its identifiers normalised and SHA-256 hashed per
 * Meta's schema (lib/metaConversions.ts `buildAudienceRow`), "" for an unknown value. Rows go in
 * requests of at most 10,000 (Meta's limit), all under one session: `session_id` made here,
 * `batch_seq` from 1, `last_batch_flag` on the last request, `estimated_num_total` the row count.
 *
 * - Add and Replace need consent; items without it leave on "Not Sent" (for Replace that means
 *   they are not in the new membership). Remove never needs consent: it is how an opt-out or an
 *   erasure request reaches Meta (reference/ads.md §6).
 * - Replace swaps the whole membership when the last batch arrives, so its batches belong
 *   together: when one fails, the later ones are not sent and the audience stays as it was
 *   ([inference] an unfinished replace session is discarded by Meta). A Replace with no rows is
 *   refused: it would empty the audience — use Remove for that.
 */
import { randomInt } from 'crypto';
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runInBatches } from '../../../../lib/batches';
import { attempt, ItemValidationError } from '../../../../lib/errors';
import { buildAudienceRow, META_MAX_AUDIENCE_ROWS_PER_REQUEST } from '../../../../lib/metaConversions';
import type { AudienceMembershipChange } from '../../../../lib/model';
import { META_AUDIENCE_KEYS, type MetaAudienceKey } from '../../../../lib/normalize';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { metaContextOf, metaRequest } from '../../transport';
import {
	batchSizeOption,
	consentProperty,
	defaultCallingCodeOption,
	identifierProperties,
	notSentJson,
	readBatchSize,
	readConsent,
	readDefaultCallingCode,
	readIdentifiers,
	readText,
	validationError,
} from '../inputs';
import { NOT_SENT, OUTPUT_COUNT, SENT } from '../outputs';

export type AudienceChange = 'add' | 'remove' | 'replace';

const SCHEMA_NAMES: Record<MetaAudienceKey, string> = {
	EXTERN_ID: 'External ID (EXTERN_ID)',
	EMAIL: 'Email (EMAIL)',
	PHONE: 'Phone (PHONE)',
	GEN: 'Gender (GEN)',
	DOBY: 'Birth Year (DOBY)',
	DOBM: 'Birth Month (DOBM)',
	DOBD: 'Birth Day (DOBD)',
	LN: 'Last Name (LN)',
	FN: 'First Name (FN)',
	FI: 'First Initial (FI)',
	CT: 'City (CT)',
	ST: 'State (ST)',
	ZIP: 'Zip (ZIP)',
	COUNTRY: 'Country (COUNTRY)',
};

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { resource: ['audience'] } }, [
		{
			displayName: 'Audience ID',
			name: 'audienceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '23850000000000001',
			description:
				'The customer-file Custom Audience, from Audiences in Ads Manager. Do not name or segment audiences by wealth or deposit size: Meta blocks audiences that suggest financial status.',
		},
		{
			displayName: 'Columns',
			name: 'schema',
			type: 'multiOptions',
			options: META_AUDIENCE_KEYS.map((key) => ({ name: SCHEMA_NAMES[key], value: key })),
			default: ['EMAIL', 'PHONE'],
			description: 'Which identifiers each row carries (Meta\'s schema). More columns match more people; an empty value is sent as unknown.',
		},
	]),
	...updateDisplayOptions({ show: { resource: ['audience'], operation: ['add', 'replace'] } }, [consentProperty]),
	...updateDisplayOptions({ show: { resource: ['audience'] } }, [
		...identifierProperties(),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [batchSizeOption(META_MAX_AUDIENCE_ROWS_PER_REQUEST), defaultCallingCodeOption],
		},
	]),
];

function readSchema(ctx: IExecuteFunctions): MetaAudienceKey[] {
	const value = ctx.getNodeParameter('schema', 0, []) as unknown;
	const list = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : []).map((v) => String(v).trim().toUpperCase());
	const known = list.filter((key): key is MetaAudienceKey => (META_AUDIENCE_KEYS as readonly string[]).includes(key));
	const unknown = list.filter((key) => !(META_AUDIENCE_KEYS as readonly string[]).includes(key));
	if (unknown.length) throw new Error(`"Columns": ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not Meta schema keys (${META_AUDIENCE_KEYS.join(', ')})`);
	if (!known.length) throw new Error('"Columns": choose at least one identifier column, e.g. Email');
	return [...new Set(known)];
}

/** An advertiser-generated session id: int64, unique per ad account (M-CAU). */
function newSessionId(): number {
	return Date.now() * 1000 + randomInt(1000);
}

export function usersOperation(change: AudienceChange) {
	return async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const meta = await metaContextOf(this);
		const audienceId = readText(this, 0, 'audienceId');
		const schema = attempt(() => readSchema(this));
		const size = attempt(() => readBatchSize(this, META_MAX_AUDIENCE_ROWS_PER_REQUEST));
		const policy = attempt(() => readRetryPolicy(this, 0));
		const sessionId = newSessionId();
		const path = `/${encodeURIComponent(audienceId)}/${change === 'replace' ? 'usersreplace' : 'users'}`;
		const verb = { add: 'add', remove: 'remove', replace: 'replace the members of' }[change];

		return await (runInBatches<string[]>).call(this, {
			outputCount: OUTPUT_COUNT,
			failedItemsOutput: NOT_SENT,
			batchSize: size.ok ? size.value : META_MAX_AUDIENCE_ROWS_PER_REQUEST,
			continueAfterFailedBatch: change !== 'replace',
			// Settings problems fail every item instead of throwing (see perItem.ts on the continue modes).
			beforeSend: (prepared) => {
				if (!audienceId) return new Error('"Audience ID": is required, e.g. 23850000000000001');
				if (!schema.ok) return schema.error;
				if (!size.ok) return size.error;
				if (!policy.ok) return policy.error;
				if (change === 'replace' && prepared.length === 0) return new Error('Replace needs at least one row');
				return undefined;
			},
			prepare: async (itemIndex, item) => {
				if (change !== 'remove') {
					const consent = readConsent(this, itemIndex);
					if (!consent.granted) {
						const reason =
							change === 'replace'
								? 'No consent to ad personalisation; left out of the new audience membership'
								: 'No consent to ad personalisation; not added to the audience';
						return { route: { output: NOT_SENT, result: { json: notSentJson(item.json, 'consent_missing', `${reason} (Consent is ${JSON.stringify(consent.value ?? null)})`) } } };
					}
				}
				if (!schema.ok) return { send: [] };
				const row = buildAudienceRow(schema.value, readIdentifiers(this, itemIndex), readDefaultCallingCode(this, itemIndex));
				if (!row.ok) throw validationError(this, itemIndex, new ItemValidationError(row.errors));
				return { send: row.value };
			},
			send: async (batch, plan) => {
				const last = plan.batchIndex === plan.batchCount - 1;
				const session = {
					session_id: sessionId,
					batch_seq: plan.batchIndex + 1,
					last_batch_flag: last,
					estimated_num_total: plan.rowCount,
				};
				const answer = await metaRequest<{ session_id?: string | number; num_received?: number; num_invalid_entries?: number }>(
					this,
					meta,
					{
						method: change === 'remove' ? 'DELETE' : 'POST',
						path,
						body: { payload: { schema: schema.ok ? schema.value : [], data: batch.map(({ payload }) => payload) }, session } as unknown as IDataObject,
					},
					`${verb} audience ${audienceId} (batch ${plan.batchIndex + 1} of ${plan.batchCount}, ${batch.length} rows)`,
					policy.ok ? policy.value : undefined,
				);
				return batch.map(({ item }) => {
					const clientId = item.json.clientId;
					const result: AudienceMembershipChange = {
						audienceId,
						operation: change,
						sessionId: String(answer.session_id ?? sessionId),
						batch: plan.batchIndex + 1,
						batchCount: plan.batchCount,
						lastBatch: last,
						numReceived: answer.num_received ?? 0,
						numInvalidEntries: answer.num_invalid_entries ?? 0,
						schema: schema.ok ? schema.value : [],
						...(typeof clientId === 'string' || typeof clientId === 'number' ? { clientId: String(clientId) } : {}),
						destination: 'meta',
					};
					return { output: SENT, result: { json: result as unknown as IDataObject } };
				});
			},
		});
	};
}
