export * from './spec.js';
export * from './weights.js';
export * from './framework.js';
export * from './results.js';
