import type { INodeProperties } from 'n8n-workflow';

import type { NodeResource } from '../../../../lib/resources';
import * as create from './create';
import * as get from './get';
import * as getRequiredDocuments from './getRequiredDocuments';
import * as getStatus from './getStatus';
import * as requestCheck from './requestCheck';
import * as reset from './reset';
import * as setTestResult from './setTestResult';

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['applicant'] } },
	options: [
		{ name: 'Create', value: 'create', description: 'Create an applicant for a CRM client at a verification level', action: 'Create an applicant' },
		{ name: 'Get', value: 'get', description: 'Read an applicant as a KYC case: status, review, documents, AML flags', action: 'Get an applicant' },
		{ name: 'Get Required Documents', value: 'getRequiredDocuments', description: 'Which verification steps are done and which still need documents', action: 'Get required documents of an applicant' },
		{ name: 'Get Status', value: 'getStatus', description: 'Read the review status and result only', action: 'Get the status of an applicant' },
		{ name: 'Request Check', value: 'requestCheck', description: 'Send the uploaded documents to review (status pending)', action: 'Request a check of an applicant' },
		{ name: 'Reset', value: 'reset', description: 'Start verification again from scratch, e.g. when documents expired', action: 'Reset an applicant' },
		{ name: 'Set Test Result (Sandbox Only)', value: 'setTestResult', description: 'Sandbox only: simulate the review result (GREEN or RED)', action: 'Set a test result for an applicant' },
	],
	default: 'get',
};

export const applicant: NodeResource = {
	description: [
		operation,
		...create.description,
		...get.description,
		...getRequiredDocuments.description,
		...getStatus.description,
		...requestCheck.description,
		...reset.description,
		...setTestResult.description,
	],
	operations: {
		create: create.execute,
		get: get.execute,
		getRequiredDocuments: getRequiredDocuments.execute,
		getStatus: getStatus.execute,
		requestCheck: requestCheck.execute,
		reset: reset.execute,
		setTestResult: setTestResult.execute,
	},
};
