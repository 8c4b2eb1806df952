import { expect, test } from 'vitest';
import { Graph } from '../graph.js';
import { session } from '../testing/ort.js';
import { argMax } from './reduce.js';

test('argMax: the index of the largest element along the axis, the first on a tie, int64', async () => {
  const g = new Graph('argmax');
  const x = g.input('x', 'float32', [3, 4]);
  const rows = argMax(x, 1);
  const columns = argMax(x, 0, { keepDims: true });
  expect([rows.dtype, rows.shape, columns.shape]).toEqual(['int64', [3], [1, 4]]);
  g.output(rows, 'rows');
  g.output(columns, 'columns');
  const s = await session(g);
  const out = await s.run({ x: { dtype: 'float32', shape: [3, 4], values: [0, 5, 2, 5, -1, -3, -2, -4, 7, 1, 7, 0] } });
  expect(Array.from(out['rows']!)).toEqual([1, 0, 0]);
  expect(Array.from(out['columns']!)).toEqual([2, 0, 2, 0]);
  await s.release();
});

test('argMax as int32: the first largest element too, from a one-hot of the first maximum', async () => {
  const g = new Graph('argmax32');
  const x = g.input('x', 'float32', [3, 4]);
  const rows = argMax(x, 1, { dtype: 'int32' });
  expect([rows.dtype, rows.shape]).toEqual(['int32', [3]]);
  expect(g.nodes.map((n) => n.opType)).not.toContain('ArgMax');
  g.output(rows, 'rows');
  g.output(argMax(x, 0, { dtype: 'int32', keepDims: true }), 'columns');
  const s = await session(g);
  const out = await s.run({ x: { dtype: 'float32', shape: [3, 4], values: [0, 5, 2, 5, -1, -3, -2, -4, 7, 1, 7, 0] } });
  expect(Array.from(out['rows']!)).toEqual([1, 0, 0]);
  expect(Array.from(out['columns']!)).toEqual([2, 0, 2, 0]);
  await s.release();
});
