export * from './batch.js';
export * from './dataset.js';
