/** Every resource of the Onfido node; the node's description and the router are built from it. */
import type { ResourceRegistry } from '../../../lib/resources';
import { applicant } from './applicant';
import { check } from './check';
import { document } from './document';
import { sdkToken } from './sdkToken';
import { workflowRun } from './workflowRun';

export const RESOURCES: ResourceRegistry = {
	applicant: { name: 'Applicant', resource: applicant },
	check: { name: 'Check', resource: check },
	document: { name: 'Document', resource: document },
	sdkToken: { name: 'SDK Token', resource: sdkToken },
	workflowRun: { name: 'Workflow Run', resource: workflowRun },
};
