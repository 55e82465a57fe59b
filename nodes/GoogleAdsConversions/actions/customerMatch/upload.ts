/**
 * Adds members to (or removes them from) a Customer Match list: each input item is one person,
 * sent as one UserData operation with their hashed e-mail, phone and/or address. All items go into
 * ONE offline user data job, in requests of at most "Identifiers per Request" identifiers (Google's
 * limit is 100,000 per request and 20 per operation; Google staff recommend about 10,000), then the
 * job is run and polled. Consent is set on the job: in the EEA both ad_user_data and
 * ad_personalization must be GRANTED since March 2024, or Google does not process the data.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { chunk, runInBatches, type BatchRow, type RowOutcome } from '../../../../lib/batches';
import { FieldError } from '../../../../lib/errors';
import { googleAddressInfo, googleResourceName, googleUserIdentifiers } from '../../../../lib/googleAds';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { describeGoogleAdsError, googleAdsErrorsOf, googleAdsRequest } from '../../transport';
import { OUTPUT_RETRY_LATER, OUTPUT_UPLOADED } from '../conversions';
import { consentProperty, customerIdProperty, includeRawOption, readConsent, readCustomerId, readOption, readRequired, readText, readWholeOption } from '../inputs';
import { pollJob } from './job';

const MAX_IDENTIFIERS_PER_REQUEST = 100_000;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['customerMatch'], operation: ['upload'] } }, [
	customerIdProperty,
	{
		displayName: 'User List',
		name: 'userList',
		type: 'string',
		required: true,
		default: '',
		placeholder: '444444',
		description: 'ID of the Customer Match list (a CRM-based user list) or its resource name customers/…/userLists/…',
	},
	{
		displayName: 'Members Action',
		name: 'membersAction',
		type: 'options',
		options: [
			{ name: 'Add', value: 'add', description: 'Add the people to the list' },
			{ name: 'Remove', value: 'remove', description: 'Remove them, e.g. after an opt-out or erasure request' },
		],
		default: 'add',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '={{ $json.email }}',
		description: 'Hashed with SHA-256 after normalising as Google specifies',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		default: '={{ $json.phone }}',
		description: 'Written in E.164 with "+" and hashed with SHA-256',
	},
	{
		displayName: 'Default Calling Code',
		name: 'defaultCallingCode',
		type: 'string',
		default: '',
		placeholder: '357',
		description: 'Country calling code added to phone numbers written without one',
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'collection',
		placeholder: 'Add Address Field',
		default: {},
		description: 'Google matches an address only with all four fields',
		options: [
			{ displayName: 'Country Code', name: 'countryCode', type: 'string', default: '', placeholder: 'CY', description: 'Two-letter ISO code, sent in clear' },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '', description: 'Hashed with SHA-256' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '', description: 'Hashed with SHA-256' },
			{ displayName: 'Postal Code', name: 'postalCode', type: 'string', default: '', description: 'Sent in clear' },
		],
	},
	consentProperty('adUserData', 'Ad User Data Consent', 'Job consent.ad_user_data. In the EEA Google processes members only when both consents are GRANTED.'),
	consentProperty('adPersonalization', 'Ad Personalization Consent', 'Job consent.ad_personalization. In the EEA Google processes members only when both consents are GRANTED.'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Identifiers per Request',
				name: 'identifiersPerRequest',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_IDENTIFIERS_PER_REQUEST, numberPrecision: 0 },
				default: 10000,
				description: 'How many identifiers each request adds to the job (Google allows 100,000 and recommends about 10,000)',
			},
			includeRawOption,
			{
				displayName: 'Max Polls',
				name: 'maxPolls',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 20,
				description: 'How many times to read the job status before giving up; then the members leave on Retry Later with the job name',
			},
			{
				displayName: 'Poll Interval',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				description: 'Seconds to wait before each status read',
			},
		],
	},
]);

interface Member {
	customerId: string;
	userList: string;
	side: 'create' | 'remove';
	userIdentifiers: IDataObject[];
	kinds: string[];
}

function readMember(ctx: IExecuteFunctions, itemIndex: number): Member {
	const customerId = readCustomerId(ctx, itemIndex);
	const userList = googleResourceName(customerId, 'userLists', readRequired(ctx, itemIndex, 'userList', 'User List', '444444'), 'User List');
	const side = ctx.getNodeParameter('membersAction', itemIndex, 'add') === 'remove' ? 'remove' : 'create';
	const contact = googleUserIdentifiers({
		email: readText(ctx, itemIndex, 'email'),
		phone: readText(ctx, itemIndex, 'phone'),
		defaultCallingCode: readText(ctx, itemIndex, 'defaultCallingCode'),
	});
	const address = googleAddressInfo(ctx.getNodeParameter('address', itemIndex, {}) as Record<string, string>);
	const userIdentifiers: IDataObject[] = [...contact, ...(address ? [{ addressInfo: address }] : [])];
	if (!userIdentifiers.length) throw new FieldError('Email', 'an e-mail, a phone or a full address is required for each member');
	return { customerId, userList, side, userIdentifiers, kinds: userIdentifiers.map((identifier) => Object.keys(identifier)[0]) };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const identifiersPerRequest = readWholeOption(this, 'identifiersPerRequest', 'Identifiers per Request', 10000, 1, MAX_IDENTIFIERS_PER_REQUEST);
	const maxPolls = readWholeOption(this, 'maxPolls', 'Max Polls', 20, 0, 100_000);
	const intervalSeconds = Number(readOption<unknown>(this, 0, 'pollIntervalSeconds', 30));
	if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0) throw new FieldError('Poll Interval', `must be a number of seconds, 0 or more; it is ${JSON.stringify(intervalSeconds)}`);
	const includeRaw = readOption<boolean>(this, 0, 'includeRaw', false) === true;
	const policy = readRetryPolicy(this, 0);
	const adUserData = readConsent(this, 0, 'adUserData', 'Ad User Data Consent');
	const adPersonalization = readConsent(this, 0, 'adPersonalization', 'Ad Personalization Consent');

	const send = async (rows: Array<BatchRow<Member>>): Promise<RowOutcome[]> => {
		const outcomes: RowOutcome[] = new Array(rows.length);
		const first = rows[0].payload;
		const mixed = rows.find(({ payload }) => payload.userList !== first.userList);
		if (mixed) {
			const error = new FieldError('User List', `all items of one run must go to the same list; item ${mixed.itemIndex + 1} names ${mixed.payload.userList}, the first ${first.userList}`);
			return rows.map(() => error);
		}
		const consent = { ...(adUserData ? { adUserData } : {}), ...(adPersonalization ? { adPersonalization } : {}) };
		const created = await googleAdsRequest<{ resourceName: string }>(
			this,
			'POST',
			`customers/${first.customerId}/offlineUserDataJobs:create`,
			{ job: { type: 'CUSTOMER_MATCH_USER_LIST', customerMatchUserListMetadata: { userList: first.userList, ...(Object.keys(consent).length ? { consent } : {}) } } },
			`create a Customer Match job for ${first.userList}`,
			{ policy, idempotent: false },
		);
		const job = created.resourceName;
		const positions = rows.map((row, position) => ({ ...row, position }));
		// Google counts the limit in identifiers, not members.
		for (const group of chunk(positions, identifiersPerRequest, ({ payload }) => payload.userIdentifiers.length)) {
			const answer = await googleAdsRequest<{ partialFailureError?: unknown }>(
				this,
				'POST',
				`${job}:addOperations`,
				{ enablePartialFailure: true, operations: group.map(({ payload }) => ({ [payload.side]: { userIdentifiers: payload.userIdentifiers } })) },
				`add ${group.length} member${group.length === 1 ? '' : 's'} to job ${job}`,
				// Adding the same person twice to a job changes nothing.
				{ policy, idempotent: true },
			);
			for (const error of googleAdsErrorsOf(answer.partialFailureError)) {
				const target = error.index === undefined ? undefined : group[error.index];
				if (target) outcomes[target.position] = new Error(`Google Ads refused the member: ${describeGoogleAdsError(error)}`);
			}
		}
		await googleAdsRequest(this, 'POST', `${job}:run`, {}, `run job ${job}`, { policy, idempotent: false });
		const state = await pollJob(this, job, { intervalMs: intervalSeconds * 1000, maxPolls, policy });
		rows.forEach(({ payload: member }, position) => {
			if (outcomes[position]) return;
			if (state.status === 'FAILED') {
				outcomes[position] = new Error(`Google Ads Customer Match job ${job} failed${state.failureReason ? `: ${state.failureReason}` : ''}`);
				return;
			}
			const done = state.status === 'SUCCESS';
			outcomes[position] = {
				output: done ? OUTPUT_UPLOADED : OUTPUT_RETRY_LATER,
				result: {
					status: done ? 'done' : 'running',
					destination: 'google_ads',
					customerId: member.customerId,
					userList: member.userList,
					membersAction: member.side === 'create' ? 'add' : 'remove',
					identifiers: member.kinds,
					job,
					jobStatus: state.status,
					...(includeRaw ? { raw: { job: state } as IDataObject } : {}),
				},
			};
		});
		return outcomes;
	};

	return await (runInBatches<Member>).call(this, {
		outputCount: 2,
		failedItemsOutput: OUTPUT_RETRY_LATER,
		// One job for the whole run, whose verdict comes only after it ran: every member is handed to
		// `send` at once, which adds them to the job in requests of at most Identifiers per Request.
		batchSize: Number.MAX_SAFE_INTEGER,
		prepare: async (itemIndex) => ({ send: readMember(this, itemIndex) }),
		send,
	});
}
