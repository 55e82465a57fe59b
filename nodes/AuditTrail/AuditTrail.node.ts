import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as record from './actions/record';
import { router } from './actions/router';
import * as verifyChain from './actions/verifyChain';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Record',
			value: 'record',
			description: 'Turn each change made in another system into a hash-chained audit record for the audit Data Table',
			action: 'Record a change in the audit trail',
		},
		{
			name: 'Verify Chain',
			value: 'verifyChain',
			description: 'Check stored audit records for edited, deleted, inserted or reordered records',
			action: 'Verify the audit trail',
		},
	],
	default: 'record',
};

export class AuditTrail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Audit Trail',
		name: 'auditTrail',
		icon: { light: 'file:auditTrail.svg', dark: 'file:auditTrail.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Write hash-chained audit records of the changes your workflows make in other systems, and check the chain for tampering',
		defaults: { name: 'Audit Trail' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [operation, ...record.description, ...verifyChain.description],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
