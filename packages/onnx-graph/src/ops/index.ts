export { constant, scalar, int64s } from './constants.js';
export * from './elementwise.js';
export * from './shape-ops.js';
export { reduceSum, reduceMean, cumSum, argMax } from './reduce.js';
export { matMul, gemm, type GemmOptions } from './linalg.js';
export { conv, convTranspose, maxPool, dropout, type ConvOptions, type MaxPoolOptions, type DropoutOptions } from './nn.js';
export { gather, scatterElements, scatterND, topK } from './indexing.js';
export { softmaxCrossEntropy } from './loss.js';
export { loop, type LoopStep, type LoopResult } from './control.js';
