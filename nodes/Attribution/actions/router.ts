import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runPerItem } from '../../../lib/perItem';
import * as attribute from './attribute';
import * as cacLtvByChannel from './cacLtvByChannel';
import * as captureTouchpoint from './captureTouchpoint';

/**
 * Reads the operation once. Capture Touchpoint and Attribute are functions of one item (the loop,
 * pairing and error routing live in lib/perItem); CAC and LTV reads all items together.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'cacLtvByChannel') return await cacLtvByChannel.execute.call(this);
	const run = operation === 'attribute' ? attribute.execute : operation === 'captureTouchpoint' ? captureTouchpoint.execute : undefined;
	if (!run) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return await runPerItem.call(this, async (itemIndex, item) => await run.call(this, itemIndex, item));
}
