import { describe, expect, it } from 'vitest';
import { randomBatch } from './random-batch.js';

describe('randomBatch', () => {
  it('is reproducible from its seed and has the token shape of the GRU', () => {
    const input = { layout: 'NHWC', labels: 'sparse' } as const;
    const a = randomBatch('rnn', input, 4, 's');
    expect(a.shape).toEqual([4, 150]);
    expect(randomBatch('rnn', input, 4, 's').x).toEqual(a.x);
    expect(randomBatch('rnn', input, 4, 't').x).not.toEqual(a.x);
  });

  it('lays images out as asked', () => {
    expect(randomBatch('cnn', { layout: 'NCHW', labels: 'sparse' }, 2, 's').shape).toEqual([2, 3, 32, 32]);
    expect(randomBatch('cnn', { layout: 'NHWC', labels: 'sparse' }, 2, 's').shape).toEqual([2, 32, 32, 3]);
  });
});
