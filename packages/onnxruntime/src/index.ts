export { cpuFramework, cudaFramework, frameworks, ortFramework, buildProgram, STEPS_PER_RUN } from './framework.js';
export { cnnProgram } from './cnn.js';
export { rnnProgram } from './rnn.js';
export { OrtTrainer, type TrainerOptions } from './trainer.js';
export { type StateTensor, type TrainingProgram } from './program.js';
export { provider, checkProvider, type Provider, type ProviderName } from './provider.js';
