/**
 * A merchant's side of the Praxis cashier, for tests and the demo: opens a deposit session the way a
 * brokerage's cashier page does (signed with GT-Authentication), so the simulator can then notify.
 */
import { praxisSignature } from './signing';

export interface PraxisMerchant {
	baseUrl: string;
	merchantId: string;
	applicationKey: string;
	merchantSecret: string;
}

export async function openPraxisDeposit(
	merchant: PraxisMerchant,
	session: { cid: string; orderId: string; amountMinor: number; currency: string; notificationUrl: string },
): Promise<void> {
	const timestamp = Math.floor(Date.now() / 1000);
	const body = {
		merchant_id: merchant.merchantId,
		application_key: merchant.applicationKey,
		intent: 'payment',
		currency: session.currency,
		amount: session.amountMinor,
		cid: session.cid,
		locale: 'en-GB',
		customer_data: { country: 'CY' },
		notification_url: session.notificationUrl,
		return_url: 'https://broker.example/cashier/return',
		order_id: session.orderId,
		version: '1.3',
		timestamp,
	};
	const signature = praxisSignature(
		[merchant.merchantId, merchant.applicationKey, String(timestamp), 'payment', session.cid, session.orderId],
		merchant.merchantSecret,
	);
	const response = await fetch(`${merchant.baseUrl}/cashier/cashier`, {
		method: 'POST',
		headers: { 'content-type': 'application/json; charset=utf-8', 'GT-Authentication': signature },
		body: JSON.stringify(body),
	});
	const answer = (await response.json()) as { status: number; description?: string };
	if (answer.status !== 0) throw new Error(`Praxis refused the session: ${answer.status} ${answer.description ?? ''}`);
}
