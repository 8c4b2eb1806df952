import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { registerFastKernels } from '../register-fast-kernels.js';
import { runCurrent, runStock, type KernelCall } from '../testing/stock.js';

beforeAll(async () => {
  registerFastKernels();
  await tf.setBackend('cpu');
});

/** Ids drawn from few segments, so most segments get many rows and some none. */
function call(xShape: number[], numSegments: number, used: number, dtype: 'float32' | 'int32' = 'float32'): KernelCall {
  const rows = xShape[0]!;
  const ids = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % used);
  const x = dtype === 'float32' ? tf.randomNormal(xShape, 0, 1, 'float32', 3) : tf.randomUniform(xShape, -50, 50, 'int32', 3);
  return { inputs: { x, segmentIds: tf.tensor1d(ids, 'int32') }, attrs: { numSegments } };
}

describe('UnsortedSegmentSum (cpu, one pass over the ids)', () => {
  it.each([
    ['embedding-like rows, heavy duplicates', [200, 5], 40, 6],
    ['rank-3 rows', [60, 3, 4], 10, 3],
    ['every row its own segment', [12, 2], 12, 12],
    ['one segment', [30, 4], 1, 1],
  ] as const)('%s: bit-identical to the stock kernel', (_, shape, numSegments, used) => {
    const fast = runCurrent(UnsortedSegmentSum, call([...shape], numSegments, used))[0]!;
    const stock = runStock(UnsortedSegmentSum, call([...shape], numSegments, used))[0]!;
    // Both add the rows of a segment in row order in float64 and round once.
    expect(fast).toEqual(stock);
    expect(fast).toBeInstanceOf(Float32Array);
  });

  it('sums int32 rows to float32, as the stock kernel', () => {
    const fast = runCurrent(UnsortedSegmentSum, call([50, 3], 9, 5, 'int32'))[0]!;
    const stock = runStock(UnsortedSegmentSum, call([50, 3], 9, 5, 'int32'))[0]!;
    expect(fast).toEqual(stock);
  });

  it('rejects a segment id outside [0, numSegments)', () => {
    const x = tf.ones([3, 2]);
    for (const bad of [-1, 4]) {
      const segmentIds = tf.tensor1d([0, bad, 1], 'int32');
      expect(() => runCurrent(UnsortedSegmentSum, { inputs: { x, segmentIds }, attrs: { numSegments: 4 } })).toThrow(
        `UnsortedSegmentSum (cpu): segmentIds[1] = ${bad} is outside [0, 4)`,
      );
    }
  });
});
