import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as record from './record';
import * as verifyChain from './verifyChain';

/**
 * Reads the operation once. Record is per item (the loop, pairing and error routing live in
 * lib/perItem) but chains the items in order; Verify Chain reads all items together.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'record') return await record.execute.call(this);
	if (operation === 'verifyChain') return await verifyChain.execute.call(this);
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
}
