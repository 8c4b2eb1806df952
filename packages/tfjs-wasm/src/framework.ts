/**
 * TF.js on its WebAssembly backend (XNNPACK), made able to train the two SPEC models and
 * run on every core: training kernels in ./kernels, the threaded SIMD binary in Node
 * through ./threaded-simd-module.ts. ROSETTA_WASM_THREADS=off|1..8 overrides the thread
 * count (default: ROSETTA_THREADS, else one per core).
 */
import * as tf from '@tensorflow/tfjs-core';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, describeFramework, type Framework } from '@rosetta/harness';
import { createTfjsBackend } from '@rosetta/tfjs';
import { xnnpackPeak } from './peak.js';
import { TRAINING_KERNELS } from './register-training-kernels.js';
import { describeWasmRuntime, startWasm, stopWasm, type WasmOptions, type WasmRuntime } from './wasm-runtime.js';

export const framework: Framework = {
  name: 'tfjs-wasm',
  description: describeFramework('tfjs-wasm'),
  async load() {
    const runtime = await start();
    const backend = await createTfjsBackend(tf, {
      framework: 'tfjs-wasm',
      backendName: 'wasm',
      // Stock tfjs-backend-wasm 4.22 cannot train these models: the label says what was added.
      backendLabel: `${describeWasmRuntime(runtime)} + @rosetta/tfjs-wasm's training kernels (${TRAINING_KERNELS.added.join(', ')} added, ${TRAINING_KERNELS.replaced.length} replaced)`,
      device: 'cpu',
      versions: { '@tensorflow/tfjs-backend-wasm': version_wasm },
    });
    return { ...backend, dispose: stopWasm };
  },
  async peak() {
    const runtime = await start();
    try {
      return await xnnpackPeak(runtime);
    } finally {
      await stopWasm();
    }
  },
};

/** The wasm backend with the threads of ROSETTA_WASM_THREADS (default: one per core). */
async function start(): Promise<WasmRuntime> {
  try {
    return await startWasm({ threads: threadsFromEnvironment(process.env['ROSETTA_WASM_THREADS'] ?? process.env['ROSETTA_THREADS']) });
  } catch (error) {
    throw new BackendUnavailableError(`tfjs-wasm: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function threadsFromEnvironment(value: string | undefined): WasmOptions['threads'] {
  if (value === undefined || value === '') return undefined;
  if (value === 'off') return 'off';
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`ROSETTA_WASM_THREADS must be "off" or a thread count (1..8), got "${value}"`);
  }
  return threads;
}
