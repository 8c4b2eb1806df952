// One training step of a small softmax regression, built as an ONNX graph (forward, grad,
// optimiser) and run by ORT in float64, against the same step worked out in plain TypeScript.
// Tolerance 1e-12 absolute on values of order 1: float64 rounding of these short sums is ~1e-16
// per operation, while the updates themselves are of order 1e-3 (Adam) to 1e-2 (SGD), so any
// formula error shows up some nine orders of magnitude above the tolerance.
import { describe, expect, test } from 'vitest';
import * as G from '../index.js';
import { random, session } from '../testing/ort.js';
import { adamStep, lossAndGrads, sgdMomentumStep, type Problem } from '../testing/softmax-regression.js';

const problem: Problem = { batch: 4, features: 3, classes: 3, x: random(1, 12), labels: [0, 2, 1, 2] };
const w0 = random(2, 9);
const b0 = random(3, 3).map((v) => v * 0.1);
const tolerance = 1e-12;

function expectClose(got: Float64Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  const worst = Math.max(...want.map((v, i) => Math.abs(got[i]! - v)));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** The model's graph: inputs x, labels, w, b; returns the loss and the gradients of w and b. */
function model(g: G.Graph) {
  const x = g.input('x', 'float64', [problem.batch, problem.features]);
  const labels = g.input('labels', 'int64', [problem.batch]);
  const w = g.input('w', 'float64', [problem.features, problem.classes]);
  const b = g.input('b', 'float64', [problem.classes]);
  const loss = G.softmaxCrossEntropy(G.add(G.matMul(x, w), b), labels);
  return { w, b, loss, grads: G.grad(loss, [w, b]) };
}

const data = {
  x: { dtype: 'float64' as const, shape: [problem.batch, problem.features], values: problem.x },
  labels: { dtype: 'int64' as const, shape: [problem.batch], values: problem.labels },
};

describe('optimisers as graph ops', () => {
  test('one SGD-momentum step (v = 0.9 v + g; w = w - 0.01 v) matches the hand-computed step', async () => {
    const g = new G.Graph('sgd_step');
    const { w, b, loss, grads } = model(g);
    const vw = g.input('vw', 'float64', w.shape);
    const vb = g.input('vb', 'float64', b.shape);
    const update = G.sgdMomentum([w, b], grads, [vw, vb], { learningRate: 0.01, momentum: 0.9 });
    g.output(loss, 'loss');
    ['w', 'b'].forEach((name, i) => {
      g.output(update.params[i]!, `new_${name}`);
      g.output(update.velocities[i]!, `new_v${name}`);
    });
    // Non-zero velocities, so the momentum term is exercised.
    const [vw0, vb0] = [random(4, 9), random(5, 3)];
    const s = await session(g);
    const out = await s.run({
      ...data,
      w: { dtype: 'float64', shape: [3, 3], values: w0 },
      b: { dtype: 'float64', shape: [3], values: b0 },
      vw: { dtype: 'float64', shape: [3, 3], values: vw0 },
      vb: { dtype: 'float64', shape: [3], values: vb0 },
    });
    await s.release();

    const ref = lossAndGrads(problem, { w: w0, b: b0 });
    const refW = sgdMomentumStep(w0, ref.grads.w, vw0, 0.01, 0.9);
    const refB = sgdMomentumStep(b0, ref.grads.b, vb0, 0.01, 0.9);
    expectClose(out['loss']!, [ref.loss]);
    expectClose(out['new_w']!, refW.w);
    expectClose(out['new_vw']!, refW.v);
    expectClose(out['new_b']!, refB.w);
    expectClose(out['new_vb']!, refB.v);
  });

  test('two Adam steps with bias correction (lr 0.001, betas 0.9/0.999, epsilon 1e-8) match the hand-computed steps', async () => {
    const options = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const g = new G.Graph('adam_step');
    const { w, b, loss, grads } = model(g);
    const m = [g.input('mw', 'float64', w.shape), g.input('mb', 'float64', b.shape)];
    const v = [g.input('vw', 'float64', w.shape), g.input('vb', 'float64', b.shape)];
    const powers = { beta1: g.input('beta1Power', 'float64', []), beta2: g.input('beta2Power', 'float64', []) };
    const update = G.adam([w, b], grads, m, v, powers, options);
    g.output(loss, 'loss');
    g.output(update.powers.beta1, 'new_beta1Power');
    g.output(update.powers.beta2, 'new_beta2Power');
    ['w', 'b'].forEach((name, i) => {
      g.output(update.params[i]!, `new_${name}`);
      g.output(update.m[i]!, `new_m${name}`);
      g.output(update.v[i]!, `new_v${name}`);
    });
    const s = await session(g);
    const f64 = (shape: number[], values: ArrayLike<number>) => ({ dtype: 'float64' as const, shape, values });

    let state = { w: w0, b: b0, mw: new Array(9).fill(0), mb: [0, 0, 0], vw: new Array(9).fill(0), vb: [0, 0, 0] };
    for (const t of [1, 2]) {
      const out = await s.run({
        ...data,
        w: f64([3, 3], state.w),
        b: f64([3], state.b),
        mw: f64([3, 3], state.mw),
        mb: f64([3], state.mb),
        vw: f64([3, 3], state.vw),
        vb: f64([3], state.vb),
        beta1Power: f64([], [options.beta1 ** (t - 1)]),
        beta2Power: f64([], [options.beta2 ** (t - 1)]),
      });
      expectClose(out['new_beta1Power']!, [options.beta1 ** t]);
      expectClose(out['new_beta2Power']!, [options.beta2 ** t]);
      const hyper = { lr: options.learningRate, beta1: options.beta1, beta2: options.beta2, epsilon: options.epsilon };
      const ref = lossAndGrads(problem, { w: state.w, b: state.b });
      const refW = adamStep(state.w, ref.grads.w, state.mw, state.vw, t, hyper);
      const refB = adamStep(state.b, ref.grads.b, state.mb, state.vb, t, hyper);
      expectClose(out['loss']!, [ref.loss]);
      expectClose(out['new_w']!, refW.w);
      expectClose(out['new_mw']!, refW.m);
      expectClose(out['new_vw']!, refW.v);
      expectClose(out['new_b']!, refB.w);
      expectClose(out['new_mb']!, refB.m);
      expectClose(out['new_vb']!, refB.v);
      // Step 1 moves every weight by about lr (bias-corrected m / sqrt(v) is +-1): a check that
      // the bias correction is there, since without it the first step would be ~0.1 lr / 0.03.
      if (t === 1) expect(Math.max(...refW.w.map((wi, i) => Math.abs(Math.abs(wi - state.w[i]!) - options.learningRate)))).toBeLessThan(1e-6);
      state = { w: Array.from(out['new_w']!), b: Array.from(out['new_b']!), mw: Array.from(out['new_mw']!), mb: Array.from(out['new_mb']!), vw: Array.from(out['new_vw']!), vb: Array.from(out['new_vb']!) };
    }
    await s.release();
  });
});
