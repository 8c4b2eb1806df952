/**
 * WebAssembly's arithmetic rate on this machine: XNNPACK's large float32 products through the wasm
 * backend, with the threads the backend runs (wasm SIMD is 128 bits wide, a quarter of AVX-512).
 * `rosetta bench` takes the best as WebAssembly's peak, the rate tfjs-wasm's GFLOP/s is set against.
 * The convolution is the CNN's conv4 forward at batch 64, the largest the training step runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PeakCandidate } from '@rosetta/harness';
import { CNN_SPEC } from '@rosetta/spec';
import { describeWasmRuntime, type WasmRuntime } from './wasm-runtime.js';

async function medianSeconds(run: () => tf.Tensor, runs: number): Promise<number> {
  const warmup = run();
  await warmup.data();
  warmup.dispose();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = run();
    await out.data();
    seconds.push((performance.now() - start) / 1000);
    out.dispose();
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(runs / 2)]!;
}

/** On the running wasm backend (startWasm first). */
export async function xnnpackPeak(runtime: WasmRuntime): Promise<PeakCandidate[]> {
  const how = describeWasmRuntime(runtime);
  const candidates: PeakCandidate[] = [];
  const n = 2048;
  const [a, b] = [tf.randomUniform([n, n]), tf.randomUniform([n, n])];
  candidates.push({ what: `tf.matMul ${n} x ${n} x ${n}, ${how}`, gflops: (2 * n ** 3) / (await medianSeconds(() => tf.matMul(a, b), 5)) / 1e9 });
  const [, f2] = CNN_SPEC.blockFilters;
  const size = CNN_SPEC.imageSize / 2;
  const k = CNN_SPEC.kernelSize;
  const x = tf.randomUniform([CNN_SPEC.batchSize, size, size, f2]) as tf.Tensor4D;
  const w = tf.randomUniform([k, k, f2, f2]) as tf.Tensor4D;
  const flops = 2 * CNN_SPEC.batchSize * size * size * f2 * f2 * k * k;
  candidates.push({
    what: `tf.conv2d ${k}x${k}, ${f2} -> ${f2} channels at ${size}x${size}, batch ${CNN_SPEC.batchSize}, ${how}`,
    gflops: flops / (await medianSeconds(() => tf.conv2d(x, w, 1, 'same'), 9)) / 1e9,
  });
  tf.dispose([a, b, x, w]);
  return candidates;
}
