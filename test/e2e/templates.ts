/**
 * Shipped templates (workflows/*.json) wired to the sandbox: the places an admin edits after import
 * (the Slack incoming-webhook URL, vendor URLs) are pointed at the simulators, and the credentials
 * the templates name are created with sandbox values. Used by e2e suites and by the demo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Sandbox } from '../../sandbox';
import type { E2eCredential, E2eWorkflow } from './n8n';

export const WORKFLOWS_DIR = join(__dirname, '../../workflows');

/** The Slack URL placeholder every template's alert step ships with. */
const SLACK_PLACEHOLDER = /^https:\/\/hooks\.slack\.com\/services\//;

export interface SandboxWiring {
	alertWebhookUrl: string;
	/** The secret the CRM signs its webhooks with (the CRM subscription's secret). */
	crmWebhookSecret: string;
}

export function templateNames(): string[] {
	return readdirSync(WORKFLOWS_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.replace(/\.json$/, ''));
}

export function loadTemplate(name: string, wiring: SandboxWiring): E2eWorkflow {
	const workflow = JSON.parse(readFileSync(join(WORKFLOWS_DIR, `${name}.json`), 'utf8')) as E2eWorkflow;
	for (const node of workflow.nodes) {
		const url = node.parameters?.url;
		if (node.type === 'n8n-nodes-base.httpRequest' && typeof url === 'string' && SLACK_PLACEHOLDER.test(url)) {
			node.parameters = { ...node.parameters, url: wiring.alertWebhookUrl };
		}
	}
	return { ...workflow, id: workflow.id ?? name.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) };
}

/** The credentials the shipped templates refer to, filled with sandbox values. */
export function sandboxCredentials(wiring: SandboxWiring): E2eCredential[] {
	return [
		{
			id: 'crm-webhook-secret',
			name: 'CRM webhook secret',
			type: 'brokerageWebhookApi',
			data: { secret: wiring.crmWebhookSecret, previousSecret: '' },
		},
	];
}

export function sandboxWiring(sandbox: Sandbox, crmWebhookSecret: string): SandboxWiring {
	return { alertWebhookUrl: `${sandbox.alerts.url}${sandbox.alerts.simulator.hookPath}`, crmWebhookSecret };
}
