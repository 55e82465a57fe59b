/**
 * The "Include Raw Vendor Data" option every vendor node and trigger offers: canonical output by
 * default, the vendor's own record under `raw` on request (for debugging a mapping, or a field the
 * canonical model does not carry).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The option, saying what is added, e.g. "the records exactly as cTrader returned them". */
export function includeRawOption(what: string): INodeProperties {
	return {
		displayName: 'Include Raw Vendor Data',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: `Whether to add ${what} under "raw"`,
	};
}

/** Whether the item's Options ask for the raw vendor data. */
export function readIncludeRaw(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getNodeParameter('options.includeRaw', itemIndex, false) === true;
}

/** An operation's Options collection: its own options, then Include Raw Vendor Data. */
export function optionsWithRaw(includeRaw: INodeProperties, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, includeRaw],
	};
}
