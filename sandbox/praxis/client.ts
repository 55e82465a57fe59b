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

export interface PraxisSession {
	cid: string;
	orderId: string;
	amountMinor: number;
	currency: string;
	notificationUrl: string;
	paymentMethod?: string;
}

/** A deposit session; the simulator then notifies when the deposit completes. */
export async function openPraxisDeposit(merchant: PraxisMerchant, session: PraxisSession): Promise<void> {
	await openPraxisSession(merchant, 'payment', session);
}

/**
 * A withdrawal the client submits in the cashier: Praxis creates a payout in `requested` and
 * notifies at once; the merchant then completes or cancels it.
 */
export async function openPraxisWithdrawal(merchant: PraxisMerchant, session: PraxisSession): Promise<void> {
	await openPraxisSession(merchant, 'withdrawal', session);
}

async function openPraxisSession(merchant: PraxisMerchant, intent: 'payment' | 'withdrawal', session: PraxisSession): Promise<void> {
	const timestamp = Math.floor(Date.now() / 1000);
	const body = {
		merchant_id: merchant.merchantId,
		application_key: merchant.applicationKey,
		intent,
		currency: session.currency,
		amount: session.amountMinor,
		cid: session.cid,
		locale: 'en-GB',
		customer_data: { country: 'CY' },
		...(session.paymentMethod ? { payment_method: session.paymentMethod } : {}),
		notification_url: session.notificationUrl,
		return_url: 'https://broker.example/cashier/return',
		order_id: session.orderId,
		version: '1.3',
		timestamp,
	};
	const signature = praxisSignature(
		[merchant.merchantId, merchant.applicationKey, String(timestamp), intent, session.cid, session.orderId],
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
