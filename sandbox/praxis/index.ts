export * from './simulator';
export * from './signing';
export { openPraxisDeposit, type PraxisMerchant } from './client';
