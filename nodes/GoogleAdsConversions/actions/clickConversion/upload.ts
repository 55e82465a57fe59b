/**
 * Offline click conversions (`ConversionUploadService.UploadClickConversions`, reference/ads.md
 * §3.2): a deposit or registration in the CRM, tied to the Google click that brought the client by
 * its gclid (web), gbraid (iOS app) or wbraid (iOS web) — exactly one of them, sent as captured.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { singleClickId } from '../../../../lib/googleAds';
import { leadingProperties, readConversion, trailingProperties, uploadConversions } from '../conversions';
import { readText } from '../inputs';

const clickIdProperties: INodeProperties[] = [
	{
		displayName: 'GCLID',
		name: 'gclid',
		type: 'string',
		default: '={{ $json.gclid }}',
		description: 'The Google click ID captured at landing (gclid URL parameter). Set exactly one of GCLID, GBRAID and WBRAID.',
	},
	{
		displayName: 'GBRAID',
		name: 'gbraid',
		type: 'string',
		default: '={{ $json.gbraid }}',
		description: 'The click ID for clicks from iOS apps, when there is no GCLID',
	},
	{
		displayName: 'WBRAID',
		name: 'wbraid',
		type: 'string',
		default: '={{ $json.wbraid }}',
		description: 'The click ID for iOS web clicks, when there is no GCLID',
	},
];

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['clickConversion'], operation: ['upload'] } }, [
	...leadingProperties,
	...clickIdProperties,
	...trailingProperties,
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await uploadConversions(this, (itemIndex) => {
		const click = singleClickId(
			{ gclid: readText(this, itemIndex, 'gclid'), gbraid: readText(this, itemIndex, 'gbraid'), wbraid: readText(this, itemIndex, 'wbraid') },
			true,
		)!;
		return readConversion(this, itemIndex, { body: { [click.kind]: click.id }, summary: {}, click });
	});
}
