/**
 * Puts TF.js on the wasm backend, able to train: the training kernels registered, and the
 * threaded SIMD binary running when it can (threaded-simd-module.ts); otherwise the
 * package's own loader, which in Node picks the single-threaded SIMD (or plain) binary.
 * What actually ran is reported, and the reason when threads were not used.
 */
import { availableParallelism } from 'node:os';
import {
  env,
  findBackend,
  findBackendFactory,
  registerBackend,
  removeBackend,
  setBackend,
} from '@tensorflow/tfjs-core';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from './register-training-kernels.js';
import { loadThreadedSimdModule, MAX_WASM_THREADS } from './threaded-simd-module.js';

export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

export interface WasmRuntime {
  readonly binary: WasmBinary;
  /** Threads in XNNPACK's pool, as the backend reports it. */
  readonly threads: number;
  /** Why the threaded binary is not running, when it is not. */
  readonly threadsUnavailable?: string;
}

export interface WasmOptions {
  /** Pool size for the threaded binary, or 'off' for the package's single-threaded loader. */
  readonly threads?: number | 'off';
}

/** Same priority the package registers `wasm` with. */
const WASM_PRIORITY = 2;

let running: Promise<WasmRuntime> | undefined;
let stockFactory: ReturnType<typeof findBackendFactory> | undefined;

export function defaultWasmThreads(): number {
  return Math.min(MAX_WASM_THREADS, availableParallelism());
}

/**
 * Makes `wasm` the active TF.js backend. The backend is process-wide, so the first call
 * decides the binary and thread count; later calls reuse it until `stopWasm()`.
 */
export function startWasm(options: WasmOptions = {}): Promise<WasmRuntime> {
  running ??= start(options.threads ?? defaultWasmThreads()).catch((error: unknown) => {
    running = undefined;
    throw error;
  });
  return running;
}

/** The line stored in results files, e.g. "wasm (threaded-simd, 2 threads)". */
export function describeWasmRuntime(runtime: WasmRuntime): string {
  const threads = `${runtime.threads} thread${runtime.threads === 1 ? '' : 's'}`;
  const why = runtime.threadsUnavailable === undefined ? '' : `; no threads: ${runtime.threadsUnavailable}`;
  return `wasm (${runtime.binary}, ${threads}${why})`;
}

async function start(threads: number | 'off'): Promise<WasmRuntime> {
  registerTrainingKernels();
  stockFactory ??= findBackendFactory('wasm');
  let threadsUnavailable = 'disabled by option';
  if (threads !== 'off') {
    let backend: BackendWasm | undefined;
    try {
      const module = await loadThreadedSimdModule(threads);
      setThreadsCount(threads);
      backend = new BackendWasm(module); // initialises XNNPACK's pool
      const threaded = backend;
      removeBackend('wasm');
      registerBackend('wasm', () => threaded, WASM_PRIORITY);
      if (!(await setBackend('wasm'))) throw new Error('tf.setBackend("wasm") refused the threaded module');
      return { binary: 'threaded-simd', threads: getThreadsCount() };
    } catch (error) {
      threadsUnavailable = error instanceof Error ? error.message : String(error);
      // Once registered, removing the backend disposes it (and its threads); before, do it here.
      if (backend !== undefined && findBackend('wasm') !== backend) backend.dispose();
      restoreStockBackend();
    }
  }
  if (!(await setBackend('wasm'))) {
    throw new Error('the TF.js wasm backend failed to initialise (see the warning above)');
  }
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { binary: simd ? 'simd' : 'plain', threads: getThreadsCount(), threadsUnavailable };
}

/** Disposes the wasm backend (ending its worker threads, which keep Node alive). */
export async function stopWasm(): Promise<void> {
  const current = running;
  if (current === undefined) return;
  running = undefined;
  await current.catch(() => undefined);
  restoreStockBackend();
}

function restoreStockBackend(): void {
  if (findBackendFactory('wasm') !== undefined) removeBackend('wasm');
  if (stockFactory !== undefined) registerBackend('wasm', stockFactory, WASM_PRIORITY);
}
