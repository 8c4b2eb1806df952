/**
 * Parity on real backends (ONNX Runtime CPU and TF.js WASM), on tiny in-memory data, with
 * one implementation broken on purpose: a layout bug that round-trips (the wrapper converts
 * the weights on the way in and back on the way out, as a real conversion bug would), so
 * only what the model computes can betray it.
 */
import type { Framework, Tensor, Weights } from '@rosetta/harness';
import { cpuFramework } from '@rosetta/onnxruntime';
import { framework as wasmFramework } from '@rosetta/tfjs-wasm';
import { describe, expect, it } from 'vitest';
import { noiseImages, reviews } from './testing/splits.js';
import { formatReport } from './format.js';
import { runParity } from './parity.js';

/** Wraps a real framework so that `bug` (an involution) is applied to the weights in and out. */
function withLayoutBug(framework: Framework, name: string, bug: (name: string, t: Tensor) => Tensor): Framework {
  const convert = (weights: Weights): Map<string, Tensor> => new Map([...weights].map(([n, t]) => [n, bug(n, t)]));
  return {
    name,
    description: `${framework.name} with a layout bug`,
    async load() {
      const backend = await framework.load();
      return {
        info: { ...backend.info, framework: name },
        input: backend.input,
        dispose: () => backend.dispose?.(),
        async createModel(options) {
          const model = await backend.createModel({ ...options, weights: convert(options.weights) });
          return {
            trainEpoch: (batches, report) => model.trainEpoch(batches, report),
            predict: (batch) => model.predict(batch),
            evaluate: (batch) => model.evaluate(batch),
            weights: async () => convert(await model.weights()),
            dispose: () => model.dispose(),
          };
        },
      };
    },
  };
}

/** Swaps the update (z) and reset (r) gates: the columns [0, u) and [u, 2u) of every GRU tensor. */
function swapGates(name: string, t: Tensor): Tensor {
  if (!name.startsWith('gru.')) return t;
  const columns = t.shape.at(-1)!;
  const units = columns / 3;
  const data = t.data.slice();
  for (let row = 0; row < data.length / columns; row++) {
    const z = t.data.subarray(row * columns, row * columns + units);
    const r = t.data.subarray(row * columns + units, row * columns + 2 * units);
    data.set(r, row * columns);
    data.set(z, row * columns + units);
  }
  return { shape: t.shape, data };
}

/** Transposes the 3x3 window of conv2's OIHW kernel (H and W swapped). */
function transposeConv2(name: string, t: Tensor): Tensor {
  if (name !== 'conv2.weight') return t;
  const [o, i, h, w] = t.shape as [number, number, number, number];
  const data = new Float32Array(t.data.length);
  for (let a = 0; a < o * i; a++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(a * h + x) * w + y] = t.data[(a * h + y) * w + x]!;
  return { shape: t.shape, data };
}


function failing(report: Awaited<ReturnType<typeof runParity>>, a: string, b: string): string[] {
  const pair = report.pairs.find((p) => p.a === a && p.b === b)!;
  return [...pair.losses.filter((l) => !l.passed).map((l) => `loss ${l.step}`), ...pair.tensors.filter((t) => !t.passed).map((t) => t.name)];
}

// Seconds of CPU each (mostly ONNX Runtime building the unrolled GRU's session); the
// timeout leaves room for a busy machine.
describe('parity on real backends', { timeout: 240_000 }, () => {
  it('GRU: ONNX Runtime and TF.js WASM agree; swapped z and r gates fail, named', async () => {
    const report = await runParity({
      model: 'rnn',
      frameworks: [wasmFramework, cpuFramework, withLayoutBug(cpuFramework, 'onnxruntime-cpu-zr-swapped', swapGates)],
      split: await reviews(32),
      steps: 1,
      batchSize: 16,
      seed: 5,
    });
    expect(report.runs).toHaveLength(3);
    expect(failing(report, 'onnxruntime-cpu', 'tfjs-wasm')).toEqual([]);
    const broken = failing(report, 'onnxruntime-cpu-zr-swapped', 'tfjs-wasm');
    // Named: the gates' bias (its z and r halves trade places), and the embedding the wrong gradients reach.
    expect(broken).toEqual(expect.arrayContaining(['gru.bias', 'embedding.weight']));
    expect(report.passed).toBe(false);
    expect(formatReport(report)).toMatch(/onnxruntime-cpu-zr-swapped \(a\) vs tfjs-wasm \(b, reference\)[\s\S]*FAIL: .*gru\.bias/);
  });

  it('CNN: ONNX Runtime and TF.js WASM agree; a transposed conv2 kernel fails, named', async () => {
    const report = await runParity({
      model: 'cnn',
      frameworks: [wasmFramework, cpuFramework, withLayoutBug(cpuFramework, 'onnxruntime-cpu-conv2-transposed', transposeConv2)],
      split: noiseImages(4, 'parity-test/cifar'),
      steps: 2,
      batchSize: 2,
      seed: 5,
    });
    expect(failing(report, 'onnxruntime-cpu', 'tfjs-wasm')).toEqual([]);
    const broken = failing(report, 'onnxruntime-cpu-conv2-transposed', 'onnxruntime-cpu');
    expect(broken).toContain('conv2.weight');
    // Far beyond the tolerance, ReLU-kink allowance included: the allowance does not blunt the check.
    const pair = report.pairs.find((p) => p.a === 'onnxruntime-cpu-conv2-transposed' && p.b === 'onnxruntime-cpu')!;
    const conv2 = pair.tensors.find((t) => t.name === 'conv2.weight')!;
    expect(conv2.update!).toBeGreaterThan(10 * conv2.updateTolerance!);
    expect(report.passed).toBe(false);
  });
});
