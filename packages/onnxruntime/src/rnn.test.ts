import { initialWeights, RNN_SPEC, type InputFormat, type ModelOptions, type Weights } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { program } from './rnn.js';
import { crossEntropy, lastDenseGradient, rnnReference, type ReferenceForward } from '@rosetta/spec/testing';
import { cpuModel, firstMismatch, train } from './testing/steps.js';
import type { OrtModel } from './model.js';

const BATCH = 2;
const input: InputFormat = { layout: 'NCHW', labels: 'sparse' };
const weights = initialWeights('rnn', 11);
const options: ModelOptions = { model: 'rnn', weights, seed: 11, dropout: false, batchSize: BATCH };
const batches = [randomBatch('rnn', input, BATCH, 'rnn-test/0'), randomBatch('rnn', input, BATCH, 'rnn-test/1', 1)];
const { learningRate: lr, beta1, beta2, epsilon } = RNN_SPEC.optimizer;

function withValues(values: Map<string, Float32Array>): Weights {
  return new Map([...weights].map(([name, t]) => [name, { shape: t.shape, data: values.get(name)! }]));
}

/** Adam's update with bias correction at step t, in float64. */
function adamWeights(w: Float32Array, m: ArrayLike<number>, v: ArrayLike<number>, t: number): Float64Array {
  return Float64Array.from(w, (wi, i) => wi - (lr * (m[i]! / (1 - beta1 ** t))) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + epsilon));
}

const copyState = async (trainer: OrtModel, suffix: string) => {
  const state = await trainer.stateTensors();
  return new Map([...weights.keys()].map((name) => [name, state.get(`${name}${suffix}`)!.data.slice()]));
};
const stepCount = async (trainer: OrtModel) => (await trainer.stateTensors()).get('step')!.data[0];

// One trainer for the whole file: building the sessions of a 150-step unrolled GRU is the slow part.
let trainer: OrtModel;
let reference: ReferenceForward;
let initialLogits: Float32Array;
let firstLoss: number;

beforeAll(async () => {
  trainer = await cpuModel(program(options));
  reference = rnnReference(weights, batches[0]!.x, BATCH);
  initialLogits = await trainer.predict(batches[0]!);
  [firstLoss] = (await train(trainer, [batches[0]!])) as [number];
  return () => trainer.dispose();
}, 300_000);

describe('GRU training graph', () => {
  test('forward logits and loss at the shared initial weights equal a plain TypeScript GRU (float64)', () => {
    expect(firstMismatch(initialLogits, reference.logits, 1e-6, 1e-4)).toBe(-1);
    expect(firstLoss).toBeCloseTo(crossEntropy(reference.logits, batches[0]!.y, 2).loss, 5);
  });

  test('Adam: moments, bias-corrected update and step count over two steps, with g the true gradient', { timeout: 300_000 }, async () => {
    // After one step from zero moments, m1 = (1 - beta1) g: the gradient is m1 / 0.1.
    const [m1, v1, w1] = [await copyState(trainer, '.m'), await copyState(trainer, '.v'), await copyState(trainer, '')];
    const g1 = new Map([...m1].map(([name, m]) => [name, m.map((mi) => mi / (1 - beta1))]));
    expect(await stepCount(trainer)).toBe(1);

    const expectedDense = lastDenseGradient(reference.lastHidden, crossEntropy(reference.logits, batches[0]!.y, 2).dLogits, BATCH, 2);
    expect(firstMismatch(g1.get('dense.weight')!, expectedDense, 1e-6, 1e-4)).toBe(-1);
    // Only the embedding rows of tokens in the batch have a gradient.
    const used = new Set(batches[0]!.x);
    const unusedRow = [...Array(RNN_SPEC.vocabularySize).keys()].find((row) => !used.has(row))!;
    const size = RNN_SPEC.embeddingSize;
    expect(g1.get('embedding.weight')!.subarray(unusedRow * size, (unusedRow + 1) * size).every((v) => v === 0)).toBe(true);

    for (const [name, w0] of weights) {
      const g = g1.get(name)!;
      expect(firstMismatch(v1.get(name)!, g.map((gi) => (1 - beta2) * gi * gi), 1e-12, 1e-5), name).toBe(-1);
      expect(firstMismatch(w1.get(name)!, adamWeights(w0.data, m1.get(name)!, v1.get(name)!, 1), 1e-7, 1e-6), name).toBe(-1);
    }

    // Second step: g2 at w1 on batch 1, from a fresh trainer (zero moments) at w1.
    await train(trainer, [batches[1]!]);
    expect(await stepCount(trainer)).toBe(2);
    const probe = await cpuModel(program({ ...options, weights: withValues(w1) }));
    await train(probe, [batches[1]!]);
    const [m2s, v2s, w2s, probeM] = [await copyState(trainer, '.m'), await copyState(trainer, '.v'), await copyState(trainer, ''), await copyState(probe, '.m')];
    for (const name of weights.keys()) {
      const g2 = probeM.get(name)!.map((m) => m / (1 - beta1));
      const m2 = m1.get(name)!.map((m, i) => beta1 * m + (1 - beta1) * g2[i]!);
      const v2 = v1.get(name)!.map((v, i) => beta2 * v + (1 - beta2) * g2[i]! * g2[i]!);
      expect(firstMismatch(m2s.get(name)!, m2, 1e-10, 1e-5), name).toBe(-1);
      expect(firstMismatch(v2s.get(name)!, v2, 1e-14, 1e-5), name).toBe(-1);
      expect(firstMismatch(w2s.get(name)!, adamWeights(w1.get(name)!, m2, v2, 2), 1e-7, 1e-6), name).toBe(-1);
    }
    probe.dispose();
  });
});
