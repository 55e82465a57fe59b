import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { attribute, ATTRIBUTION_MODELS, type AttributionModel } from '../../../lib/attribution';
import { attempt, FieldError } from '../../../lib/errors';
import { getPath } from '../../../lib/mapping';
import { currencyDecimalsOption, readChannelRules, readDigits, readFieldPath } from './shared';

export const MODEL_OPTIONS = [
	{ name: 'First Touch', value: 'first', description: 'All credit to the first touchpoint' },
	{ name: 'Last Touch', value: 'last', description: 'All credit to the last touchpoint before the conversion' },
	{ name: 'Linear', value: 'linear', description: 'Equal credit to every touchpoint' },
	{ name: 'Position-Based (40/20/40)', value: 'positionBased', description: '40 % first, 40 % last, 20 % split over the middle; 2 touchpoints 50/50' },
	{ name: 'Time Decay (7-Day Half-Life)', value: 'timeDecay', description: 'A touchpoint 7 days before the conversion weighs half of one at the conversion' },
];

export const description: INodeProperties[] = updateDisplayOptions({ show: { operation: ['attribute'] } }, [
	{
		displayName: 'Touchpoints Field',
		name: 'touchpointsField',
		type: 'string',
		default: 'touchpoints',
		description: 'Where the list of the client\'s touchpoints is in each item (any order; each with timeUtc). Use dots for nested fields.',
	},
	{
		displayName: 'Conversion Time',
		name: 'conversionTime',
		type: 'string',
		required: true,
		default: '={{ $json.conversion?.timeUtc }}',
		placeholder: '2026-10-25T09:30:00Z',
		description: 'When the conversion (e.g. the first-time deposit) happened; touchpoints after it are ignored',
	},
	{
		displayName: 'Conversion Value',
		name: 'conversionValue',
		type: 'string',
		required: true,
		default: '={{ $json.conversion?.value?.amount }}',
		placeholder: '250.00',
		description: 'The value to share out, in major units (e.g. the FTD amount). 0 is allowed.',
	},
	{
		displayName: 'Conversion Currency',
		name: 'conversionCurrency',
		type: 'string',
		required: true,
		default: '={{ $json.conversion?.value?.currency }}',
		placeholder: 'USD',
		description: 'The currency of the value; credits are rounded to its decimals',
	},
	{
		displayName: 'Models',
		name: 'models',
		type: 'multiOptions',
		options: MODEL_OPTIONS,
		default: [...ATTRIBUTION_MODELS],
		description: 'The attribution models to compute',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [currencyDecimalsOption],
	},
]);

/** The item with `attribution`: first and last touch, credit and share per model and channel. */
export async function execute(this: IExecuteFunctions, itemIndex: number, item: INodeExecutionData): Promise<INodeExecutionData> {
	const rules = attempt(() => readChannelRules(this, itemIndex));
	if (!rules.ok) {
		throw new NodeOperationError(this.getNode(), `The channel rules are invalid: ${rules.error.message}`, {
			itemIndex,
			description: rules.error instanceof FieldError ? 'Fix the channel rule named above and run again.' : undefined,
		});
	}
	const touchpoints = readFieldPath(this, 'touchpointsField', 'Touchpoints Field', 'touchpoints', itemIndex);
	const currency = String(this.getNodeParameter('conversionCurrency', itemIndex, '') ?? '').trim().toUpperCase();
	if (!currency) throw new FieldError('Conversion Currency', 'is required but missing');
	const models = this.getNodeParameter('models', itemIndex, []) as AttributionModel[];
	const result = attribute({
		touchpoints: getPath(item.json, touchpoints.path),
		touchpointsField: touchpoints.name,
		conversionTime: this.getNodeParameter('conversionTime', itemIndex, ''),
		conversionValue: this.getNodeParameter('conversionValue', itemIndex, ''),
		conversionCurrency: currency,
		models,
		digits: readDigits(this, itemIndex, currency, 'Conversion Currency'),
		rules: rules.value,
	});
	return {
		json: { ...item.json, attribution: JSON.parse(JSON.stringify(result)) as IDataObject },
		binary: item.binary,
		pairedItem: { item: itemIndex },
	};
}
