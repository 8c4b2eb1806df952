export { cpuFramework, cudaFramework, webgpuFramework, frameworks, ortFramework, buildProgram, STEPS_PER_RUN } from './framework.js';
export * as cnn from './cnn.js';
export * as rnn from './rnn.js';
export { OrtModel, parameters, type BatchTensors, type ModelSteps, type TrainerOptions, type TrainingState } from './trainer.js';
export { type StateTensor, type TrainingProgram } from './program.js';
export { cpuProvider, cudaProvider, webgpuProvider, checkProvider, WEBGPU_MISSING_KERNELS, type Provider, type ProviderName } from './provider.js';
export { compileProgram, type Parameters } from './training-graph.js';
