import { ItemValidationError } from '../../lib/errors';
import { applyProfile, getPath, parsePath, parseTransformList, setPath, TRANSFORMS, validateProfile, type MappingProfile } from '../../lib/mapping';
import type { Transaction } from '../../lib/model';
import { SHIPPED_PROFILES } from '../../nodes/BrokerageMapper/profiles';

const crmClient = {
	id: ' C-1001 ',
	contact: { email: ' Anna.Georgiou@Example.COM ', phones: ['099 123 456'] },
	country: 'Cyprus',
};

const clientProfile: MappingProfile = validateProfile({
	name: 'test client',
	fields: [
		{ target: 'clientId', source: 'id', required: true, transforms: ['trim'] },
		{ target: 'email', source: 'contact.email', required: true, transforms: ['trim', 'lowercase'] },
		{ target: 'phone', source: 'contact.phones[0]', transforms: [{ name: 'e164', defaultCallingCode: '357' }] },
		{ target: 'country', source: 'country', transforms: [{ name: 'lookup', table: { Cyprus: 'CY', Greece: 'GR' } }] },
		{ target: 'language', source: 'language', default: 'en' },
	],
});

describe('mapping profiles', () => {
	it('maps an item with paths, transforms and defaults', () => {
		const result = applyProfile(clientProfile, crmClient);
		expect(result).toEqual({
			ok: true,
			value: { clientId: 'C-1001', email: 'anna.georgiou@example.com', phone: '+35799123456', country: 'CY', language: 'en' },
		});
	});

	it('names every missing required field and its source path', () => {
		const result = applyProfile(clientProfile, { contact: {} });
		expect(result.ok).toBe(false);
		const error = (result as { error: ItemValidationError }).error;
		expect(error.fields).toEqual(['clientId', 'email']);
		expect(error.message).toBe(
			'2 fields are invalid: "clientId" (from id): is required but missing; "email" (from contact.email): is required but missing',
		);
	});

	it('names the field whose transform failed and says why', () => {
		const result = applyProfile(clientProfile, { ...crmClient, country: 'Atlantis' });
		expect(result.ok).toBe(false);
		expect((result as { error: Error }).error.message).toBe(
			'"country": "Atlantis" is not in the lookup table (known: "Cyprus", "Greece")',
		);
	});

	it('leaves out an optional field that is missing', () => {
		const result = applyProfile(clientProfile, { id: '1', contact: { email: 'a@b.cy' } });
		expect(result.ok && Object.keys(result.value)).toEqual(['clientId', 'email', 'language']);
	});

	it('treats a required field that is blank after trimming as missing', () => {
		const profile = validateProfile({ fields: [{ target: 'clientId', source: 'id', required: true, transforms: ['trim'] }] });
		const result = applyProfile(profile, { id: '   ' });
		expect(result.ok).toBe(false);
		expect((result as { error: Error }).error.message).toContain('is required but empty after its transforms');
	});

	it('rejects a profile with an unknown transform before mapping any item', () => {
		expect(() => validateProfile({ fields: [{ target: 'email', source: 'e', transforms: ['lowercas'] }] })).toThrow(
			/"email": uses unknown transform "lowercas"/,
		);
	});

	it('rejects a profile with an unknown transform option, listing the accepted ones', () => {
		expect(() =>
			validateProfile({ fields: [{ target: 'phone', source: 'p', transforms: [{ name: 'e164', callingCode: '357' }] }] }),
		).toThrow(/unknown option "callingCode" \(it accepts defaultCallingCode\)/);
	});

	it('rejects a profile that maps a target twice or has no fields', () => {
		expect(() => validateProfile({ fields: [{ target: 'a', source: 'x' }, { target: 'a', source: 'y' }] })).toThrow(/mapped twice/);
		expect(() => validateProfile({ fields: [] })).toThrow(/non-empty list/);
		expect(() => validateProfile('nope')).toThrow(/JSON object/);
	});

	it('writes nested targets', () => {
		const profile = validateProfile({
			fields: [
				{ target: 'gross.amount', source: 'amount', transforms: ['decimal'] },
				{ target: 'gross.currency', source: 'ccy', transforms: ['uppercase'] },
			],
		});
		expect(applyProfile(profile, { amount: 100.5, ccy: 'eur' })).toEqual({
			ok: true,
			value: { gross: { amount: '100.5', currency: 'EUR' } },
		});
	});

	it('maps a CRM payment with the shipped transaction profile to a canonical transaction', () => {
		const result = applyProfile(SHIPPED_PROFILES.genericCrmTransaction, {
			id: 'T-77',
			client_id: 'C-1',
			login: '700123',
			type: 'Deposit',
			status: 'Approved',
			amount: '250.00',
			currency: 'usd',
			method: 'Card',
		});
		if (!result.ok) throw result.error;
		const transaction = result.value as unknown as Transaction;
		expect(transaction).toEqual({
			transactionId: 'T-77',
			source: 'crm',
			type: 'deposit',
			status: 'succeeded',
			gross: { amount: '250.00', currency: 'USD' },
			clientId: 'C-1',
			login: '700123',
			method: 'card',
		});
	});
});

