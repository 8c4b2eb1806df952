import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights, type Weights } from '@rosetta/harness';
import { CNN_SPEC } from '@rosetta/spec';
import { cnnReference, crossEntropy, lastDenseGradient } from '@rosetta/spec/testing';
import * as cnn from './cnn.js';
import { buildModel, createModel, input, optimizer } from './cnn.js';
import { CNN_BINDINGS } from './layout.js';
import { setCanonicalWeights } from './layer-weights.js';
import { TfjsModel } from './model.js';
import { imageBatch } from './testing/batches.js';

/**
 * Float32 logits against a float64 reference: the longest sum has 6,400 terms of size
 * ~0.01-0.1, so float32 rounding stays well below 1e-4 absolute.
 */
const LOGIT_TOLERANCE = 1e-4;

let weights: Weights;
beforeAll(async () => {
  await tf.setBackend('cpu');
  weights = initialWeights('cnn', 7);
});

const options = (dropout: boolean) => ({ model: 'cnn' as const, weights, seed: 7, dropout });

describe('TF.js CNN', () => {
  it('has the parameter count of SPEC.md, with and without dropout layers', () => {
    const withDropout = buildModel({ dropout: true, seed: 7 });
    const without = buildModel({ dropout: false, seed: 7 });
    expect(withDropout.countParams()).toBe(CNN_SPEC.parameters);
    expect(without.countParams()).toBe(CNN_SPEC.parameters);
    const kinds = (m: typeof without) => m.layers.map((l) => l.getClassName());
    expect(kinds(withDropout).filter((k) => k === 'Dropout')).toHaveLength(3);
    expect(kinds(without)).toEqual(kinds(withDropout).filter((k) => k !== 'Dropout'));
    withDropout.dispose();
    without.dispose();
  });

  it('hands back the canonical weights it was given', async () => {
    const model = await createModel(options(false), 'cpu');
    const back = await model.weights();
    for (const [name, tensor] of weights) {
      expect(back.get(name)?.shape, name).toEqual(tensor.shape);
      expect(sameBytes(back.get(name)!.data, tensor.data), name).toBe(true);
    }
    model.dispose();
  });

  it('predicts the logits of an independent NCHW reference computed from the canonical weights', async () => {
    const model = await createModel(options(true), 'cpu'); // dropout layers present but inactive in predict
    const { batch, nchw } = imageBatch(2, 11);
    const logits = await model.predict(batch);
    const expected = cnnReference(weights, concat(nchw), 2).logits;
    expected.forEach((v, i) => expect(Math.abs(logits[i]! - v)).toBeLessThan(LOGIT_TOLERANCE));
    model.dispose();
  });

  it('trains one step from the shared weights with the reference loss and gradient (convs frozen)', async () => {
    // The cpu backend's stock Conv2DBackpropFilter needs ~90 s per batch-2 step here, so
    // the conv layers are frozen: the step then runs the real loop, loss and optimiser on
    // the dense head, whose gradient the reference computes exactly.
    const model = buildModel({ dropout: false, seed: 7 });
    setCanonicalWeights(model, CNN_BINDINGS, weights);
    for (const layer of model.layers) if (layer.name.startsWith('conv')) layer.trainable = false;
    const trainable = new TfjsModel({ network: model, optimizer: optimizer(), bindings: CNN_BINDINGS, steps: cnn, backendName: 'cpu' });

    const { batch, nchw } = imageBatch(2, 12);
    const losses: number[] = [];
    await trainable.trainEpoch([batch], (l) => losses.push(...l));
    const reference = cnnReference(weights, concat(nchw), 2);
    const { loss, dLogits } = crossEntropy(reference.logits, batch.y, 10);
    expect(losses).toHaveLength(1);
    expect(Math.abs(losses[0]! - loss)).toBeLessThan(1e-5);

    // First step: v = g, so w1 = w0 - lr * g, with g of dense2.bias = mean(softmax - onehot)
    // and g of dense2.weight = h^T (softmax - onehot) / batch.
    const lr = CNN_SPEC.optimizer.learningRate;
    const after = await trainable.weights();
    const gradBias = new Float64Array(10);
    dLogits.forEach((g, i) => (gradBias[i % 10]! += g));
    const gradKernel = lastDenseGradient(reference.lastHidden, dLogits, 2, 10);
    const bias0 = weights.get('dense2.bias')!.data;
    after.get('dense2.bias')!.data.forEach((v, k) => expect(Math.abs(v - (bias0[k]! - lr * gradBias[k]!))).toBeLessThan(1e-7));
    const kernel0 = weights.get('dense2.weight')!.data;
    after.get('dense2.weight')!.data.forEach((v, i) => expect(Math.abs(v - (kernel0[i]! - lr * gradKernel[i]!))).toBeLessThan(1e-6));
    // frozen convs did not move
    expect(after.get('conv1.weight')!.data).toEqual(weights.get('conv1.weight')!.data);

    // Further steps on the same batch lower the loss and leak no tensor.
    await trainable.trainEpoch([batch], (l) => losses.push(...l));
    const tensors = tf.memory().numTensors;
    await trainable.trainEpoch([batch, batch], (l) => losses.push(...l));
    await trainable.predict(batch);
    await trainable.evaluate(batch);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses[3]!).toBeLessThan(losses[0]!);
    trainable.dispose();
  });

  it('evaluates the accuracy of its own predictions: mean(argmax(logits) == label) over the batch', async () => {
    const model = await createModel(options(false), 'cpu');
    const { batch } = imageBatch(8, 13);
    const logits = await model.predict(batch);
    // Labels chosen from the predictions: right for samples 0, 3 and 6, wrong for the others.
    const labels = Int32Array.from({ length: 8 }, (_, n) => {
      const row = Array.from(logits.subarray(n * 10, (n + 1) * 10));
      const best = row.indexOf(Math.max(...row));
      return n % 3 === 0 ? best : (best + 1) % 10;
    });
    expect(await model.evaluate({ ...batch, y: labels })).toBeCloseTo(3 / 8, 7);
    model.dispose();
  });

  it('uses SGD momentum without unit gain: v = 0.9 v + g; w = w - 0.01 v', () => {
    const sgd = optimizer();
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const g1 = tf.tensor1d([0.5, 1, -2]);
    const g2 = tf.tensor1d([-1, 0.25, 4]);
    // loss = g . w has gradient g
    sgd.minimize(() => tf.sum(tf.mul(g1, w)) as tf.Scalar, false, [w]);
    const step1 = Array.from(w.dataSync());
    sgd.minimize(() => tf.sum(tf.mul(g2, w)) as tf.Scalar, false, [w]);
    const step2 = Array.from(w.dataSync());
    const [a, b] = [g1.dataSync(), g2.dataSync()];
    [1, -2, 3].forEach((w0, i) => {
      const w1 = w0 - 0.01 * a[i]!;
      expect(step1[i]).toBeCloseTo(w1, 6);
      expect(step2[i]).toBeCloseTo(w1 - 0.01 * (0.9 * a[i]! + b[i]!), 6);
    });
    sgd.dispose();
    tf.dispose([w, g1, g2]);
  });

  it('rejects a batch that is not NHWC images', () => {
    const { batch } = imageBatch(1, 1);
    expect(() => input({ ...batch, layout: 'NCHW' })).toThrow(/expected an NHWC image batch, got NCHW/);
  });
});


/** The images of a batch, one after the other. */
function concat(images: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(images.reduce((n, image) => n + image.length, 0));
  images.forEach((image, n) => all.set(image, n * image.length));
  return all;
}

/** Bitwise equality of two float arrays (vitest's toEqual walks 3.3M elements slowly). */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
