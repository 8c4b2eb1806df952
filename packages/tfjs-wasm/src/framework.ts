/**
 * TF.js on its WebAssembly backend (XNNPACK), made able to train the two SPEC models and
 * run on every core: training kernels in ./kernels, the threaded SIMD binary in Node
 * through ./threaded-simd-module.ts. ROSETTA_WASM_THREADS=off|1..8 overrides the thread
 * count (default: one per core).
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, describeFramework, type Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';
import { describeWasmRuntime, startWasm, stopWasm, type WasmOptions } from './wasm-runtime.js';

export const framework: Framework = {
  name: 'tfjs-wasm',
  description: describeFramework('tfjs-wasm'),
  async load() {
    let runtime;
    try {
      runtime = await startWasm({ threads: threadsFromEnvironment(process.env['ROSETTA_WASM_THREADS']) });
    } catch (error) {
      throw new BackendUnavailableError(`tfjs-wasm: ${error instanceof Error ? error.message : String(error)}`);
    }
    const backend = await createTfjsBackend(tf, {
      framework: 'tfjs-wasm',
      backendName: 'wasm',
      backendLabel: describeWasmRuntime(runtime),
      device: 'cpu',
      versions: { '@tensorflow/tfjs-backend-wasm': version_wasm },
    });
    return { ...backend, dispose: stopWasm };
  },
};

function threadsFromEnvironment(value: string | undefined): WasmOptions['threads'] {
  if (value === undefined || value === '') return undefined;
  if (value === 'off') return 'off';
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`ROSETTA_WASM_THREADS must be "off" or a thread count (1..8), got "${value}"`);
  }
  return threads;
}
