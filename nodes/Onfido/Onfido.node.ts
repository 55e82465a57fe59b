import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceProperties } from '../../lib/resources';
import { retryAndTimeoutOptions } from '../../lib/retryOptions';
import { RESOURCES } from './actions/resources';
import { router } from './actions/router';

export class Onfido implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Onfido',
		name: 'onfido',
		icon: { light: 'file:onfido.svg', dark: 'file:onfido.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Verify clients with Onfido: applicants, identity documents, workflow runs and checks as KYC cases, SDK tokens',
		defaults: { name: 'Onfido' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'onfidoApi', required: true }],
		properties: [...resourceProperties(RESOURCES, 'applicant'), retryAndTimeoutOptions],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
