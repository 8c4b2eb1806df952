// What the engine builds, as opposed to the values (rules.test.ts checks those): no nodes for
// gradients nobody needs, and one product for a weight shared by many MatMuls.
import { describe, expect, test } from 'vitest';
import * as G from '../index.js';

function count(graph: G.Graph, opType: string): number {
  return graph.nodes.filter((n) => n.opType === opType).length;
}

describe('grad', () => {
  test('builds no gradient for an input that does not depend on the parameters (a first convolution)', () => {
    const g = new G.Graph('g');
    const x = g.input('x', 'float32', [2, 3, 6, 6]);
    const w = g.input('w', 'float32', [4, 3, 3, 3]);
    const b = g.input('b', 'float32', [4]);
    const loss = G.reduceSum(G.conv(x, w, b, { pads: [1, 1, 1, 1] }), [0, 1, 2, 3]);
    G.grad(loss, [w]);
    // One group-1 Conv, the forward one: the input gradient would be a second (the kernel
    // gradient's window Conv is grouped). Two ReduceSums, the loss's and the kernel gradient's sum
    // over the images: the bias gradient would be a third.
    const plainConvs = g.nodes.filter((n) => n.opType === 'Conv' && (n.attributes['group'] ?? 1) === 1);
    expect(plainConvs.length).toBe(1);
    expect(count(g, 'ConvTranspose')).toBe(0);
    expect(count(g, 'ReduceSum')).toBe(2);
  });

  test('adds the gradients of a weight used by T MatMuls as one Gemm over the stacked operands', () => {
    const steps = 5;
    const g = new G.Graph('g');
    const r = g.input('r', 'float32', [4, 4]);
    let h = g.input('h0', 'float32', [2, 4]);
    for (let t = 0; t < steps; t++) h = G.tanh(G.matMul(h, r));
    G.grad(G.reduceSum(h, [0, 1]), [r]);
    // Forward: T MatMuls. Backward: T - 1 Gemms for the hidden-state gradients (h0 is data) and one
    // for the weight (stacked states times stacked output gradients), not T of them and a Sum.
    expect(count(g, 'MatMul')).toBe(steps);
    expect(count(g, 'Gemm')).toBe(steps);
    expect(count(g, 'Sum')).toBe(0);
    expect(count(g, 'Concat')).toBe(2);
  });

  test('subtracts a subtrahend\'s gradient from the other shares (one Sub), rather than negating it and adding', () => {
    const g = new G.Graph('g');
    const [a, b] = [g.input('a', 'float64', [3]), g.input('b', 'float64', [3])];
    // b reaches the loss twice: through tanh(b) and, with a minus sign, through a - b.
    const loss = G.reduceSum(G.mul(G.sub(a, b), G.tanh(b)), [0]);
    G.grad(loss, [b]);
    expect(count(g, 'Neg')).toBe(0);
    expect(count(g, 'Sum')).toBe(0);
    expect(count(g, 'Sub')).toBe(3); // the forward a - b, tanh's 1 - y^2, and the total of b's two shares
  });
});
