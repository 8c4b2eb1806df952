import { describe, expect, it } from 'vitest';
import { meanCrossEntropy } from './loss.js';

describe('meanCrossEntropy', () => {
  it('is log(classes) for equal logits and falls as the label\'s logit grows', () => {
    expect(meanCrossEntropy(new Float32Array(20).fill(3), [0, 9])).toBeCloseTo(Math.log(10), 12);
    // -log(e^2 / (e^2 + e^0)) and -log(e^0 / (e^0 + e^2)), averaged.
    const expected = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(2))) / 2;
    expect(meanCrossEntropy(Float32Array.of(2, 0, 2, 0), [0, 1])).toBeCloseTo(expected, 12);
  });

  it('stays finite for large logits', () => {
    expect(meanCrossEntropy(Float32Array.of(1000, 0), [0])).toBeCloseTo(0, 12);
  });

  it('names a label outside the classes and logits that do not fit the labels', () => {
    expect(() => meanCrossEntropy(Float32Array.of(1, 2), [2])).toThrow(/label 2 of row 0 is not one of 2 classes/);
    expect(() => meanCrossEntropy(Float32Array.of(1, 2, 3), [0, 1])).toThrow(/3 logits do not split into 2 rows/);
  });
});