describe('transforms', () => {
	const run = (name: string, value: unknown, options = {}) => TRANSFORMS[name].apply(value, options);

	it('converts money to and from minor units exactly', () => {
		expect(run('minorUnits', '12.34', { digits: 2 })).toBe(1234);
		expect(run('minorUnits', '1000', { currency: 'JPY' })).toBe(1000);
		expect(() => run('minorUnits', '12.345', { digits: 2 })).toThrow(/more than 2 decimals/);
		expect(run('majorUnits', 1234, { digits: 2 })).toBe('12.34');
		expect(() => run('minorUnits', '1', {})).toThrow(/needs "digits"/);
	});

	it('turns MT5 volumes into lots', () => {
		expect(run('lots', '10000')).toBe('1');
		expect(run('lots', '2500', { from: 'mt5Volume' })).toBe('0.25');
		expect(run('lots', '150000000', { from: 'mt5VolumeExt' })).toBe('1.5');
		expect(run('lots', '250000', { from: 'units', contractSize: '100000' })).toBe('2.5');
		expect(() => run('lots', '1', { from: 'contracts' })).toThrow(/"from" must be/);
	});

	it('converts MT5 server time to UTC in the platform zone', () => {
		// MetaQuotes' example: 1572518788 is 2019.10.31 10:46:28 on the server clock; at GMT+2 that is 08:46:28Z.
		expect(run('serverTimeToUtc', '1572518788', { zone: 'UTC+02:00' })).toBe('2019-10-31T08:46:28.000Z');
		expect(() => run('serverTimeToUtc', '1572518788', {})).toThrow(/needs "zone"/);
	});

	it('hashes with the destination normalisation', () => {
		expect(run('sha256', ' John_Smith@gmail.com', { kind: 'email', destination: 'meta' })).toBe(
			'62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f',
		);
		expect(() => run('sha256', 'x', { kind: 'shoeSize' })).toThrow(/"kind" must be one of/);
	});

	it('looks up case-insensitively and honours a fallback', () => {
		expect(run('lookup', 'cyprus', { table: { Cyprus: 'CY' } })).toBe('CY');
		expect(run('lookup', 'Mars', { table: { Cyprus: 'CY' }, fallback: 'keep' })).toBe('Mars');
		expect(run('lookup', 'Mars', { table: { Cyprus: 'CY' }, fallback: 'ZZ' })).toBe('ZZ');
	});

	it('fills a default only when the value is empty', () => {
		expect(run('default', '', { value: 'en' })).toBe('en');
		expect(run('default', 'de', { value: 'en' })).toBe('de');
	});

	it('refuses a list where text is expected', () => {
		expect(() => run('trim', ['a'])).toThrow(/expects text, got a list/);
	});
});

describe('the rows editor transform syntax', () => {
	it('reads names, short arguments and JSON arguments', () => {
		expect(parseTransformList('trim | lowercase', 'email')).toEqual(['trim', 'lowercase']);
		expect(parseTransformList('e164:357', 'phone')).toEqual([{ name: 'e164', defaultCallingCode: '357' }]);
		expect(parseTransformList('serverTimeToUtc:Europe/Athens', 't')).toEqual([{ name: 'serverTimeToUtc', zone: 'Europe/Athens' }]);
		expect(parseTransformList('trim | lookup:{"A|B":"x","C":"y"}', 'c')).toEqual([
			'trim',
			{ name: 'lookup', table: { 'A|B': 'x', C: 'y' } },
		]);
		expect(parseTransformList('{"name":"sha256","kind":"phone","destination":"meta"}', 'p')).toEqual([
			{ name: 'sha256', kind: 'phone', destination: 'meta' },
		]);
	});

	it('names the field when a step is unknown or takes no argument', () => {
		expect(() => parseTransformList('trim | upper', 'country')).toThrow(/"country": uses unknown transform "upper"/);
		expect(() => parseTransformList('trim:5', 'x')).toThrow(/"x": transform "trim" takes no argument/);
		expect(() => parseTransformList('lookup:{bad', 'x')).toThrow(/not valid JSON/);
	});
});

describe('paths', () => {
	it('reads dotted, indexed and quoted paths', () => {
		const item = { a: { b: [{ c: 1 }] }, 'utm source': 'google', meta: { 'utm source': 'fb' } };
		expect(getPath(item, 'a.b[0].c')).toBe(1);
		expect(getPath(item, "meta['utm source']")).toBe('fb');
		expect(getPath(item, 'a.x.y')).toBeUndefined();
		expect(parsePath('a.b[2]')).toEqual(['a', 'b', 2]);
	});

	it('creates arrays and objects when writing', () => {
		const target = {};
		setPath(target, 'list[1].name', 'x');
		expect(target).toEqual({ list: [undefined, { name: 'x' }] });
	});

	it('reports an empty path', () => {
		expect(() => parsePath('  ', 'target')).toThrow(/"target": has an empty path/);
	});
});
