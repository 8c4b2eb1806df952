import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, predict, trainStep } from './cnn.js';
import { TfjsModel } from './model.js';
import { imageBatch } from './testing/batches.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TfjsModel.profileKernels', () => {
  it("returns TF.js's kernels of the training it wraps, the same kernels for every step", async () => {
    // A linear classifier on the CNN's input: the adapter's loop and the CNN's step, quickly.
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ units: 10 })] });
    const classifier = new TfjsModel({
      model, optimizer: tf.train.sgd(0.01), bindings: [], steps: { trainStep, predict, accuracy }, backendName: 'cpu',
    });
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
