/**
 * Test support (the `@rosetta/harness/testing` entry): a batch of the real shapes without a
 * dataset, memory over epochs against the leak budget, and a linear classifier in plain TypeScript that goes through the whole harness
 * (also loadable as a ROSETTA_FRAMEWORKS plugin: dist/testing/linear.js).
 */
export { randomBatch } from './random-batch.js';
export * from './memory.js';
export { frameworks, linearFramework, LinearModel, type LinearFrameworkOptions } from './linear.js';
export { sampleBenchRecord } from './bench-record.js';
