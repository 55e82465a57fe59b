import type { INode } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import errorOutputFixture from './fixtures/mapper-error-output.json';
import shippedFixture from './fixtures/mapper-shipped-profile.json';
import stagedFixture from './fixtures/mapper-after-another-node.json';

const errorOutputWorkflow = errorOutputFixture as unknown as WorkflowJson;
const shippedWorkflow = shippedFixture as unknown as WorkflowJson;
const stagedWorkflow = stagedFixture as unknown as WorkflowJson;

function withNode(fixture: WorkflowJson, change: (node: INode) => INode): WorkflowJson {
	return { ...fixture, nodes: fixture.nodes.map(change) };
}

const goodClient = { id: ' C-1 ', contact: { email: ' Anna@Example.com ', phone: '99 123456' }, country: 'Greece' };
const clientWithoutEmail = { id: 'C-2', contact: { phone: '+30 210 1234567' } };
const clientWithBadPhone = { id: 'C-3', contact: { email: 'b@example.com', phone: 'call me' } };

describe('Brokerage Mapper in a workflow', () => {
	it('sends valid items on and routes each invalid one to the error output with a message naming the field', async () => {
		const run = await runWorkflow(errorOutputWorkflow, { input: [goodClient, clientWithoutEmail, clientWithBadPhone] });

		expect(run.status).toBe('success');
		const [valid, invalid] = run.outputs['Map CRM Client'];
		expect(valid.map((item) => item.json)).toEqual([
			{ clientId: 'C-1', email: 'anna@example.com', phone: '+35799123456', country: 'GR' },
		]);
		expect(valid[0].pairedItem).toEqual({ item: 0 });

		expect(invalid).toHaveLength(2);
		expect(invalid[0].json.error).toBe('"email" (from contact.email): is required but missing');
		expect(invalid[0].pairedItem).toEqual({ item: 1 });
		expect(invalid[1].json.error).toBe('"phone" (from contact.phone): e164: "call me" is not a phone number (it contains letters)');
		expect(invalid[1].pairedItem).toEqual({ item: 2 });
	});

	it('hands the failed item\'s own fields to the error output, so the review queue sees what came in', async () => {
		const run = await runWorkflow(stagedWorkflow, { input: [goodClient, clientWithoutEmail] });

		const [valid, invalid] = run.outputs['Map CRM Client'];
		expect(valid).toHaveLength(1);
		expect(invalid).toHaveLength(1);
		expect(invalid[0].json).toEqual({
			...clientWithoutEmail,
			receivedFrom: 'crm',
			error: '"email" (from contact.email): is required but missing',
		});
	});

	it('stops the run at the first bad item, naming it, when no error output is chosen', async () => {
		const strict = withNode(errorOutputWorkflow, (node) => ({ ...node, onError: undefined }));
		const run = await runWorkflow(strict, { input: [goodClient, clientWithoutEmail] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors['Map CRM Client']?.message).toBe('"email" (from contact.email): is required but missing');
	});

	it('keeps bad items in the main output with the reason when set to continue', async () => {
		const lenient = withNode(errorOutputWorkflow, (node) => ({ ...node, onError: 'continueRegularOutput' }));
		const run = await runWorkflow(lenient, { input: [clientWithoutEmail, goodClient] });

		const [main] = run.outputs['Map CRM Client'];
		expect(main.map((item) => item.json.error ?? item.json.clientId)).toEqual([
			'"email" (from contact.email): is required but missing',
			'C-1',
		]);
	});

	it('maps with a shipped profile and keeps the source under raw when asked', async () => {
		const payment = { id: 'T-9', client_id: 'C-1', type: 'DEPOSIT', status: 'completed', amount: 99.9, currency: 'eur' };
		const run = await runWorkflow(shippedWorkflow, { input: [payment] });

		const [main] = run.outputs['Map CRM Payment'];
		expect(main[0].json).toEqual({
			transactionId: 'T-9',
			source: 'crm',
			type: 'deposit',
			status: 'succeeded',
			gross: { amount: '99.9', currency: 'EUR' },
			clientId: 'C-1',
			raw: payment,
		});
	});

	it('reads the record from a path inside a webhook event and names a wrong path', async () => {
		const fromData = withNode(errorOutputWorkflow, (node) => ({
			...node,
			parameters: { ...node.parameters, options: { recordPath: 'data' } },
		}));
		const run = await runWorkflow(fromData, { input: [{ type: 'client.created', data: goodClient }, { type: 'ping' }] });

		const [valid, invalid] = run.outputs['Map CRM Client'];
		expect(valid.map((item) => item.json.clientId)).toEqual(['C-1']);
		expect(invalid.map((item) => item.json.error)).toEqual(['"Record Path": "data" does not lead to an object in this item']);
	});

	it('sends every item to the error output, never on unmapped, when the profile is broken and errors are routed', async () => {
		const broken = withNode(errorOutputWorkflow, (node) => ({
			...node,
			parameters: { profileSource: 'json', profileJson: '{"fields": []}' },
		}));
		const run = await runWorkflow(broken, { input: [goodClient, clientWithoutEmail] });

		const [valid, invalid] = run.outputs['Map CRM Client'];
		expect(valid).toEqual([]);
		expect(invalid.map((item) => item.json.error)).toEqual([
			'The mapping profile is invalid: "profile.fields": must be a non-empty list of field mappings',
			'The mapping profile is invalid: "profile.fields": must be a non-empty list of field mappings',
		]);
	});

	it('refuses a broken JSON profile once, before any item, saying what to fix', async () => {
		const broken = withNode(errorOutputWorkflow, (node) => ({
			...node,
			onError: undefined,
			parameters: { profileSource: 'json', profileJson: '{"fields":[{"target":"email","transforms":["lowercas"]}]}' },
		}));
		const run = await runWorkflow(broken, { input: [goodClient] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors['Map CRM Client']?.message).toBe(
			'The mapping profile is invalid: "email": uses unknown transform "lowercas" (known: trim, lowercase, uppercase, e164, sha256, decimal, minorUnits, majorUnits, lots, serverTimeToUtc, lookup, default)',
		);
	});
});
