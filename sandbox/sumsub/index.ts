export * from './simulator';
export { signSumsubRequest, sumsubCall, type SumsubAccount } from './client';
