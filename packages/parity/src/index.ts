export * from './float32.js';
export * from './kinks.js';
export * from './tolerance.js';
export * from './compare.js';
export * from './steps.js';
export * from './parity.js';
export * from './format.js';
