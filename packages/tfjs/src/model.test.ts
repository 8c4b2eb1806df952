import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Batch } from '@rosetta/data';
import type { Tensor } from '@rosetta/harness';
import * as cnn from './cnn.js';
import type { WeightBinding } from './layout.js';
import { TfjsModel } from './model.js';
import * as rnn from './rnn.js';
import { imageBatch, tokenBatch } from './testing/batches.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TfjsModel.profileKernels', () => {
  it("returns TF.js's kernels of the training it wraps, the same kernels for every step", async () => {
    // A linear classifier on the CNN's input: the adapter's loop and the CNN's step, quickly.
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ units: 10 })] });
    const classifier = new TfjsModel({ network: model, optimizer: tf.train.sgd(0.01), bindings: [], steps: cnn, backendName: 'cpu' });
    const batches = [imageBatch(2, 1).batch, imageBatch(2, 2).batch];
    const events = await classifier.profileKernels(() => classifier.trainEpoch(batches, () => undefined));
    const names = events.map((e) => e.name);
    expect(names.some((name) => /MatMul/.test(name))).toBe(true);
    expect(names.slice(0, names.length / 2)).toEqual(names.slice(names.length / 2));
    expect(events.every((e) => Number.isFinite(e.ms) && e.ms >= 0)).toBe(true);
    // Kernels only: not the ops that wrap them (fusedMatMul__op, softmaxCrossEntropy__op).
    expect(names.filter((name) => tf.getKernel(name, 'cpu') === undefined)).toEqual([]);
    expect(names).toContain('_FusedMatMul');
    // Only what runs inside is recorded.
    expect(await classifier.profileKernels(async () => undefined)).toEqual([]);
    classifier.dispose();
  });
});

/** Small stand-ins for the two models, with the input each model file takes. */
const SMALL = {
  cnn: {
    steps: cnn,
    batch: (): Batch => imageBatch(2, 3).batch,
    layers: () => [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ name: 'dense', units: 10 })],
  },
  rnn: {
    steps: rnn,
    batch: (): Batch => tokenBatch(2, 3, 50),
    layers: () => [
      tfl.layers.embedding({ inputDim: 50, outputDim: 2, inputLength: 150 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ name: 'dense', units: 2 }),
    ],
  },
} as const;

describe.each(['cnn', 'rnn'] as const)('the %s model file with TfjsModel', (name) => {
  it('reads tensors only asynchronously: it trains, predicts, evaluates and hands back weights where a synchronous read throws', async () => {
    // As on the webgpu backend in Node.js, which needs OffscreenCanvas to read synchronously.
    const { steps, batch, layers } = SMALL[name];
    const same = (t: Tensor): Tensor => t;
    const bindings: WeightBinding[] = [0, 1].map((index) => ({ canonical: `dense.${index}`, layer: 'dense', index, toTfjs: same, fromTfjs: same }));
    const model = new TfjsModel({
      network: tfl.sequential({ layers: layers() }), optimizer: tf.train.sgd(0.01), bindings, steps, backendName: 'cpu',
    });
    const readSync = vi.spyOn(tf.engine(), 'readSync').mockImplementation(() => {
      throw new Error('a synchronous read');
    });
    try {
      const losses: number[] = [];
      await model.trainEpoch([batch(), batch()], (l) => losses.push(...l));
      const logits = await model.predict(batch());
      const share = await model.evaluate(batch());
      const weights = await model.weights();
      expect(readSync).not.toHaveBeenCalled();
      expect(losses).toHaveLength(2);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(logits).toHaveLength(2 * (name === 'cnn' ? 10 : 2));
      expect([0, 0.5, 1]).toContain(share);
      expect([...weights.keys()]).toEqual(['dense.0', 'dense.1']);
    } finally {
      readSync.mockRestore();
      model.dispose();
    }
  });
});
