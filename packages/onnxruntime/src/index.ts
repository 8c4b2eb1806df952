export { cpuFramework, cudaFramework, webgpuFramework, frameworks, ortFramework } from './framework.js';
export { buildProgram, createOrtBackend, ORT_INPUT, type OrtBackendOptions } from './backend.js';
export * as cnn from './cnn.js';
export * as rnn from './rnn.js';
export { OrtModel, type BatchTensors, type OrtSteps, type OrtTypes, type TrainingBatch, type TrainingState } from './model.js';
export { type StateTensor, type TrainingProgram } from './program.js';
export { cpuProvider, cudaProvider, webgpuProvider, checkProvider, STEPS_PER_RUN, WEBGPU_MISSING_KERNELS, type Provider, type ProviderName } from './provider.js';
export { compileProgram, type Forward, type Parameters } from './training-graph.js';
