/**
 * The CPU provider's arithmetic rate on this machine: large float32 matrix products, as MLAS runs
 * them with the provider's threads. `rosetta bench` takes the best of these and the loaded BLAS's as
 * native code's peak, the rate every native row's GFLOP/s is set against.
 */
import type { PeakCandidate } from '@rosetta/harness';
import { constant, Graph, matMul, serializeModel } from '@rosetta/onnx-graph';
import * as ort from 'onnxruntime-node';
import type { Provider } from './provider.js';

/** Products per run: the one input is copied in and the one output out per run, not per product. */
const CHAIN = 4;

/** y = x B B B B for an n x n constant B whose entries keep the values bounded (rows of 1/n). */
function chainGraph(n: number): Uint8Array {
  const g = new Graph(`matmul_${n}`);
  const b = constant(g, 'float32', [n, n], new Float32Array(n * n).fill(1 / n));
  let y = g.input('x', 'float32', [n, n]);
  for (let i = 0; i < CHAIN; i++) y = matMul(y, b);
  g.output(y, 'y');
  return serializeModel(g);
}

/** Median GFLOP/s of `runs` timed runs of the chain at n, after a warm-up run. */
async function rate(provider: Provider, n: number, runs: number): Promise<number> {
  const session = await ort.InferenceSession.create(chainGraph(n), provider.options);
  try {
    const x = new ort.Tensor('float32', new Float32Array(n * n).fill(1), [n, n]);
    await session.run({ x });
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run({ x });
      seconds.push((performance.now() - start) / 1000);
    }
    seconds.sort((a, b) => a - b);
    return (CHAIN * 2 * n ** 3) / seconds[Math.floor(runs / 2)]! / 1e9;
  } finally {
    await session.release();
  }
}

export async function matMulPeak(provider: Provider): Promise<PeakCandidate[]> {
  const candidates: PeakCandidate[] = [];
  for (const n of [2048, 4096]) {
    candidates.push({ what: `ONNX Runtime MatMul ${n} x ${n} x ${n} (${provider.description})`, gflops: await rate(provider, n, n <= 2048 ? 7 : 3) });
  }
  return candidates;
}
