import { expect, test } from 'vitest';
import { Graph } from './graph.js';
import { conv2d, dense, gru } from './layers.js';
import { random, session } from './testing/ort.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

test('dense: x W + b', async () => {
  const g = new Graph('dense');
  g.output(dense(g.input('x', 'float32', [2, 3]), g.input('w', 'float32', [3, 2]), g.input('b', 'float32', [2])), 'y');
  const s = await session(g);
  const out = await s.run({
    x: { dtype: 'float32', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
    w: { dtype: 'float32', shape: [3, 2], values: [1, 0, 0, 1, 1, 1] },
    b: { dtype: 'float32', shape: [2], values: [10, 20] },
  });
  expect(Array.from(out['y']!)).toEqual([14, 25, 20, 31]);
  await s.release();
});

test('conv2d: "same" padding keeps the image size and sums the window around each pixel; an even kernel is refused', async () => {
  const g = new Graph('conv');
  const x = g.input('x', 'float32', [1, 1, 3, 3]);
  const y = conv2d(x, g.input('w', 'float32', [1, 1, 3, 3]), g.input('b', 'float32', [1]));
  expect(y.shape).toEqual([1, 1, 3, 3]);
  g.output(y, 'y');
  const s = await session(g);
  const out = await s.run({
    x: { dtype: 'float32', shape: [1, 1, 3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    w: { dtype: 'float32', shape: [1, 1, 3, 3], values: new Array<number>(9).fill(1) },
    b: { dtype: 'float32', shape: [1], values: [0.5] },
  });
  // Corners see 4 pixels, edges 6, the centre all 9.
  expect(Array.from(out['y']!)).toEqual([12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
  await s.release();
  const h = new Graph('even');
  expect(() => conv2d(h.input('x', 'float32', [1, 1, 4, 4]), h.input('w', 'float32', [1, 1, 2, 2]), h.input('b', 'float32', [1]))).toThrow(/odd kernels, got w \[1, 1, 2, 2\]/);
});

test('gru: the classic GRU (reset before the recurrent product) from a zero state, its last step, as computed by hand', async () => {
  const [steps, batch, features, units] = [4, 2, 3, 2];
  const values = {
    x: random(1, steps * batch * features),
    kernel: random(2, features * 3 * units),
    recurrent: random(3, units * 3 * units),
    bias: random(4, 3 * units),
  };
  const g = new Graph('gru');
  const h = gru(g.input('x', 'float32', [steps, batch, features]), {
    kernel: g.input('kernel', 'float32', [features, 3 * units]),
    recurrentKernel: g.input('recurrent', 'float32', [units, 3 * units]),
    bias: g.input('bias', 'float32', [3 * units]),
  });
  expect(h.shape).toEqual([batch, units]);
  g.output(h, 'h');
  const s = await session(g);
  const out = await s.run({
    x: { dtype: 'float32', shape: [steps, batch, features], values: values.x },
    kernel: { dtype: 'float32', shape: [features, 3 * units], values: values.kernel },
    recurrent: { dtype: 'float32', shape: [units, 3 * units], values: values.recurrent },
    bias: { dtype: 'float32', shape: [3 * units], values: values.bias },
  });
  await s.release();

  // Gate columns: z in [0, u), r in [u, 2u), h in [2u, 3u).
  const product = (row: readonly number[], m: readonly number[], cols: number, col: number) => row.reduce((sum, v, i) => sum + v * m[i * cols + col]!, 0);
  const expected: number[] = [];
  for (let b = 0; b < batch; b++) {
    let h = new Array<number>(units).fill(0);
    for (let t = 0; t < steps; t++) {
      const x = values.x.slice((t * batch + b) * features, (t * batch + b + 1) * features);
      const gate = (j: number, state: readonly number[]) => product(x, values.kernel, 3 * units, j) + values.bias[j]! + product(state, values.recurrent, 3 * units, j);
      const z = h.map((_, u) => sigmoid(gate(u, h)));
      const r = h.map((_, u) => sigmoid(gate(units + u, h)));
      const reset = h.map((v, u) => r[u]! * v);
      const c = h.map((_, u) => Math.tanh(gate(2 * units + u, reset)));
      h = h.map((v, u) => z[u]! * v + (1 - z[u]!) * c[u]!);
    }
    expected.push(...h);
  }
  Array.from(out['h']!).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
});
