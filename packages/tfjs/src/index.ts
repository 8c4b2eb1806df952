export { createTfjsBackend, TFJS_DEVIATIONS, TFJS_INPUT, type TfjsBackendOptions } from './backend.js';
export * as cnn from './cnn.js';
export * as rnn from './rnn.js';
export { activateBackend, TfjsModel, type ModelParts, type TfjsSteps, type TfjsTypes } from './model.js';
export { sparseSoftmaxCrossEntropy } from './loss.js';
export * from './layout.js';
export { getCanonicalWeights, setCanonicalWeights } from './layer-weights.js';
