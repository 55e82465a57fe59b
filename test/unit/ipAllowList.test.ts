import { parseAllowList } from '../../lib/ipAllowList';
import { ReplayGuard } from '../../lib/replayGuard';

describe('IP allow-list', () => {
	it('allows everyone when the list is empty', () => {
		expect(parseAllowList('')('203.0.113.7')).toBe(true);
	});

	it('allows listed addresses and CIDR ranges and refuses others', () => {
		const allowed = parseAllowList('203.0.113.7, 198.51.100.0/24\n10.0.0.0/8');
		expect(allowed('203.0.113.7')).toBe(true);
		expect(allowed('198.51.100.255')).toBe(true);
		expect(allowed('198.51.101.0')).toBe(false);
		expect(allowed('10.200.3.4')).toBe(true);
		expect(allowed('11.0.0.1')).toBe(false);
		expect(allowed(undefined)).toBe(false);
	});

	it('reads IPv4 clients reported in IPv6 form', () => {
		expect(parseAllowList('127.0.0.1')('::ffff:127.0.0.1')).toBe(true);
	});

	it('names a malformed entry', () => {
		expect(() => parseAllowList('300.1.1.1/24')).toThrow(/"IP Allow-List": "300.1.1.1\/24" is not an IPv4 range/);
		expect(() => parseAllowList('example.com')).toThrow(/"example.com" is not an IP address/);
	});
});

describe('replay guard', () => {
	it('accepts a signature once within its window and again after it', () => {
		let now = 0;
		const guard = new ReplayGuard(10, () => now);
		expect(guard.firstSeen('sig', 1000)).toBe(true);
		expect(guard.firstSeen('sig', 1000)).toBe(false);
		now = 1000;
		expect(guard.firstSeen('sig', 1000)).toBe(true);
	});

	it('forgets the oldest entries beyond its size', () => {
		const guard = new ReplayGuard(2, () => 0);
		guard.firstSeen('a', 1000);
		guard.firstSeen('b', 1000);
		guard.firstSeen('c', 1000);
		expect(guard.firstSeen('a', 1000)).toBe(true);
		expect(guard.firstSeen('c', 1000)).toBe(false);
	});
});
