export * from './simulator';
export * from './signing';
export { PraxisNotificationSender } from './sender';
export { openPraxisDeposit, type PraxisMerchant } from './client';
