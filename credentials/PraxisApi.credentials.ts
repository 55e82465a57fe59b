import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A Praxis Cashier API v1.3 merchant (reference/psp_kyc.md §1). The secret never leaves n8n: every
 * request carries `GT-Authentication`, a SHA-384 over that call's own fields plus the secret, so
 * the signing cannot be a static `authenticate` block — the Praxis transport
 * (nodes/Praxis/transport) computes it per call. The same secret verifies Praxis's answers and
 * notifications; the previous secret is accepted on notifications during a key rotation.
 *
 * The credential is tested by the Praxis node (`testedBy: 'praxisFindOrder'`): a real signed
 * find-order of an order that cannot exist, whose signed "not found" proves all three values.
 */
export class PraxisApi implements ICredentialType {
	name = 'praxisApi';

	displayName = 'Praxis Cashier API';

	icon = { light: 'file:../nodes/Praxis/praxis.svg', dark: 'file:../nodes/Praxis/praxis.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#praxis';

	properties: INodeProperties[] = [
		{
			displayName: 'Merchant ID',
			name: 'merchantId',
			type: 'string',
			default: '',
			required: true,
			description: 'Your merchant_id from the Praxis back office',
		},
		{
			displayName: 'Application Key',
			name: 'applicationKey',
			type: 'string',
			default: '',
			required: true,
			description: 'The application_key of the cashier application (one per website or brand)',
		},
		{
			displayName: 'Merchant Secret',
			name: 'merchantSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Signs every request and checks every answer and notification. It is never sent.',
		},
		{
			displayName: 'Previous Merchant Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'While Praxis rotates the secret, notifications signed with this older one are still accepted. Leave empty otherwise.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Sandbox (pci-gw-test.praxispay.com)', value: 'sandbox' },
				{ name: 'Live (gw.praxisgate.com)', value: 'live' },
				{ name: 'Custom Base URL', value: 'custom', description: 'The local sandbox or a Praxis-compatible gateway' },
			],
			default: 'sandbox',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:4010',
			description: 'The gateway address without a path; /cashier/cashier and /agent/… are added to it',
			displayOptions: { show: { environment: ['custom'] } },
		},
	];
}
