export * from './batches.js';
export * from './one-step.js';
