export * from './client';
export * from './errors';
export * from './wire';
export * from './breaker';
