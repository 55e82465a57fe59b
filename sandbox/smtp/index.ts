export * from './mime';
export * from './simulator';
export * from './sink';
