/**
 * Every resource of the Sumsub node, in the order the editor lists them. The node's description
 * and the router are both built from this one list.
 */
import type { ResourceRegistry } from '../../../lib/resources';
import { applicant } from './applicant';
import { document } from './document';
import { verificationLink } from './verificationLink';

export const RESOURCES: ResourceRegistry = {
	applicant: { name: 'Applicant', resource: applicant },
	document: { name: 'Document', resource: document },
	verificationLink: { name: 'Verification Link', resource: verificationLink },
};
