import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { readRetryPolicy, retryAndTimeoutOptions } from '../../lib/retryOptions';
import { mt5Login } from './transport/credentialTest';
import { pollEvents, type TriggerEvent } from './trigger/poll';
import { includeRawOption } from '../../lib/rawData';

export class MetaTrader5Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MetaTrader 5 Trigger',
		name: 'metaTrader5Trigger',
		icon: { light: 'file:metaTrader5.svg', dark: 'file:metaTrader5.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow on new balance operations, closed trades, new accounts or a margin level falling below a threshold',
		defaults: { name: 'MetaTrader 5 Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'metaTrader5Api', required: true, testedBy: 'mt5Login' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Margin Level Below Threshold', value: 'marginCall', description: 'An account’s margin level fell below the threshold (margin-call watch)' },
					{ name: 'New Account', value: 'newAccount', description: 'An account was registered on the server' },
					{ name: 'New Balance Operation', value: 'balanceOperation', description: 'A deposit, withdrawal, credit, bonus, charge or correction was booked' },
					{ name: 'New Closed Trade', value: 'closedTrade', description: 'A position was closed fully or partly (an OUT deal)' },
				],
				default: 'balanceOperation',
			},
			{
				displayName: 'Groups',
				name: 'groups',
				type: 'string',
				default: 'real*',
				placeholder: 'real*,!real\\test',
				description: 'Which accounts to watch, as an MT5 group mask: * matches anything, ! excludes, commas separate',
			},
			{
				displayName: 'Margin Level Threshold (%)',
				name: 'marginLevelThreshold',
				type: 'number',
				default: 100,
				description: 'Fire when an account’s margin level (equity / margin × 100) falls below this; it fires again only after the account recovered above it',
				displayOptions: { show: { event: ['marginCall'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					includeRawOption('the MT5 record'),
					{
						displayName: 'Overlap (Seconds)',
						name: 'overlapSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 300,
						description: 'Each poll re-reads this much time before the last one, so a deal booked late is not missed; already emitted tickets are remembered and not emitted twice',
					},
				],
			},
			retryAndTimeoutOptions,
		],
	};

	methods = { credentialTest: { mt5Login } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as TriggerEvent;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const items = await pollEvents(this, {
			event,
			groups: (this.getNodeParameter('groups') as string).trim() || '*',
			marginLevelThreshold: event === 'marginCall' ? (this.getNodeParameter('marginLevelThreshold') as number) : 0,
			overlapSeconds: Number(options.overlapSeconds ?? 300),
			includeRaw: options.includeRaw === true,
			policy: readRetryPolicy(this),
			manual: this.getMode() === 'manual',
			state: this.getWorkflowStaticData('node'),
		});
		return items.length ? [this.helpers.returnJsonArray(items)] : null;
	}
}
