export * from './simulator';
export * from './signing';
export { PraxisNotificationSender } from './sender';
