import { graphOf, type Tensor } from '../graph.js';
import { normalizeAxis } from '../shape.js';
import { int64s } from './constants.js';

/** Rows (or slices along `axis`) of `data` picked by integer `indices`: an embedding lookup on axis 0. */
export function gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') throw new Error(`onnx-graph: gather indices ${indices.name} must be integers`);
  const a = normalizeAxis(axis, data.rank);
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return graphOf(data, indices).addNode('Gather', [data, indices], { axis: a }, [{ dtype: data.dtype, shape }])[0]!;
}

/**
 * Copy of `data` with `updates` written at `indices` along `axis` (all three of one rank).
 * reduction 'add' sums updates that land on the same element.
 */
export function scatterElements(data: Tensor, indices: Tensor, updates: Tensor, axis: number, reduction: 'none' | 'add' = 'none'): Tensor {
  if (indices.rank !== data.rank || updates.rank !== data.rank) {
    throw new Error(`onnx-graph: scatterElements needs data, indices and updates of one rank (${data.name}, ${indices.name}, ${updates.name})`);
  }
  return graphOf(data, indices, updates).addNode('ScatterElements', [data, indices, updates], { axis: normalizeAxis(axis, data.rank), reduction }, [
    { dtype: data.dtype, shape: data.shape },
  ])[0]!;
}

/**
 * Copy of `data` with whole slices replaced: `indices` [..., k] addresses data's first k axes, and
 * `updates` holds one slice per index (ONNX ScatterND, reduction "none").
 */
export function scatterND(data: Tensor, indices: Tensor, updates: Tensor): Tensor {
  if (indices.dtype !== 'int64') throw new Error(`onnx-graph: scatterND indices ${indices.name} must be int64`);
  return graphOf(data, indices, updates).addNode('ScatterND', [data, indices, updates], {}, [{ dtype: data.dtype, shape: data.shape }])[0]!;
}

/**
 * The k largest (or smallest) entries along `axis` and their positions, sorted (ONNX TopK; equal
 * values keep their index order).
 */
export function topK(x: Tensor, k: number, options: { axis?: number; largest?: boolean } = {}): [values: Tensor, indices: Tensor] {
  const axis = normalizeAxis(options.axis ?? -1, x.rank);
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  const attributes = { axis, largest: options.largest === false ? 0 : 1, sorted: 1 };
  const [values, indices] = x.graph.addNode('TopK', [x, int64s(x.graph, [k])], attributes, [
    { dtype: x.dtype, shape },
    { dtype: 'int64', shape },
  ]);
  return [values!, indices!];
}
