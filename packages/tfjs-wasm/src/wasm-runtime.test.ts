import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultWasmThreads, describeWasmRuntime, startWasm, stopWasm } from './wasm-runtime.js';

afterEach(stopWasm);

async function squareSum(): Promise<number> {
  const x = tf.tensor(Float32Array.from({ length: 4096 }, (_, i) => (i % 17) - 8), [64, 64]);
  const y = tf.matMul(x, x);
  const total = tf.sum(y);
  const s = (await total.data())[0]!;
  tf.dispose([x, y, total]);
  return s;
}

describe('startWasm', () => {
  it('runs the threaded SIMD binary in Node with one thread per core (up to 8)', async () => {
    const runtime = await startWasm();
    expect(runtime).toEqual({ binary: 'threaded-simd', threads: defaultWasmThreads() });
    expect(tf.getBackend()).toBe('wasm');
    expect(describeWasmRuntime(runtime)).toBe(`wasm (threaded-simd, ${defaultWasmThreads()} thread${defaultWasmThreads() > 1 ? 's' : ''})`);
    expect(await squareSum()).toBe(-1464); // exact in float32: integers below 2^24
  });

  it('falls back to the package loader (single-threaded SIMD) when threads are off, and says why', async () => {
    const runtime = await startWasm({ threads: 'off' });
    expect(runtime).toEqual({ binary: 'simd', threads: 1, threadsUnavailable: 'disabled by option' });
    expect(describeWasmRuntime(runtime)).toBe('wasm (simd, 1 thread; no threads: disabled by option)');
    expect(await squareSum()).toBe(-1464);
  });

  it('reports a bad thread count as the reason and still starts', async () => {
    const runtime = await startWasm({ threads: 9 });
    expect(runtime.binary).toBe('simd');
    expect(runtime.threadsUnavailable).toBe('threads must be an integer in 1..8, got 9');
  });
});
