import type { Graph, Tensor } from '../graph.js';
import { add, cast, div, less, mul, sub, where } from './elementwise.js';
import { scalar } from './constants.js';
import { reshape } from './shape-ops.js';

/**
 * Random 32-bit words for every element of `shape`, each a function of (element index, `key`): a
 * counter-based generator (the idea of Philox and of JAX's keys), for providers without a random
 * kernel. It keeps no state, so the same key gives the same words on every provider, and another key
 * (the step number, say) other words.
 *
 * The function is Widynski's "Squares" on 32-bit words: with y = index * key and z = y + key, four
 * rounds of x = rotate(x * x + (y or z), 16). Only int32 Mul, Add, Sub, Div and comparisons are
 * used, which every provider has (WebGPU kernels have no bitwise ops) and which wrap on overflow
 * everywhere; the rotation is made of them (rotate16).
 */
export function randomWords(graph: Graph, shape: readonly number[], key: Tensor): Tensor {
  if (key.dtype !== 'int32' || key.rank !== 0) throw new Error(`onnx-graph: randomWords needs an int32 scalar key, got ${key.name}`);
  const size = shape.reduce((a, b) => a * b, 1);
  const index = graph.addNode('Range', [scalar(graph, 0, 'int32'), scalar(graph, size, 'int32'), scalar(graph, 1, 'int32')], {}, [
    { dtype: 'int32', shape: [size] },
  ])[0]!;
  const oddKey = add(mul(key, 2), 1);
  const y = mul(reshape(index, shape), oddKey);
  const z = add(y, oddKey);
  let x = y;
  for (const term of [y, z, y, z]) x = rotate16(add(mul(x, x), term));
  return x;
}

/**
 * The halves of a 32-bit word swapped, (x << 16) | (x >>> 16), from integer arithmetic: Div
 * truncates towards zero, so the low half is the remainder made non-negative and the high half the
 * floored quotient made unsigned.
 */
function rotate16(x: Tensor): Tensor {
  const half = 65536;
  const truncated = div(x, half);
  const remainder = sub(x, mul(truncated, half));
  const negative = less(remainder, 0);
  const low = where(negative, add(remainder, half), remainder);
  const floored = sub(truncated, cast(negative, 'int32'));
  const high = where(less(floored, 0), add(floored, half), floored);
  return add(mul(low, half), high);
}

/** The int32 key of (seed, step): a different stream of words for every step of every seed. */
export function stepKey(seed: number, step: Tensor): Tensor {
  return add(mul(cast(step, 'int32'), 0x632be5ab), seed | 0);
}

/** The threshold t with P(word >= t) = 1 - ratio for uniform 32-bit words read as int32. */
export function keepThreshold(ratio: number): number {
  return Math.round(ratio * 2 ** 32) - 2 ** 31;
}
