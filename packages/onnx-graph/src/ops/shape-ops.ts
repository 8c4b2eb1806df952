import type { DType } from '../dtype.js';
import { graphOf, type Dim, type Graph, type Tensor } from '../graph.js';
import { broadcastShapes, dimProduct, normalizeAxis, product } from '../shape.js';
import { constant, int64s } from './constants.js';

/**
 * Reshape to `shape`; as in ONNX, 0 copies the input's dimension and one -1 takes what is left.
 * With a symbolic input dimension the -1 becomes symbolic too.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const out: Dim[] = shape.map((d, i) => (d === 0 ? x.shape[i]! : d));
  const free = out.indexOf(-1);
  if (free >= 0) {
    const known = out.filter((_, i) => i !== free);
    const total = dimProduct(x.shape);
    if (typeof total === 'number' && known.every((d) => typeof d === 'number')) {
      out[free] = total / product(known as number[]);
    } else {
      out[free] = `${x.name}_reshaped_${free}`;
    }
  } else if (out.every((d) => typeof d === 'number') && x.shape.every((d) => typeof d === 'number')) {
    if (product(out as number[]) !== x.size()) {
      throw new Error(`onnx-graph: cannot reshape ${x.name} [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
    }
  }
  return x.graph.addNode('Reshape', [x, int64s(x.graph, shape)], {}, [{ dtype: x.dtype, shape: out }])[0]!;
}

/** Flatten to 2-D: dimensions before `axis` become rows, the rest columns. */
export function flatten(x: Tensor, axis = 1): Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  const shape = [dimProduct(x.shape.slice(0, a)), dimProduct(x.shape.slice(a))];
  return x.graph.addNode('Flatten', [x], { axis: a }, [{ dtype: x.dtype, shape }])[0]!;
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank) throw new Error(`onnx-graph: transpose of ${x.name} needs ${x.rank} axes, got [${perm.join(', ')}]`);
  return x.graph.addNode('Transpose', [x], { perm }, [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }])[0]!;
}

export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.rank + axes.length;
  const at = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : x.shape[k++]!);
  return x.graph.addNode('Unsqueeze', [x, int64s(x.graph, axes)], {}, [{ dtype: x.dtype, shape }])[0]!;
}

export function squeeze(x: Tensor, axes: readonly number[]): Tensor {
  const at = new Set(axes.map((a) => normalizeAxis(a, x.rank)));
  for (const a of at) if (x.shape[a] !== 1) throw new Error(`onnx-graph: cannot squeeze axis ${a} of ${x.name} [${x.shape.join(', ')}]`);
  const shape = x.shape.filter((_, i) => !at.has(i));
  return x.graph.addNode('Squeeze', [x, int64s(x.graph, axes)], {}, [{ dtype: x.dtype, shape }])[0]!;
}

/**
 * Slice along `axes` with static bounds, clamped as ONNX clamps them. `steps` (default 1) may be
 * negative to walk backwards (see `reverse`).
 */
export function slice(
  x: Tensor,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
  steps?: readonly number[],
): Tensor {
  const shape = [...x.shape];
  axes.forEach((axis, i) => {
    const a = normalizeAxis(axis, x.rank);
    const dim = x.shape[a];
    if (typeof dim !== 'number') throw new Error(`onnx-graph: slice of ${x.name} along symbolic axis ${a}`);
    shape[a] = sliceLength(starts[i]!, ends[i]!, steps?.[i] ?? 1, dim);
  });
  const g = x.graph;
  const inputs = [x, int64s(g, starts), int64s(g, ends), int64s(g, axes), ...(steps === undefined ? [] : [int64s(g, steps)])];
  return g.addNode('Slice', inputs, {}, [{ dtype: x.dtype, shape }])[0]!;
}

/** How many elements ONNX Slice takes along an axis of size `dim` (its clamping rules). */
export function sliceLength(start: number, end: number, step: number, dim: number): number {
  const resolve = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
  if (step > 0) return Math.max(0, Math.ceil((resolve(end, 0, dim) - resolve(start, 0, dim)) / step));
  return Math.max(0, Math.ceil((resolve(end, -1, dim - 1) - resolve(start, 0, dim - 1)) / step));
}

