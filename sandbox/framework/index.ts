export * from './faults';
export * from './server';
export * from './webhooks';
export { SandboxControl } from './client';
