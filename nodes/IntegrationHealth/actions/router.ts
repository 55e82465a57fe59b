import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as renderDashboard from './renderDashboard';
import * as snapshot from './snapshot';

/** Reads the operation once. Both operations read the process's figures once for all input items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'snapshot') return await snapshot.execute.call(this);
	if (operation === 'renderDashboard') return await renderDashboard.execute.call(this);
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
}
