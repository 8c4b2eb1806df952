import { expect, test } from 'vitest';
import * as G from './index.js';
import { random, session } from './testing/ort.js';

test('inferenceGraph freezes the parameters into the model and accepts any batch size', async () => {
  const [features, classes] = [3, 4];
  const w = random(1, features * classes);
  const b = random(2, classes);
  const graph = G.inferenceGraph({
    name: 'softmax_regression',
    params: [
      { name: 'w', dtype: 'float32', shape: [features, classes], values: Float32Array.from(w) },
      { name: 'b', dtype: 'float32', shape: [classes], values: Float32Array.from(b) },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', features] }],
    forward: (p, { x }) => ({ logits: G.add(G.matMul(x!, p.w!), p.b!) }),
  });
  expect(graph.inputs.map((t) => t.name)).toEqual(['x']);
  const s = await session(graph);
  for (const batch of [1, 5]) {
    const x = random(3 + batch, batch * features);
    const logits = (await s.run({ x: { dtype: 'float32', shape: [batch, features], values: x } }))['logits']!;
    const want = Array.from({ length: batch * classes }, (_, i) => {
      const [n, c] = [Math.floor(i / classes), i % classes];
      return Math.fround(b[c]!) + [0, 1, 2].reduce((acc, f) => acc + Math.fround(x[n * features + f]!) * Math.fround(w[f * classes + c]!), 0);
    });
    // ORT sums these four float32 products of order 1 in float32: a few ulps, ~3e-7 at most.
    want.forEach((v, i) => expect(Math.abs(logits[i]! - v)).toBeLessThan(1e-6));
  }
  await s.release();
});
