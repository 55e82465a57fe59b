/**
 * The accounts `new Mt5Simulator()` starts with, for the demo and manual runs: a funded standard
 * account with closed trades, a VIP account with credit and an open position, and a EUR account.
 * Fixed logins below the allocation range, so user/add still starts at 700000. Tests pass their
 * own `accounts` (usually none).
 */
import type { AccountSeed } from './store';

const DAY_MS = 86_400_000;

export function DEMO_ACCOUNTS(nowMs: number): AccountSeed[] {
	const daysAgo = (days: number) => nowMs - days * DAY_MS;
	return [
		{
			login: 500001,
			group: 'real\\standard',
			name: 'Maria Papadopoulou',
			email: 'maria@example.com',
			country: 'Greece',
			leverage: 100,
			registered: daysAgo(40),
			balance: 5000,
			trades: [
				{ symbol: 'EURUSD', side: 'buy', volumeLots: 1, openPrice: 1.0831, closePrice: 1.0856, openTime: daysAgo(20), closeTime: daysAgo(19), profit: 250, commission: -7, swap: -1.2 },
				{ symbol: 'XAUUSD', side: 'sell', volumeLots: 0.5, openPrice: 2351.2, closePrice: 2358.7, openTime: daysAgo(10), closeTime: daysAgo(9), profit: -375, commission: -5 },
			],
		},
		{
			login: 500002,
			group: 'real\\vip',
			name: 'Jonas Weber',
			email: 'jonas@example.com',
			country: 'Germany',
			leverage: 200,
			registered: daysAgo(30),
			balance: 25000,
			credit: 1000,
			positions: [{ symbol: 'GBPUSD', side: 'buy', volumeLots: 2, openPrice: 1.2702, currentPrice: 1.2731, openTime: daysAgo(2), profit: 580, margin: 1270.2, commission: -14 }],
		},
		{
			login: 500003,
			group: 'real\\eur',
			name: 'Lucía García',
			email: 'lucia@example.com',
			country: 'Spain',
			leverage: 30,
			registered: daysAgo(15),
			balance: 1200,
		},
	];
}
