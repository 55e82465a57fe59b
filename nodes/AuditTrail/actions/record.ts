import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { chainRecord, readAuditEntry, readPreviousRecord, type ChainHead } from '../../../lib/audit';
import { attempt } from '../../../lib/errors';
import { runPerItem } from '../../../lib/perItem';

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['record'] } }, [
	{
		displayName:
			'Each item is one change made in another system. The node outputs one audit record per item, chained after Previous Record, ready to insert into your audit Data Table (store every field as text, sequence as a number). Records never hold secrets or e-mail addresses: such items are refused.',
		name: 'recordNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'System',
		name: 'system',
		type: 'string',
		required: true,
		default: '={{ $json.system }}',
		placeholder: 'mt5',
		description: 'The system that was changed: mt5, ctrader, praxis, coinspaid, sumsub, onfido, meta, google_ads, crm…',
	},
	{
		displayName: 'Action',
		name: 'action',
		type: 'string',
		required: true,
		default: '={{ $json.action }}',
		placeholder: 'balance.deposit',
		description: 'What was done, as thing.verb: account.created, balance.deposit, group.changed, withdrawal.released, kyc.reset, audience.added…',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '={{ $json.subject }}',
		placeholder: '100234',
		description: 'Whom or what it was done to: a login, client ID or audience ID. Never a name or an e-mail address.',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '={{ $json.idempotencyKey }}',
		placeholder: 'praxis:8823',
		description: 'The key that made the change happen once, e.g. the PSP transaction it came from',
	},
	{
		displayName: 'Outcome',
		name: 'outcome',
		type: 'string',
		required: true,
		default: '={{ $json.outcome }}',
		placeholder: 'applied',
		description: 'Applied (done now), alreadyApplied (found already done, e.g. a replayed event) or failed',
	},
	{
		displayName: 'Detail',
		name: 'detail',
		type: 'string',
		default: '={{ $json.detail }}',
		placeholder: 'deposit 250.00 USD, deal 88231',
		description: 'A short note, at most 500 characters. An object is kept as JSON, unless a field in it looks like a secret.',
	},
	{
		displayName: 'Previous Record',
		name: 'previousRecord',
		type: 'json',
		default: '',
		description:
			'The last record already in the audit trail, e.g. the row a Data Table node read (highest sequence) as an expression; empty (or {}) when the trail is new. Read once, with the first item; several items chain one after the other.',
		hint: 'Only its sequence and hash are used. Let one execution write at a time, or two records get the same sequence.',
	},
	{
		displayName: 'Time',
		name: 'atUtc',
		type: 'string',
		default: '={{ $now.toUTC().toISO() }}',
		placeholder: '2026-11-26T09:30:00Z',
		description: 'When the change happened, ISO-8601; stored in UTC',
	},
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: '={{ $workflow.id }}',
		description: 'The workflow that made the change',
	},
	{
		displayName: 'Workflow Name',
		name: 'workflowName',
		type: 'string',
		default: '={{ $workflow.name }}',
		description: 'The name of the workflow that made the change',
	},
	{
		displayName: 'Execution ID',
		name: 'executionId',
		type: 'string',
		default: '={{ $execution.id }}',
		description: 'The execution that made the change',
	},
]);

/**
 * Previous Record is read once, with the first item: the items of one run chain one after the
 * other, each after the last record written before it. A failed item writes nothing, so the next
 * item chains after the last one that succeeded. A bad Previous Record fails every item.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const previous = attempt(() => readPreviousRecord(this.getNodeParameter('previousRecord', 0, '')));
	let head: ChainHead | undefined = previous.ok ? previous.value : undefined;
	return await runPerItem.call(this, async (itemIndex) => {
		if (!previous.ok) throw previous.error;
		const parameter = (name: string) => this.getNodeParameter(name, itemIndex, '') as unknown;
		const entry = readAuditEntry({
			atUtc: parameter('atUtc'),
			workflowId: parameter('workflowId'),
			workflowName: parameter('workflowName'),
			executionId: parameter('executionId'),
			system: parameter('system'),
			action: parameter('action'),
			subject: parameter('subject'),
			idempotencyKey: parameter('idempotencyKey'),
			outcome: parameter('outcome'),
			detail: parameter('detail'),
		});
		const record = chainRecord(entry, head);
		head = { sequence: record.sequence, hash: record.hash };
		return { ...record };
	});
}
