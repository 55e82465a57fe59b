import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { mt5ServerZone } from '../../transport';
import {
	accountSelectionProperties,
	checkAllFound,
	describeSelection,
	getBatch,
	includeRawOption,
	readAccountSelection,
	readIncludeRaw,
	skipUnknownLoginsOption,
} from '../account/inputs';
import { toOpenPosition } from '../mappers';

const properties: INodeProperties[] = [
	...accountSelectionProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption, skipUnknownLoginsOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['position'], operation: ['getAll'] } }, properties);

/**
 * Open positions from `/api/position/get_batch` (`webapi_position_get_batch`), one item per
 * position. MT5 answers an unknown login with no positions, like an account that has none, so
 * logins without positions are checked against the account list before the answer is trusted.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const policy = readRetryPolicy(this, itemIndex);
	const selection = readAccountSelection(this, itemIndex);
	const positions = await getBatch(
		this,
		'/api/position/get_batch',
		selection,
		`read the open positions of ${describeSelection(selection)}`,
		policy,
	);
	if (selection.by === 'logins') {
		const withPositions = new Set(positions.map((position) => String(position.Login)));
		const withoutPositions = selection.logins.filter((login) => !withPositions.has(login));
		if (withoutPositions.length > 0) {
			const users = await getBatch(
				this,
				'/api/user/get_batch',
				{ by: 'logins', logins: withoutPositions },
				`read account ${withoutPositions.join(', ')}`,
				policy,
			);
			checkAllFound(this, itemIndex, withoutPositions, users.map((user) => String(user.Login)));
		}
	}
	const zone = await mt5ServerZone(this);
	const includeRaw = readIncludeRaw(this, itemIndex);
	return positions.map((position) => toOpenPosition(position, zone, { includeRaw }) as unknown as IDataObject);
}
