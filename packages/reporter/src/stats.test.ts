import { describe, expect, it } from 'vitest';
import { meanAndSd, score } from './stats.js';

describe('score: MLPerf Training’s rule for several runs', () => {
  it('drops the fastest and the slowest run and averages the rest', () => {
    expect(score([130, 100, 110])).toEqual({ n: 3, score: 110, min: 100, max: 130 });
    expect(score([10, 40, 20, 30, 1000])).toEqual({ n: 5, score: 30, min: 10, max: 1000 });
    expect(score([4, 1, 2, 3]).score).toBe(2.5);
  });

  it('averages two runs and takes one as it is', () => {
    expect(score([100, 120])).toEqual({ n: 2, score: 110, min: 100, max: 120 });
    expect(score([7])).toEqual({ n: 1, score: 7, min: 7, max: 7 });
    expect(() => score([])).toThrow(RangeError);
  });
});

describe('meanAndSd', () => {
  it('is the mean and the sample standard deviation (n − 1), 0 for one run', () => {
    const { n, mean, sd } = meanAndSd([0.3, 0.32, 0.31]);
    expect(n).toBe(3);
    expect(mean).toBeCloseTo(0.31, 12);
    expect(sd).toBeCloseTo(0.01, 12);
    expect(meanAndSd([0.5])).toEqual({ n: 1, mean: 0.5, sd: 0 });
  });
});
