import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, initialWeights } from '@rosetta/harness';
import { createTfjsBackend, TFJS_DEVIATIONS } from './backend.js';
import { imageBatch } from './testing/batches.js';

describe('createTfjsBackend', () => {
  it('activates the named backend and describes it for the results file', async () => {
    const backend = await createTfjsBackend(tf, {
      framework: 'tfjs-test',
      backendName: 'cpu',
      backendLabel: 'cpu (plain JavaScript)',
      device: 'cpu',
      versions: { '@tensorflow/tfjs-backend-cpu': '4.22.0' },
      deviations: ['a backend-specific one'],
    });
    expect(tf.getBackend()).toBe('cpu');
    expect(backend.input).toEqual({ layout: 'NHWC', labels: 'sparse' });
    expect(backend.info).toMatchObject({ framework: 'tfjs-test', backend: 'cpu (plain JavaScript)', device: 'cpu' });
    expect(backend.info.versions).toEqual({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-layers': '4.22.0',
      '@tensorflow/tfjs-backend-cpu': '4.22.0',
    });
    expect(backend.info.deviations).toEqual([...TFJS_DEVIATIONS, 'a backend-specific one']);
  });

  it('builds the model the options name, on its backend', async () => {
    const backend = await createTfjsBackend(tf, { framework: 'tfjs-test', backendName: 'cpu', device: 'cpu' });
    const model = await backend.createModel({ model: 'cnn', weights: initialWeights('cnn', 1), seed: 1, dropout: false });
    const logits = await model.predict(imageBatch(2, 1).batch);
    expect(logits).toHaveLength(20);
    expect(logits.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('switches back to its own backend when another TF.js backend became active meanwhile', async () => {
    // A second backend with no kernels: any op run on it throws.
    tf.registerBackend('kernel-less', () => new MathBackendCPU());
    const backend = await createTfjsBackend(tf, { framework: 'tfjs-test', backendName: 'cpu', device: 'cpu' });
    const model = await backend.createModel({ model: 'cnn', weights: initialWeights('cnn', 1), seed: 1, dropout: false });
    const { batch } = imageBatch(2, 1);
    const before = await model.predict(batch);
    await tf.setBackend('kernel-less');
    expect(await model.predict(batch)).toEqual(before);
    expect(tf.getBackend()).toBe('cpu');
    model.dispose();
    tf.removeBackend('kernel-less');
  });

  it('reports a backend that is not registered as unavailable', async () => {
    const attempt = createTfjsBackend(tf, { framework: 'tfjs-test', backendName: 'no-such-backend', device: 'cpu' });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toThrow(/"no-such-backend" failed to initialise: .*not found in registry/);
  });

  it('refuses a second tfjs-core instance, whose backends the models would not see', async () => {
    const otherCore = { ...tf, engine: () => ({}) } as unknown as typeof tf;
    await expect(createTfjsBackend(otherCore, { framework: 'tfjs-test', backendName: 'cpu', device: 'cpu' })).rejects.toThrow(
      /another instance/,
    );
  });
});
