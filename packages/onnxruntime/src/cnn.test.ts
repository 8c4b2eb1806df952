import { initialWeights, type InputFormat, type ModelOptions, type Weights } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { describe, expect, test } from 'vitest';
import { program } from './cnn.js';
import { cnnReference, crossEntropy, lastDenseGradient } from '@rosetta/spec/testing';
import { cpuModel, firstMismatch, train } from './testing/steps.js';

const BATCH = 2;
const input: InputFormat = { layout: 'NCHW', labels: 'sparse' };
const weights = initialWeights('cnn', 7);
const options: ModelOptions = { model: 'cnn', weights, seed: 7, dropout: false, batchSize: BATCH };
const batches = [randomBatch('cnn', input, BATCH, 'cnn-test/0'), randomBatch('cnn', input, BATCH, 'cnn-test/1', 1)];

describe('CNN training graph', () => {
  test('forward logits and loss at the shared initial weights equal a plain TypeScript forward (float64)', async () => {
    const trainer = await cpuModel(program(options));
    const batch = batches[0]!;
    const reference = cnnReference(weights, batch.x as Float32Array, BATCH);
    const { loss } = crossEntropy(reference.logits, batch.y, 10);
    const logits = await trainer.predict(batch);
    // float32 sums of up to 6,400 products against float64 ones.
    expect(firstMismatch(logits, reference.logits, 1e-5, 1e-4)).toBe(-1);
    const [stepLoss] = await train(trainer, [batch]);
    expect(stepLoss).toBeCloseTo(loss, 5);
    trainer.dispose();
  });

  test('SGD momentum: v = 0.9 v + g, w = w - 0.01 v, with g the true gradient', async () => {
    const trainer = await cpuModel(program(options));
    await train(trainer, [batches[0]!]);
    // From zero velocity, the first velocity is the gradient itself.
    const state1 = await trainer.stateTensors();
    const g1 = new Map([...weights.keys()].map((name) => [name, state1.get(`${name}.velocity`)!.data.slice()]));
    const w1 = new Map([...(await trainer.weights())].map(([name, t]) => [name, t.data.slice()]));

    // The last layer's gradient is h^T (softmax - onehot) / batch, from the reference forward.
    const batch = batches[0]!;
    const reference = cnnReference(weights, batch.x as Float32Array, BATCH);
    const expectedDense2 = lastDenseGradient(reference.lastHidden, crossEntropy(reference.logits, batch.y, 10).dLogits, BATCH, 10);
    expect(firstMismatch(g1.get('dense2.weight')!, expectedDense2, 1e-6, 1e-4)).toBe(-1);

    for (const [name, w0] of weights) {
      const expected = w0.data.map((w, i) => w - 0.01 * g1.get(name)![i]!);
      expect(firstMismatch(w1.get(name)!, expected, 1e-8, 1e-6), name).toBe(-1);
    }

    // Second step: the gradient at w1 on batch 1, from a fresh trainer (zero velocity) at w1.
    await train(trainer, [batches[1]!]);
    const probe = await cpuModel(program({ ...options, weights: withValues(w1) }));
    await train(probe, [batches[1]!]);
    const [state2, probeState] = [await trainer.stateTensors(), await probe.stateTensors()];
    for (const name of weights.keys()) {
      const g2 = probeState.get(`${name}.velocity`)!.data;
      const v2 = g1.get(name)!.map((v, i) => 0.9 * v + g2[i]!);
      expect(firstMismatch(state2.get(`${name}.velocity`)!.data, v2, 1e-8, 1e-5), name).toBe(-1);
      const w2 = w1.get(name)!.map((w, i) => w - 0.01 * v2[i]!);
      expect(firstMismatch(state2.get(name)!.data, w2, 1e-8, 1e-6), name).toBe(-1);
    }
    trainer.dispose();
    probe.dispose();
  });
});

function withValues(values: Map<string, Float32Array>): Weights {
  return new Map([...weights].map(([name, t]) => [name, { shape: t.shape, data: values.get(name)! }]));
}
