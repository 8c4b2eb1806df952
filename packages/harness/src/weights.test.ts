import { describe, expect, it } from 'vitest';
import { initialWeights, weightsSha256 } from './weights.js';

describe('weightsSha256', () => {
  it('is a function of the numbers: same seed, same checksum; another seed or one changed value, another', () => {
    const a = weightsSha256('rnn', initialWeights('rnn', 1));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(weightsSha256('rnn', initialWeights('rnn', 1))).toBe(a);
    expect(weightsSha256('rnn', initialWeights('rnn', 2))).not.toBe(a);
    const changed = initialWeights('rnn', 1);
    changed.get('dense.bias')!.data[1] = 1e-30;
    expect(weightsSha256('rnn', changed)).not.toBe(a);
  });

  it('rejects weights that miss a parameter or have the wrong size', () => {
    const missing = initialWeights('rnn', 1);
    missing.delete('gru.bias');
    expect(() => weightsSha256('rnn', missing)).toThrow(/lack "gru.bias"/);
    const short = initialWeights('rnn', 1);
    short.set('dense.bias', { shape: [2], data: new Float32Array(3) });
    expect(() => weightsSha256('rnn', short)).toThrow(/"dense.bias" holds 3 values/);
  });
});
