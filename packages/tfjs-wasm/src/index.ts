export { framework } from './framework.js';
export { registerTrainingKernels, TRAINING_KERNELS } from './register-training-kernels.js';
export { describeWasmRuntime, startWasm, stopWasm, type WasmBinary, type WasmOptions, type WasmRuntime } from './wasm-runtime.js';
