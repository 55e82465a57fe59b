import type { INodeProperties } from 'n8n-workflow';

import { TRANSFORM_NAMES } from '../../lib/mapping';
import { SHIPPED_PROFILES } from './profiles';

const EXAMPLE_PROFILE = JSON.stringify(
	{
		name: 'My CRM client',
		entity: 'client',
		fields: [
			{ target: 'clientId', source: 'id', required: true },
			{ target: 'email', source: 'contact.email', required: true, transforms: ['trim', 'lowercase'] },
			{ target: 'phone', source: 'contact.phone', transforms: [{ name: 'e164', defaultCallingCode: '357' }] },
			{ target: 'country', source: 'country', default: 'CY', transforms: ['uppercase'] },
		],
	},
	null,
	2,
);

export const mapperProperties: INodeProperties[] = [
	{
		displayName:
			'Items that fail the profile stop the run. To route them instead, open Settings and set On Error to "Continue (using error output)": they then leave on the error output with the reason.',
		name: 'errorOutputNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Profile Source',
		name: 'profileSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Shipped Profile', value: 'shipped', description: 'A ready-made profile for a common CRM' },
			{ name: 'Field Rows', value: 'rows', description: 'Edit the mappings as rows, one per target field' },
			{ name: 'JSON', value: 'json', description: 'Paste a mapping profile as JSON' },
		],
		default: 'shipped',
	},
	{
		displayName: 'Profile',
		name: 'shippedProfile',
		type: 'options',
		options: Object.entries(SHIPPED_PROFILES).map(([value, profile]) => ({
			name: profile.name,
			value,
			description: profile.description,
		})),
		default: 'genericCrmClient',
		displayOptions: { show: { profileSource: ['shipped'] } },
	},
	{
		displayName: 'Field Mappings',
		name: 'fieldMappings',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: { show: { profileSource: ['rows'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Default Value',
						name: 'default',
						type: 'string',
						default: '',
						description: 'Used when the source is missing or empty',
					},
					{
						displayName: 'Required',
						name: 'required',
						type: 'boolean',
						default: false,
						description: 'Whether an item without this field is invalid',
					},
					{
						displayName: 'Source Path',
						name: 'source',
						type: 'string',
						default: '',
						placeholder: 'contact.email',
						description: 'Where the value comes from in the incoming item, e.g. contact.email or phones[0]. Leave empty to use only the default.',
					},
					{
						displayName: 'Target Field',
						name: 'target',
						type: 'string',
						default: '',
						placeholder: 'email',
						description: 'Where the value goes in the output; use dots for nested fields (gross.amount)',
					},
					{
						displayName: 'Transforms',
						name: 'transforms',
						type: 'string',
						default: '',
						placeholder: 'trim | lowercase',
						description: `Steps applied in order, separated by |. A step may take one argument after a colon: e164:357, minorUnits:2, serverTimeToUtc:Europe/Athens, sha256:email, lookup:{"Cyprus":"CY"}. Available: ${TRANSFORM_NAMES.join(', ')}.`,
					},
				],
			},
		],
	},
	{
		displayName: 'Mapping Profile (JSON)',
		name: 'profileJson',
		type: 'json',
		default: EXAMPLE_PROFILE,
		description: 'A profile: {"name", "fields": [{"target", "source", "transforms", "default", "required"}]}',
		displayOptions: { show: { profileSource: ['json'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Source Under Raw',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the incoming item, unchanged, under "raw" in the output',
			},
			{
				displayName: 'Record Path',
				name: 'recordPath',
				type: 'string',
				default: '',
				placeholder: 'data',
				description: 'Where the record sits in the incoming item, e.g. "data" for a webhook event {"type": ..., "data": {...}}. Source paths are read from there. Empty reads the whole item.',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Mapped Fields Only', value: 'replace' },
					{ name: 'Incoming Fields Plus Mapped Fields', value: 'merge' },
				],
				default: 'replace',
				description: 'Whether the output holds only the mapped fields or the incoming item with the mapped fields added',
			},
		],
	},
];