/** The tensor with the order of `axes` reversed (a Slice with step -1). */
export function reverse(x: Tensor, axes: readonly number[]): Tensor {
  const dims = x.staticShape();
  return slice(
    x,
    axes.map(() => -1),
    axes.map((a) => -dims[normalizeAxis(a, x.rank)]! - 1),
    axes,
    axes.map(() => -1),
  );
}

/**
 * `items` in at most `most` consecutive runs of equal length (the last may be shorter): one level of
 * a tree of Splits or Concats whose nodes bind at most `most` + 1 tensors.
 */
function runs<T>(items: readonly T[], most: number): T[][] {
  const length = Math.ceil(items.length / most);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += length) out.push(items.slice(i, i + length));
  return out;
}

const sizeSum = (sizes: readonly number[]): number => sizes.reduce((total, size) => total + size, 0);

/**
 * Splits along `axis` into pieces of the given sizes. A node binds its input and every piece; where
 * that is more tensors than the graph's target allows, the input is split into runs of pieces first
 * and each run again, a tree of Splits.
 */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis(axis, x.rank);
  if (x.shape[a] !== sizeSum(sizes)) {
    throw new Error(`onnx-graph: split sizes [${sizes.join(', ')}] do not add up to axis ${a} of ${x.name} [${x.shape.join(', ')}]`);
  }
  const most = x.graph.target.nodeTensorLimit - 1;
  if (sizes.length > most) {
    const groups = runs(sizes, most);
    const parts = split(x, groups.map(sizeSum), a);
    return groups.flatMap((group, i) => (group.length === 1 ? [parts[i]!] : split(parts[i]!, group, a)));
  }
  const outs = sizes.map((size) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === a ? size : d)) }));
  return x.graph.addNode('Split', [x, int64s(x.graph, sizes)], { axis: a }, outs);
}

/** Joins along `axis`; as `split`, a tree of Concats where one node would bind too many tensors. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const [first] = xs;
  if (first === undefined) throw new Error('onnx-graph: concat of no tensors');
  const a = normalizeAxis(axis, first.rank);
  const g = graphOf(...xs);
  const most = g.target.nodeTensorLimit - 1;
  if (xs.length > most) return concat(runs(xs, most).map((run) => (run.length === 1 ? run[0]! : concat(run, a))), a);
  const along = xs.map((t) => t.shape[a]!);
  const total: Dim = along.every((d) => typeof d === 'number') ? (along as number[]).reduce((s, d) => s + d, 0) : along.join('+');
  const shape = first.shape.map((d, i) => (i === a ? total : d));
  return g.addNode('Concat', xs, { axis: a }, [{ dtype: first.dtype, shape }])[0]!;
}

/** Broadcasts `x` to `shape` (numpy rules). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes(x.shape, shape);
  return x.graph.addNode('Expand', [x, int64s(x.graph, shape)], {}, [{ dtype: x.dtype, shape: out }])[0]!;
}

/** Zero-pads: `pads` is [begin_0, ..., begin_n, end_0, ..., end_n] as in ONNX. */
export function pad(x: Tensor, pads: readonly number[]): Tensor {
  const shape = x.staticShape().map((d, i) => d + pads[i]! + pads[i + x.rank]!);
  return x.graph.addNode('Pad', [x, int64s(x.graph, pads)], { mode: 'constant' }, [{ dtype: x.dtype, shape }])[0]!;
}

/** A zero tensor of a static shape, made at run time (ConstantOfShape) rather than stored in the model. */
export function zeros(graph: Graph, dtype: DType, shape: readonly number[]): Tensor {
  const value = { kind: 'tensor' as const, value: { dtype, shape: [1], values: [0] } };
  return graph.addNode('ConstantOfShape', [int64s(graph, shape)], { value }, [{ dtype, shape }])[0]!;
}

/** The constant [0, 1, ..., length - 1]. */
export function arange(graph: Graph, length: number, dtype: DType = 'int64'): Tensor {
  return constant(graph, dtype, [length], Array.from({ length }, (_, i) => i));
}
