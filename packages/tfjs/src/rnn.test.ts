import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights, parameterSpecs, type Weights } from '@rosetta/harness';
import { RNN_SPEC } from '@rosetta/spec';
import { crossEntropy, rnnReference } from '@rosetta/spec/testing';
import { RNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';
import { TfjsModel } from './model.js';
import * as rnn from './rnn.js';
import { buildModel, createModel, input, optimizer } from './rnn.js';
import { imageBatch, tokenBatch } from './testing/batches.js';

/** Float32 GRU over 150 steps against a float64 reference: rounding stays far below 1e-5. */
const LOGIT_TOLERANCE = 1e-5;

let weights: Weights;
beforeAll(async () => {
  await tf.setBackend('cpu');
  weights = initialWeights('rnn', 3);
});

describe('TF.js GRU model', () => {
  it('has 3,818,002 parameters, as many as the canonical layout', () => {
    const model = buildModel({ dropout: false, seed: 3 });
    // embedding 30000 x 125 + GRU 3 x (125 x 100 + 100 x 100 + 100) + dense 100 x 2 + 2
    expect(model.countParams()).toBe(3_750_000 + 67_800 + 202);
    const canonical = parameterSpecs('rnn').reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(model.countParams()).toBe(canonical);
    model.dispose();
  });

  it('is the classic GRU with sigmoid gates and tanh candidate, last output only', () => {
    const model = buildModel({ dropout: false, seed: 3 });
    const config = model.getLayer('gru').getConfig();
    expect(config['recurrentActivation']).toBe('sigmoid');
    expect(config['activation']).toBe('tanh');
    expect(config['resetAfter']).toBe(false);
    expect(config['returnSequences']).toBe(false);
    model.dispose();
  });

  it('predicts the logits of an independent reference GRU (gates z, r, h) from the canonical weights', async () => {
    const model = await createModel({ model: 'rnn', weights, seed: 3, dropout: false }, 'cpu');
    const batch = tokenBatch(2, 5);
    const logits = await model.predict(batch);
    const expected = rnnReference(weights, batch.x, 2).logits;
    expected.forEach((v, i) => expect(Math.abs(logits[i]! - v)).toBeLessThan(LOGIT_TOLERANCE));
    model.dispose();
  });

  it('trains from the shared weights: first loss equals the reference, Adam lowers it, no tensor leaks (embedding frozen)', async () => {
    // The cpu backend's stock UnsortedSegmentSum (the embedding gradient) loops over all
    // 30,000 rows with several kernels each (~400 s per step here), so the embedding is
    // frozen; the GRU and dense gradients run through the real loop and optimiser.
    const model = buildModel({ dropout: false, seed: 3 });
    setCanonicalWeights(model, RNN_BINDINGS, weights);
    model.getLayer('embedding').trainable = false;
    const trainable = new TfjsModel({ network: model, optimizer: optimizer(), bindings: RNN_BINDINGS, steps: rnn, backendName: 'cpu' });
    const batch = tokenBatch(2, 6);
    const losses: number[] = [];
    await trainable.trainEpoch([batch], (l) => losses.push(...l));
    const reference = rnnReference(weights, batch.x, 2);
    expect(Math.abs(losses[0]! - crossEntropy(reference.logits, batch.y, 2).loss)).toBeLessThan(1e-6);

    // Adam's first step moves every gradient-carrying weight by ~lr (m/sqrt(v) = sign(g)).
    const after = await trainable.weights();
    const bias0 = weights.get('dense.bias')!.data;
    after.get('dense.bias')!.data.forEach((v, k) => expect(Math.abs(Math.abs(v - bias0[k]!) - RNN_SPEC.optimizer.learningRate)).toBeLessThan(1e-6));

    const tensors = tf.memory().numTensors;
    await trainable.trainEpoch([batch], (l) => losses.push(...l));
    await trainable.evaluate(batch);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    trainable.dispose();
  });

  it('evaluates the accuracy of its own predictions: mean(argmax(logits) == label) over the batch', async () => {
    const model = await createModel({ model: 'rnn', weights, seed: 3, dropout: false }, 'cpu');
    const batch = tokenBatch(4, 8);
    const logits = await model.predict(batch);
    // Labels chosen from the predictions: right for samples 0 and 3, wrong for 1 and 2.
    const labels = Int32Array.from({ length: 4 }, (_, n) => {
      const best = logits[2 * n + 1]! > logits[2 * n]! ? 1 : 0;
      return n % 3 === 0 ? best : 1 - best;
    });
    expect(await model.evaluate({ ...batch, y: labels })).toBe(0.5);
    model.dispose();
  });

  it('uses Adam with epsilon 1e-8 (TF.js defaults to 1e-7)', () => {
    const adam = optimizer();
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    // With a gradient of 1e-8 the first update is -lr * g / (|g| + eps): -5e-4 with
    // eps = 1e-8, but -9.1e-5 with 1e-7.
    const w = tf.variable(tf.scalar(0));
    adam.minimize(() => tf.mul(w, 1e-8) as tf.Scalar, false, [w]);
    expect(w.dataSync()[0]).toBeCloseTo(-5e-4, 6);
    adam.dispose();
    w.dispose();
  });

  it('rejects a batch that is not token ids', () => {
    expect(() => input(imageBatch(1, 1).batch)).toThrow(/expected a token batch, got image/);
  });
});
