import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchMatMul } from '@tensorflow/tfjs-core';
import { runKernel, startBackends, stopBackends, uniform } from '../testing/backends.js';
import { matMulAbsSums } from '../testing/abs-sums.js';
import { expectWithinSumBound } from '../testing/float32-bound.js';

beforeAll(startBackends);
afterAll(stopBackends);

/**
 * The products of one training step that set a transpose flag: a dense layer y = x W of
 * batch B gives dW = x^T dy (transposeA) and dx = dy W^T (transposeB); TF.js runs them
 * rank 3 with a batch of 1. B is 8 here, not 64: the semantics do not change with it.
 */
const B = 8;
const CASES = [
  { name: 'CNN dense 6400->512, dW', a: [1, B, 6400], b: [1, B, 512], transposeA: true, transposeB: false },
  { name: 'CNN dense 6400->512, dx', a: [1, B, 512], b: [1, 6400, 512], transposeA: false, transposeB: true },
  { name: 'CNN dense 512->10, dW', a: [1, B, 512], b: [1, B, 10], transposeA: true, transposeB: false },
  { name: 'GRU input kernel 125->300, dW', a: [1, B, 125], b: [1, B, 300], transposeA: true, transposeB: false },
  { name: 'GRU recurrent kernel 100->200, dx', a: [1, B, 200], b: [1, 100, 200], transposeA: false, transposeB: true },
  { name: 'b^T with more rows in a than in b (b transposed, not the swapped form)', a: [1, 40, 9], b: [1, 6, 9], transposeA: false, transposeB: true },
  { name: 'both flags, batch 1 (computed as (b a)^T)', a: [1, 9, 5], b: [1, 6, 9], transposeA: true, transposeB: true },
  { name: 'both flags, batch 3 against a broadcast batch of 1', a: [3, 7, 5], b: [1, 6, 7], transposeA: true, transposeB: true },
  { name: 'no flags (stock kernel)', a: [2, 5, 7], b: [2, 7, 3], transposeA: false, transposeB: false },
];

describe('BatchMatMul on wasm (transposes moved out of the product) matches the cpu backend within 2 gamma_K S (K = inner dimension)', () => {
  for (const c of CASES) {
    it(`${c.name}: a [${c.a}]${c.transposeA ? '^T' : ''} b [${c.b}]${c.transposeB ? '^T' : ''}`, async () => {
      const a = uniform(c.a, 41);
      const b = uniform(c.b, 42);
      const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
      const wasm = await runKernel('wasm', BatchMatMul, { a, b }, attrs);
      const cpu = await runKernel('cpu', BatchMatMul, { a, b }, attrs);
      expect(wasm.shape).toEqual(cpu.shape);
      const k = c.transposeA ? c.a[1]! : c.a[2]!;
      expectWithinSumBound(wasm.data, cpu.data, matMulAbsSums(a, b, c.transposeA, c.transposeB), k, c.name);
    });
  }
});
