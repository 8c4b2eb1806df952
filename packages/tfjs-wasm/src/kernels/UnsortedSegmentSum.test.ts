import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DenseBincount, UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { segmentAbsSums } from '../testing/abs-sums.js';
import { expectWithinSumBound } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/**
 * Token ids shaped like a padded IMDB batch: a third are padding (0) and the rest follow a
 * steep power law over the vocabulary, so a few segments receive hundreds of rows.
 */
function tokenIds(count: number, vocabulary: number, seed: number): Int32Array {
  const random = uniform([count], seed).data;
  return Int32Array.from(random, (r) => {
    const u = (r + 1) / 2;
    return u < 1 / 3 ? 0 : Math.min(vocabulary - 1, Math.floor(vocabulary ** ((u - 1 / 3) * 1.5) - 1));
  });
}

const ids = (data: Int32Array): HostTensor => ({ data, shape: [data.length] });

describe('UnsortedSegmentSum on wasm matches the cpu backend within 2 gamma_K S (K = rows per segment)', () => {
  it('the GRU embedding gradient: [9600,125] into 30,000 segments, heavy duplicates', async () => {
    const x = uniform([9600, 125], 21);
    const segmentIds = tokenIds(9600, 30000, 22);
    const wasm = await runKernel('wasm', UnsortedSegmentSum, { x, segmentIds: ids(segmentIds) }, { numSegments: 30000 });
    // The cpu UnsortedSegmentSum makes one masked pass over x per segment (hours at this
    // size), so the reference here is the cpu backend's weighted DenseBincount, which sums
    // the same rows: row c of its input is the ids, its weights are column c of x.
    const cpuIds = new Int32Array(125 * 9600);
    const weights = new Float32Array(125 * 9600);
    for (let c = 0; c < 125; c++) {
      cpuIds.set(segmentIds, c * 9600);
      for (let i = 0; i < 9600; i++) weights[c * 9600 + i] = x.data[i * 125 + c]!;
    }
    const perColumn = await runKernel(
      'cpu', DenseBincount,
      { x: { data: cpuIds, shape: [125, 9600] }, weights: { data: weights, shape: [125, 9600] } },
      { size: 30000, binaryOutput: false },
    );
    const cpu = new Float32Array(30000 * 125);
    for (let c = 0; c < 125; c++) for (let s = 0; s < 30000; s++) cpu[s * 125 + c] = perColumn.data[c * 30000 + s]!;

    expect(wasm.shape).toEqual([30000, 125]);
    const { absSums, maxCount } = segmentAbsSums(x, segmentIds, 30000);
    expect(maxCount).toBeGreaterThan(1000); // the padding id
    expectWithinSumBound(wasm.data, cpu, absSums, maxCount, 'embedding gradient');
    const untouched = [...Array(30000).keys()].filter((s) => !segmentIds.includes(s)).slice(0, 50);
    expect(untouched.length).toBeGreaterThan(0);
    for (const s of untouched) expect(wasm.data.subarray(s * 125, s * 125 + 125).every((v) => v === 0)).toBe(true);
  });

  it('the cpu UnsortedSegmentSum kernel itself (one pass per segment, so small): [256,125] and [64,10,7] into 60 segments', async () => {
    for (const shape of [[256, 125], [64, 10, 7]]) {
      const x = uniform(shape, 23);
      const segmentIds = tokenIds(shape[0]!, 60, 24);
      const inputs = { x, segmentIds: ids(segmentIds) };
      const wasm = await runKernel('wasm', UnsortedSegmentSum, inputs, { numSegments: 60 });
      const cpu = await runKernel('cpu', UnsortedSegmentSum, inputs, { numSegments: 60 });
      expect(wasm.shape).toEqual(cpu.shape);
      const { absSums, maxCount } = segmentAbsSums(x, segmentIds, 60);
      expectWithinSumBound(wasm.data, cpu.data, absSums, maxCount, `segment sum of [${shape}]`);
    }
  });

  it('rejects ids outside [0, numSegments) with the offending position', async () => {
    const x = uniform([4, 3], 25);
    for (const bad of [-1, 10]) {
      await expect(
        runKernel('wasm', UnsortedSegmentSum, { x, segmentIds: ids(Int32Array.of(0, 1, bad, 2)) }, { numSegments: 10 }),
      ).rejects.toThrow(`segmentIds[2] = ${bad} is outside [0, 10)`);
    }
  });
});
