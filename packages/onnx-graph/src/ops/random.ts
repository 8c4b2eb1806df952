import type { Graph, Tensor } from '../graph.js';
import { add, cast, div, mul } from './elementwise.js';
import { scalar } from './constants.js';
import { reshape } from './shape-ops.js';

/**
 * Random 32-bit words for every element of `shape`, each a function of (element index, `key`): a
 * counter-based generator (the idea of Philox and of JAX's keys), for providers without a random
 * kernel. It keeps no state, so the same key gives the same words on every provider, and another key
 * (the step number, say) other words.
 *
 * The function follows Widynski's "Squares": with y = index * key and z = y + key (key made odd),
 * four rounds of x = mix(x * x + (y, z, y, z)). Squares mixes by swapping the halves of a word;
 * without bitwise ops (WebGPU kernels have none) the halves are brought together as
 * x * 2^16 + x / 2^16 instead, the upper half moved down by a truncating division: three int32 ops,
 * where an exact swap takes ten. Only Mul, Add and Div are used, which wrap on overflow and truncate
 * alike on every provider. random.test.ts checks the words against a reference and for uniformity
 * and independence.
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
  for (const term of [y, z, y, z]) {
    const square = add(mul(x, x), term);
    x = add(mul(square, 65536), div(square, 65536));
  }
  return x;
}

/** The int32 key of (seed, step): a different stream of words for every step of every seed. */
export function stepKey(seed: number, step: Tensor): Tensor {
  return add(mul(cast(step, 'int32'), 0x632be5ab), seed | 0);
}

/** The threshold t with P(word >= t) = 1 - ratio for uniform 32-bit words read as int32. */
export function keepThreshold(ratio: number): number {
  return Math.round(ratio * 2 ** 32) - 2 ** 31;
}
