export * from './simulator';
export * from './signing';
export { openPraxisDeposit, openPraxisWithdrawal, type PraxisMerchant, type PraxisSession } from './client';
