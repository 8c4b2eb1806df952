import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sum } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform, type HostTensor } from '../testing/backends.js';
import { expectWithinSumBound } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/** S for a sum over the leading `count` axes: the column sums of |x| viewed as [rows, columns]. */
function leadingAbsSums(x: HostTensor, count: number): { absSums: Float64Array; rows: number } {
  const rows = x.shape.slice(0, count).reduce((p, q) => p * q, 1);
  const columns = x.data.length / rows;
  const absSums = new Float64Array(columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) absSums[c]! += Math.abs(x.data[r * columns + c]!);
  return { absSums, rows };
}

async function compare(x: HostTensor, axis: number[], keepDims: boolean, leadingCount: number) {
  const wasm = await runKernel('wasm', Sum, { x }, { axis, keepDims });
  const cpu = await runKernel('cpu', Sum, { x }, { axis, keepDims });
  expect(wasm.shape).toEqual(cpu.shape);
  const { absSums, rows } = leadingAbsSums(x, leadingCount);
  expectWithinSumBound(wasm.data, cpu.data, absSums, rows, `sum over [${axis}] of [${x.shape}]`);
}

describe('Sum on wasm matches the cpu backend within 2 gamma_K S (K = values summed per output)', () => {
  it('a conv bias gradient: [8,32,32,50] over axes 0,1,2 (leading: summed here)', async () => {
    await compare(uniform([8, 32, 32, 50], 1), [0, 1, 2], false, 3);
  });
  it('a dense bias gradient: [64,512] over axis 0, keepDims', async () => {
    await compare(uniform([64, 512], 2), [0], true, 1);
  });
  it('leading axes given out of order and negative: [6,5,4] over [-2, 0]', async () => {
    await compare(uniform([6, 5, 4], 3), [-2, 0], false, 2);
  });
  it('innermost axes (the stock kernel): [7,9,5] over axes 1,2', async () => {
    const x = uniform([7, 9, 5], 4);
    const wasm = await runKernel('wasm', Sum, { x }, { axis: [1, 2], keepDims: false });
    const cpu = await runKernel('cpu', Sum, { x }, { axis: [1, 2], keepDims: false });
    const absSums = new Float64Array(7);
    for (let i = 0; i < x.data.length; i++) absSums[Math.floor(i / 45)]! += Math.abs(x.data[i]!);
    expectWithinSumBound(wasm.data, cpu.data, absSums, 45, 'sum over [1,2] of [7,9,5]');
  });
});
