export { createTfjsBackend, TFJS_DEVIATIONS, TFJS_INPUT, type TfjsBackendOptions } from './backend.js';
export { buildCnn, cnnInput, cnnOptimizer, createCnn } from './cnn.js';
export { buildRnn, rnnInput, rnnOptimizer, createRnn } from './rnn.js';
export { TfjsClassifier, type ClassifierParts } from './classifier.js';
export { sparseSoftmaxCrossEntropy } from './loss.js';
export * from './layout.js';
export { getCanonicalWeights, setCanonicalWeights } from './layer-weights.js';
export * from './kernel-arguments.js';
