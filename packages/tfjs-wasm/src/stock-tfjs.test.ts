/**
 * The package as any TF.js program uses it: stock @tensorflow/tfjs (Layers API, model.fit) on the
 * stock wasm backend, plus one import of this package. Without it, fitting a conv net fails on the
 * missing filter gradient; with it, the net trains.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';

/** Seeded initialisers: the same net, and the same training, every run. */
function convNet(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: tf.losses.softmaxCrossEntropy });
  return model;
}

/** Images whose class is their brightness: learnable in a few epochs. */
function data(): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const n = 32;
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const pixels = labels.flatMap((label, i) => Array.from({ length: 8 * 8 * 3 }, (_, j) => label * 0.5 + ((i * 31 + j * 17) % 50) / 100));
  return { x: tf.tensor4d(pixels, [n, 8, 8, 3]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D };
}

describe('stock @tensorflow/tfjs on the wasm backend', { timeout: 120_000 }, () => {
  it('cannot fit a conv net alone: the wasm backend has no Conv2DBackpropFilter', async () => {
    await tf.setBackend('wasm');
    const { x, y } = data();
    await expect(convNet().fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 })).rejects.toThrow(/Conv2DBackpropFilter.*not registered.*wasm/);
  });

  it('fits it with this package imported, and the loss falls', async () => {
    await import('@rosetta/tfjs-wasm/training-kernels');
    await tf.setBackend('wasm');
    const { x, y } = data();
    const history = await convNet().fit(x, y, { epochs: 20, batchSize: 16, verbose: 0, shuffle: false });
    const loss = history.history['loss'] as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss.at(-1)!).toBeLessThan(0.5 * loss[0]!);
  });
});
