import { graphOf, type Tensor } from '../graph.js';
import { normalizeAxis } from '../shape.js';

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
