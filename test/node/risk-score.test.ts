import { DateTime } from 'luxon';
import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/risk-score.json';

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Risk Score';

function withNode(parameters: INodeParameters, node: Partial<INode> = {}): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((n) => ({ ...n, ...node, parameters: { ...n.parameters, ...parameters } })),
	};
}

/** A client who adds no points with the shipped defaults. */
const client = (more: Record<string, unknown> = {}) => ({
	clientId: 'C-17',
	country: 'CY',
	nationality: 'GR',
	dateOfBirth: '1980-06-15',
	purpose: 'Long-term',
	tradingExperience: 'More than 3 years',
	expectedAnnualDeposit: '5000',
	kyc: { provider: 'sumsub', applicantId: 'A-1', status: 'approved', amlFlags: { pep: false, sanctions: false, adverseMedia: false } },
	...more,
});

const flags = (more: Record<string, boolean>) => ({
	provider: 'sumsub',
	applicantId: 'A-1',
	status: 'approved',
	amlFlags: { pep: false, sanctions: false, adverseMedia: false, ...more },
});

describe('Risk Score in a workflow', () => {
	it('adds risk to the client with the shipped defaults, keeping the input fields', async () => {
		const run = await runWorkflow(workflow, { input: [client()] });

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main).toHaveLength(1);
		expect(main[0].json).toEqual({
			...client(),
			risk: { level: 'low', score: 0, reasons: [], overriddenBy: null, nextReviewDate: '2031-11-26', reviewIntervalMonths: 60 },
		});
		expect(main[0].pairedItem).toEqual({ item: 0 });
	});

	it('scores each client on its own, paired with its input item', async () => {
		const run = await runWorkflow(workflow, {
			input: [
				client({ country: 'IR' }),
				client({ kyc: flags({ pep: true }), purpose: 'Speculation', expectedAnnualDeposit: '50000' }),
				client({ country: 'KE', kyc: flags({ pep: true, adverseMedia: true }), purpose: 'Speculation', tradingExperience: 'None' }),
			],
		});

		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(main.map((item) => item.json.risk)).toEqual([
			{
				level: 'high',
				score: 20,
				reasons: [{ factor: 'country', points: 20, detail: 'country of residence IR is on the FATF call-for-action list (black list): High regardless of points' }],
				overriddenBy: 'blackListCountry',
				nextReviewDate: '2027-11-26',
				reviewIntervalMonths: 12,
			},
			{
				level: 'medium',
				score: 18,
				reasons: [
					{ factor: 'pep', points: 10, detail: 'politically exposed person (PEP)' },
					{ factor: 'purpose', points: 4, detail: 'purpose of the relationship is Speculation' },
					{ factor: 'expectedDeposit', points: 4, detail: 'expected annual deposit 50000 is in the band 50000 to under 250000' },
				],
				overriddenBy: null,
				nextReviewDate: '2028-11-26',
				reviewIntervalMonths: 24,
			},
			expect.objectContaining({ level: 'high', score: 34, overriddenBy: null }),
		]);
	});

	it('lists every missing answer as unknown with its points', async () => {
		const run = await runWorkflow(workflow, { input: [{ clientId: 'C-18' }] });

		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main[0].json.risk).toEqual({
			level: 'high',
			score: 46,
			reasons: [
				{ factor: 'country', points: 10, detail: 'country of residence unknown (not given): scored as unknown, 10 points' },
				{ factor: 'nationality', points: 10, detail: 'nationality unknown (not given): scored as unknown, 10 points' },
				{
					factor: 'amlScreening',
					points: 10,
					detail: 'AML screening result unknown (no PEP / sanctions / adverse-media flags given): scored as unknown, 10 points',
				},
				{ factor: 'purpose', points: 4, detail: 'purpose of the relationship unknown (not given): scored as unknown, 4 points' },
				{ factor: 'tradingExperience', points: 2, detail: 'trading experience unknown (not given): scored as unknown, 2 points' },
				{ factor: 'expectedDeposit', points: 8, detail: 'expected annual deposit unknown (not given): scored as unknown, 8 points' },
				{ factor: 'age', points: 2, detail: 'age unknown (no date of birth): scored as unknown, 2 points' },
			],
			overriddenBy: null,
			nextReviewDate: '2027-11-26',
			reviewIntervalMonths: 12,
		});
	});

	it('applies edited weights, lists, bands and review intervals', async () => {
		const edited = withNode({
			greyList: 'KE, CY',
			greyListOverride: true,
			purposePoints: { answer: [{ answer: 'Speculation', points: 6 }, { answer: 'Long-term', points: 1 }] },
			ageBands: { band: [{ from: '0', to: '30', points: 5 }] },
			reviewMonthsHigh: 6,
			lastReviewDate: '2024-02-29',
		});
		const run = await runWorkflow(edited, { input: [client({ dateOfBirth: '2000-01-01' })] });

		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main[0].json.risk).toEqual({
			level: 'high',
			score: 16,
			reasons: [
				{ factor: 'country', points: 10, detail: 'country of residence CY is on the FATF increased-monitoring list (grey list): High regardless of points' },
				{ factor: 'purpose', points: 1, detail: 'purpose of the relationship is Long-term' },
				{ factor: 'age', points: 5, detail: 'age 26 is in the band 0 to under 30 years' },
			],
			overriddenBy: 'greyListCountry',
			nextReviewDate: '2024-08-29',
			reviewIntervalMonths: 6,
		});
	});

	it('reads the client from other fields through expressions', async () => {
		const mapped = withNode({
			country: '={{ $json.address.countryCode }}',
			amlFlags: '={{ $json.screening }}',
			expectedAnnualDeposit: '={{ $json.profile.deposits }}',
			checkNationality: false,
		});
		const run = await runWorkflow(mapped, {
			input: [
				{
					...client({ country: undefined }),
					address: { countryCode: 'vn' },
					screening: { sanctions: true },
					profile: { deposits: 260000 },
				},
			],
		});

		const [main, errors] = run.outputs[NODE];
		expect(errors).toEqual([]);
		expect(main[0].json.risk).toMatchObject({
			level: 'high',
			score: 38,
			overriddenBy: 'sanctions',
			reasons: [
				{ factor: 'country', points: 10, detail: 'country of residence VN is on the FATF increased-monitoring list (grey list)' },
				{ factor: 'sanctions', points: 20, detail: 'sanctions screening hit: High regardless of points' },
				{ factor: 'expectedDeposit', points: 8, detail: 'expected annual deposit 260000 is in the band 250000 and more' },
			],
		});
	});

	it('routes each bad client to the error output with a message naming the field, paired with its item', async () => {
		const run = await runWorkflow(workflow, {
			input: [
				client({ dateOfBirth: '15/06/1980' }),
				client(),
				client({ purpose: 'Gambling' }),
				client({ country: 'Cyprus' }),
				client({ kyc: flags({}), expectedAnnualDeposit: '5,000' }),
			],
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(errors.map((item) => item.json.error)).toEqual([
			'"Date of Birth": must be a date such as "1990-04-01" (YYYY-MM-DD), got "15/06/1980"',
			'"Purpose of the Relationship": "Gambling" is not one of the answers in the table (Speculation, Hedging, Short-term, Investment, Long-term); add it to the table or correct the answer',
			'"Country of Residence": must be an ISO 3166-1 alpha-2 country code such as CY or IR, got "Cyprus"',
			'"Expected Annual Deposit": must be an amount such as "25000" or "25000.50" (no thousands separators or currency), got "5,000"',
		]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }, { item: 4 }]);
	});

	it('stops the run at a bad client, naming the field, when no error output is chosen', async () => {
		const run = await runWorkflow(withNode({}, { onError: undefined }), { input: [client(), client({ kyc: { amlFlags: { pep: 'yes' } } })] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('"AML Flags": pep must be true or false, got "yes"');
	});

	it('sends every client to the error output, none to the main output, when a setting is invalid', async () => {
		const broken = withNode({ depositBands: { band: [{ from: '0', to: '20000', points: 0 }, { from: '10000', to: '', points: 5 }] } });
		const run = await runWorkflow(broken, { input: [client(), client({ clientId: 'C-19' })] });

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs[NODE];
		expect(main).toEqual([]);
		const message =
			'The risk score settings are invalid: "Deposit Bands row 2": (10000 and more) overlaps row 1 (0 to under 20000); a value must fall in one band only (Fix the parameter or row named above and run again.)';
		expect(errors.map((item) => [item.json.error, item.pairedItem])).toEqual([
			[message, { item: 0 }],
			[message, { item: 1 }],
		]);
	});

	it('keeps unscored clients off the main output with plain "Continue": each carries the reason instead', async () => {
		const broken = withNode({ blackList: 'KP, Iran' }, { onError: 'continueRegularOutput' });
		const run = await runWorkflow(broken, { input: [client()] });

		expect(run.status).toBe('success');
		const [main] = run.outputs[NODE];
		expect(main).toHaveLength(1);
		expect(main[0].json).toEqual({
			error:
				'The risk score settings are invalid: "FATF Black List": "Iran" is not an ISO 3166-1 alpha-2 country code; write two letters such as IR, separated by commas (Fix the parameter or row named above and run again.)',
		});
		expect(main[0].json.risk).toBeUndefined();
		expect(main[0].pairedItem).toEqual({ item: 0 });
	});

	it('stops the run naming the setting when a setting is invalid and no error output is chosen', async () => {
		const run = await runWorkflow(withNode({ pepPoints: -5 }, { onError: undefined }), { input: [client()] });

		expect(run.status).toBe('error');
		expect(run.nodeErrors[NODE]?.message).toBe('The risk score settings are invalid: "PEP Points": must not be negative, got -5');
		expect(run.nodeErrors[NODE]?.description).toBe('Fix the parameter or row named above and run again.');
	});

	it('counts age and the next review from the time of the run when As Of is left at its default', async () => {
		const byDefault: WorkflowJson = {
			...workflow,
			nodes: workflow.nodes.map((n) => {
				const { asOf: _omitted, ...parameters } = n.parameters;
				return { ...n, parameters };
			}),
		};
		const today = DateTime.utc().startOf('day');
		const run = await runWorkflow(byDefault, { input: [client({ country: 'IR', dateOfBirth: today.minus({ years: 21 }).plus({ days: 1 }).toISODate() })] });

		const [main] = run.outputs[NODE];
		const risk = main[0].json.risk as { nextReviewDate: string; reasons: Array<{ factor: string; detail: string }> };
		expect(risk.nextReviewDate).toBe(today.plus({ months: 12 }).toISODate());
		expect(risk.reasons.find((reason) => reason.factor === 'age')?.detail).toBe('age 20 is in the band 0 to under 21 years');
	});
});
