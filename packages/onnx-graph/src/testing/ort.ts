// Test support: runs builder graphs with onnxruntime-node (a devDependency) on the CPU provider.
// Not part of the package build (tsconfig excludes src/testing).
import * as ort from 'onnxruntime-node';
import { serializeModel } from '../serialize.js';
import type { Graph } from '../graph.js';
import type { DType } from '../dtype.js';

export interface Feed {
  dtype: DType;
  shape: readonly number[];
  values: ArrayLike<number>;
}

function toOrt(feed: Feed): ort.Tensor {
  const dims = [...feed.shape];
  switch (feed.dtype) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(feed.values), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(feed.values), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(Array.from(feed.values, (v) => BigInt(v))), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(feed.values), dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(feed.values), dims);
  }
}

export type Outputs = Record<string, Float64Array>;

/** A session for `graph`; `run` feeds plain numbers and returns every output as float64 numbers. */
export async function session(graph: Graph, options: ort.InferenceSession.SessionOptions = {}) {
  const s = await ort.InferenceSession.create(serializeModel(graph), { executionProviders: ['cpu'], ...options });
  return {
    async run(feeds: Record<string, Feed>): Promise<Outputs> {
      const result = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, toOrt(f)])));
      return Object.fromEntries(
        Object.entries(result).map(([k, t]) => [k, Float64Array.from(t.data as ArrayLike<number | bigint>, Number)]),
      );
    },
    release: () => s.release(),
  };
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32), so tests never change between runs. */
export function random(seed: number, count: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}
