import { describe, expect, it } from 'vitest';
import { initialWeights } from '@rosetta/harness';
import { framework } from './index.js';

describe('tfjs-cpu framework', () => {
  it('loads the plain JavaScript backend and states its versions', async () => {
    const backend = await framework.load();
    expect(framework.name).toBe('tfjs-cpu');
    expect(backend.info).toMatchObject({ framework: 'tfjs-cpu', backend: 'cpu', device: 'cpu' });
    expect(backend.info.versions).toMatchObject({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-layers': '4.22.0',
      '@tensorflow/tfjs-backend-cpu': '4.22.0',
    });
    expect(backend.input).toEqual({ layout: 'NHWC', labels: 'sparse' });
  });

  it('builds a CNN that predicts 10 logits per image on it', async () => {
    const backend = await framework.load();
    const model = await backend.createModel({ model: 'cnn', weights: initialWeights('cnn', 1), seed: 1, dropout: false });
    const x = new Float32Array(2 * 32 * 32 * 3).fill(0.5);
    const logits = await model.predict({ kind: 'image', index: 0, size: 2, layout: 'NHWC', shape: [2, 32, 32, 3], x, y: new Int32Array(2) });
    expect(logits).toHaveLength(20);
    expect(logits.every(Number.isFinite)).toBe(true);
    // identical images, identical logits
    expect(Array.from(logits.subarray(0, 10))).toEqual(Array.from(logits.subarray(10)));
    model.dispose();
  });
});
