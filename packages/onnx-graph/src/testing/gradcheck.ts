// Finite-difference check of gradient rules: the analytic gradient the graph computes against
// central differences of the same graph's loss, evaluated by ORT.
import { expect } from 'vitest';
import { Graph, type Tensor } from '../graph.js';
import type { DType } from '../dtype.js';
import type { Target } from '../target.js';
import { grad } from '../grad/grad.js';
import { constant } from '../ops/constants.js';
import { mul } from '../ops/elementwise.js';
import { reduceSum } from '../ops/reduce.js';
import { random, session, type Feed } from './ort.js';

export interface CheckInput {
  shape: number[];
  /** Values; default: seeded random in [-1, 1). */
  values?: number[];
  dtype?: DType;
  /** Integer inputs (indices, labels) are fed but not differentiated. */
  differentiable?: boolean;
}

export interface GradCheck {
  dtype: 'float32' | 'float64';
  inputs: Record<string, CheckInput>;
  forward: (x: Record<string, Tensor>) => Tensor;
  /** Finite-difference step. */
  h: number;
  /** Pass when |analytic - numeric| <= tolerance * max(1, |numeric|) for every element. */
  tolerance: number;
  /** Ops with random state (Dropout) get a new session per evaluation, which replays the same mask. */
  freshSessions?: boolean;
  /** The provider the graph is built for (its other formulations); default: every ONNX op. */
  target?: Target;
}

/**
 * Builds loss = sum(y * r) for a fixed random r (so every output element counts, each with its
 * own weight), differentiates it with `grad`, and compares with (L(x + h) - L(x - h)) / 2h.
 * Returns the largest error seen, scaled as in the tolerance.
 */
export async function checkGradients(check: GradCheck): Promise<number> {
  const g = new Graph('gradcheck', null, check.target);
  const tensors: Record<string, Tensor> = {};
  const feeds: Record<string, Feed> = {};
  let seed = 1;
  for (const [name, spec] of Object.entries(check.inputs)) {
    const dtype = spec.dtype ?? check.dtype;
    tensors[name] = g.input(name, dtype, spec.shape);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    feeds[name] = { dtype, shape: spec.shape, values: spec.values ?? random(seed++, count) };
  }
  const y = check.forward(tensors);
  const r = constant(g, y.dtype, y.staticShape(), random(99, y.size()), 'projection');
  const weighted = mul(y, r);
  const loss = y.rank === 0 ? weighted : reduceSum(weighted, y.shape.map((_, i) => i));
  const diff = Object.keys(check.inputs).filter((n) => (check.inputs[n]!.differentiable ?? true) && (check.inputs[n]!.dtype ?? check.dtype) === check.dtype);
  const grads = grad(loss, diff.map((n) => tensors[n]!));
  g.output(loss, 'loss');
  grads.forEach((t, i) => g.output(t, `grad_${diff[i]}`));

  let shared = check.freshSessions ? null : await session(g);
  const evaluate = async (f: Record<string, Feed>) => {
    const s = shared ?? (await session(g));
    const out = await s.run(f);
    if (shared === null) await s.release();
    return out;
  };

  const analytic = await evaluate(feeds);
  let worst = 0;
  for (const name of diff) {
    const base = Array.from(feeds[name]!.values);
    const a = analytic[`grad_${name}`]!;
    expect(a.length).toBe(base.length);
    for (let i = 0; i < base.length; i++) {
      const at = async (delta: number) => {
        const values = base.slice();
        values[i]! += delta;
        return (await evaluate({ ...feeds, [name]: { ...feeds[name]!, values } }))['loss']![0]!;
      };
      const numeric = ((await at(check.h)) - (await at(-check.h))) / (2 * check.h);
      const error = Math.abs(a[i]! - numeric) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, error);
      if (error > check.tolerance) {
        throw new Error(`gradient of ${name}[${i}]: analytic ${a[i]} vs numeric ${numeric} (scaled error ${error} > ${check.tolerance})`);
      }
    }
  }
  await shared?.release();
  shared = null;
  return worst;
}
