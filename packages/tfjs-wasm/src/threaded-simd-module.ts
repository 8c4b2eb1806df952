/**
 * Loads the threaded SIMD build of the TF.js wasm backend in Node.
 *
 * The package (4.22.0) only loads it in browsers: its WASM_HAS_MULTITHREAD_SUPPORT flag
 * is hard-wired to false under Node (tfjs issue 3830), and its loader hands the pthread
 * worker script to `worker_threads` as a `blob:` URL, which Node rejects
 * (ERR_WORKER_PATH). Everything else needed ships with the package and is typed in its
 * declarations, so this module loads the binary itself through those published pieces
 * instead of patching the package:
 *
 * - the Emscripten factory `wasm-out/tfjs-backend-wasm-threaded-simd.js` and its
 *   documented hooks (`WasmFactoryConfig`: `locateFile`, `mainScriptUrlOrBlob`,
 *   `instantiateWasm`);
 * - the pthread worker script, exported as a string (`wasmWorkerContents`) and written
 *   here to a real file that `worker_threads` can start;
 * - the `tfjs` bridge the package's `BackendWasm` expects (`BackendWasmModule.tfjs`).
 *
 * One more thing: the C side caps its XNNPACK thread pool at half the logical cores
 * (it assumes two hyper-threads per core; machines with one thread per core, like this
 * one, get half their cores). The binary asks the host for the core count through its
 * `env.emscripten_num_logical_cores` import, so `instantiateWasm` answers with twice the
 * requested thread count, and the cap becomes exactly that count.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const GLUE = `${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;
const WORKER = `${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`;
const CORES_IMPORT = 'emscripten_num_logical_cores';
/** The C side's own pool limit (8 pre-started workers). */
export const MAX_WASM_THREADS = 8;

export type WasmModule = BackendWasm['wasm'];

// The few WebAssembly JS API members used here (@types/node 20 does not declare them).
type CompiledWasm = { readonly __brand: 'WebAssembly.Module' };
type WasmInstance = { readonly exports: object };
type WasmImports = Record<string, Record<string, unknown>>;
const WebAssembly = (globalThis as unknown as {
  WebAssembly: {
    compile(bytes: Uint8Array): Promise<CompiledWasm>;
    instantiate(module: CompiledWasm, imports: WasmImports): Promise<WasmInstance>;
    Module: { imports(module: CompiledWasm): Array<{ module: string; name: string; kind: string }> };
  };
}).WebAssembly;

interface FactoryConfig {
  mainScriptUrlOrBlob: string;
  locateFile(path: string, prefix: string): string;
  instantiateWasm(
    imports: WasmImports,
    receive: (instance: WasmInstance, module: CompiledWasm) => void,
  ): object;
  onAbort(reason: unknown): void;
}

type EmscriptenRuntime = WasmModule & {
  cwrap(name: string, returns: 'number' | null, args: string[]): (...args: number[]) => number;
};

/** Starts the threaded SIMD module with a pool of `threads` threads (1..8). */
export async function loadThreadedSimdModule(threads: number): Promise<WasmModule> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new Error(`threads must be an integer in 1..${MAX_WASM_THREADS}, got ${threads}`);
  }
  const gluePath = require.resolve(GLUE);
  const wasmPath = join(dirname(gluePath), 'tfjs-backend-wasm-threaded-simd.wasm');
  const factory = require(gluePath) as (config: FactoryConfig) => Promise<EmscriptenRuntime>;
  const workerPath = await writeWorkerScript();
  const compiled = await WebAssembly.compile(await readFile(wasmPath));
  const asksForCores = WebAssembly.Module.imports(compiled).some(
    (entry) => entry.module === 'env' && entry.name === CORES_IMPORT && entry.kind === 'function',
  );
  if (!asksForCores) {
    throw new Error(`${wasmPath} no longer imports env.${CORES_IMPORT}; its thread pool size cannot be set`);
  }

  const module = await new Promise<EmscriptenRuntime>((resolve, reject) => {
    factory({
      mainScriptUrlOrBlob: gluePath,
      locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerPath : join(prefix, path)),
      instantiateWasm(imports, receive) {
        const env = { ...imports['env'], [CORES_IMPORT]: () => 2 * threads };
        WebAssembly.instantiate(compiled, { ...imports, env }).then(
          (instance) => receive(instance, compiled),
          reject,
        );
        return {}; // exports arrive through `receive`
      },
      onAbort: (reason) => reject(new Error(`threaded SIMD wasm module aborted: ${String(reason)}`)),
    }).then(resolve, reject);
  });

  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * The worker script as a CommonJS file named after its content, written atomically.
 * The package keeps it in a template literal in which `"\n"` inside the script's own
 * string literals became real line breaks; the package's loader turns them back, and so
 * does this (the script itself is one line).
 */
async function writeWorkerScript(): Promise<string> {
  const { wasmWorkerContents } = require(WORKER) as { wasmWorkerContents?: unknown };
  if (typeof wasmWorkerContents !== 'string') {
    throw new Error(`${WORKER} no longer exports the pthread worker script as wasmWorkerContents`);
  }
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `rosetta-tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(path)) {
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, script);
    await rename(temp, path);
  }
  return path;
}
