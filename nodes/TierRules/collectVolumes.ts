/**
 * Incoming items → one volume per login. Items are read one at a time (so a bad one can be routed
 * to the error output on its own); a login with any bad item is held back from the evaluation,
 * because its lots or group would be a guess, and a guess can demote an account.
 */
import type { IDataObject } from 'n8n-workflow';

import { attempt, FieldError } from '../../lib/errors';
import { getPath } from '../../lib/mapping';
import type { DecimalString } from '../../lib/model';
import { compareDecimal, parseDecimal } from '../../lib/money';
import { addLots, CLOSING_ENTRIES, isClosingTradeDeal, sameGroup, type AccountVolume } from '../../lib/tiers';
import type { SummaryFields } from './readRules';

interface Collected {
	login: string;
	currentGroup?: string;
	lots: DecimalString;
	itemIndexes: number[];
}

function readLogin(value: unknown, field: string): string {
	const login = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!login) {
		throw new FieldError(field, value === undefined || value === null || value === '' ? 'is required: the account login' : `must be an account login, got ${JSON.stringify(value)}`);
	}
	return login;
}

function readGroup(value: unknown, field: string): string {
	const group = typeof value === 'string' ? value.trim() : '';
	if (!group) {
		throw new FieldError(field, value === undefined || value === null || value === '' ? 'is required: the account\'s current group, e.g. real\\standard' : `must be a group name, got ${JSON.stringify(value)}`);
	}
	return group;
}

function readLots(value: unknown, field: string): DecimalString {
	if (value === undefined || value === null || value === '') {
		throw new FieldError(field, 'is required: the lots traded in the period (0 when none)');
	}
	const parsed = attempt(() => parseDecimal(value, field));
	if (!parsed.ok) {
		throw new FieldError(field, `must be a number of lots such as "12.5", got ${JSON.stringify(value)}`);
	}
	if (compareDecimal(parsed.value, '0') < 0) throw new FieldError(field, `cannot be negative, got ${JSON.stringify(value)}`);
	return parsed.value;
}

export class VolumeCollector {
	private readonly byLogin = new Map<string, Collected>();
	/** Logins with an invalid item, and the indexes of all their items. */
	private readonly heldBack = new Map<string, number[]>();

	constructor(private readonly fields: SummaryFields | undefined) {}

	/** Reads one item; throws a FieldError naming the field when the item is invalid. */
	add(itemIndex: number, json: IDataObject): void {
		if (this.fields) this.addSummary(itemIndex, json, this.fields);
		else if (json.kind !== undefined) this.addDeal(itemIndex, json);
		else this.addAccount(itemIndex, json);
	}

	/** Logins fit for evaluation, in the order they first came in. */
	volumes(): AccountVolume[] {
		return [...this.byLogin.values()]
			.filter((entry) => !this.heldBack.has(entry.login))
			.map(({ login, currentGroup, lots }) => ({ login, currentGroup, lots }));
	}

	heldBackLogins(): Array<{ login: string; currentGroup?: string; itemIndexes: number[] }> {
		return [...this.heldBack].map(([login, itemIndexes]) => ({
			login,
			currentGroup: this.byLogin.get(login)?.currentGroup,
			itemIndexes,
		}));
	}

	itemIndexesOf(login: string): number[] {
		return this.byLogin.get(login)?.itemIndexes ?? [];
	}

	/** Reads the rest of an item whose login is known; a failure holds the login back. */
	private forLogin(login: string, itemIndex: number, read: () => void): void {
		const result = attempt(read);
		if (result.ok) {
			this.heldBack.get(login)?.push(itemIndex);
			return;
		}
		const earlier = this.byLogin.get(login)?.itemIndexes ?? [];
		const known = this.heldBack.get(login) ?? [];
		this.heldBack.set(login, [...new Set([...earlier, ...known, itemIndex])].sort((a, b) => a - b));
		throw result.error;
	}

	private entry(login: string, itemIndex: number): Collected {
		let entry = this.byLogin.get(login);
		if (!entry) {
			entry = { login, lots: '0', itemIndexes: [] };
			this.byLogin.set(login, entry);
		}
		entry.itemIndexes.push(itemIndex);
		return entry;
	}

	private addSummary(itemIndex: number, json: IDataObject, fields: SummaryFields): void {
		const login = readLogin(getPath(json, fields.login), fields.loginName);
		this.forLogin(login, itemIndex, () => {
			const earlier = this.byLogin.get(login);
			if (earlier) {
				throw new FieldError(
					fields.loginName,
					`login ${login} already came in item ${earlier.itemIndexes[0]}; give one summary per account`,
				);
			}
			const currentGroup = readGroup(getPath(json, fields.group), fields.groupName);
			const lots = readLots(getPath(json, fields.lots), fields.lotsName);
			const entry = this.entry(login, itemIndex);
			entry.currentGroup = currentGroup;
			entry.lots = lots;
		});
	}

	private addAccount(itemIndex: number, json: IDataObject): void {
		const login = readLogin(json.login, 'login');
		this.forLogin(login, itemIndex, () => {
			if (json.group === undefined) {
				throw new FieldError(
					'group',
					'is required: each item must be a trading account (login, group) or a deal (login, kind, entry, volumeLots)',
				);
			}
			const currentGroup = readGroup(json.group, 'group');
			const known = this.byLogin.get(login)?.currentGroup;
			if (known !== undefined && !sameGroup(known, currentGroup)) {
				throw new FieldError('group', `login ${login} came earlier with group "${known}", now "${currentGroup}"; which one is current?`);
			}
			this.entry(login, itemIndex).currentGroup = known ?? currentGroup;
		});
	}

	private addDeal(itemIndex: number, json: IDataObject): void {
		// Only closing trade deals count; deposits, opening deals and the like pass without a trace.
		if (json.kind !== 'trade') return;
		const login = readLogin(json.login, 'login');
		this.forLogin(login, itemIndex, () => {
			if (json.entry === undefined || json.entry === null) {
				// Without entry every deal would look non-closing and count 0 lots: a silent mass demotion.
				throw new FieldError('entry', `is missing on this trade deal; it must be one of in, ${[...CLOSING_ENTRIES].join(', ')} to tell whether the deal closes a position`);
			}
			if (!isClosingTradeDeal(json)) return;
			const lots = readLots(json.volumeLots, 'volumeLots');
			const entry = this.entry(login, itemIndex);
			entry.lots = addLots(entry.lots, lots);
		});
	}
}
