/**
 * How many threads a CPU backend runs its work on: one per core, unless ROSETTA_THREADS says
 * otherwise (`rosetta bench --threads` sets it for each measurement's process). ONNX Runtime's
 * intra-op pool and tfjs-wasm's XNNPACK pool read it; the PyTorch reference gets it as --threads.
 */
import { availableParallelism } from 'node:os';

export function threadCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = env['ROSETTA_THREADS'];
  if (value === undefined || value === '') return availableParallelism();
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`ROSETTA_THREADS must be a thread count (1, 2, ...), got "${value}"`);
  return threads;
}
