export * from './tolerance.js';
export * from './compare.js';
export * from './steps.js';
export * from './parity.js';
export * from './format.js';
