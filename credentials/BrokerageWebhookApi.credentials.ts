import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret a system (the CRM, a back office) signs its webhooks with. A previous secret
 * keeps working while the sender switches to a new one, so a key rotation loses no event.
 * Tested by the Brokerage Webhook Trigger's credential test (length and form of the secret): there
 * is no remote endpoint to call, the sender holds the other copy.
 */
export class BrokerageWebhookApi implements ICredentialType {
	name = 'brokerageWebhookApi';

	displayName = 'Brokerage Webhook Signing API';

	icon = { light: 'file:../nodes/BrokerageWebhook/brokerageWebhook.svg', dark: 'file:../nodes/BrokerageWebhook/brokerageWebhook.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#brokerage-webhook-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret the sender signs its webhooks with (shown in its webhook settings)',
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'During a key rotation, the secret being replaced: requests signed with it are still accepted. Clear it once the sender uses the new secret.',
		},
	];
}
