import { describe, expect, test } from 'vitest';
import * as G from './index.js';
import { random, session, type Feed } from './testing/ort.js';
import { adamStep, lossAndGrads, sgdMomentumStep, type Problem } from './testing/softmax-regression.js';

const [batch, features, classes] = [4, 3, 3];
const spec = (optimizer: G.Optimizer, stepsPerRun: number): G.TrainingSpec => ({
  name: 'softmax_regression',
  dtype: 'float64',
  params: [
    { name: 'w', shape: [features, classes] },
    { name: 'b', shape: [classes] },
  ],
  batch: [
    { name: 'x', dtype: 'float64', shape: [batch, features] },
    { name: 'labels', dtype: 'int64', shape: [batch] },
  ],
  loss: ({ w, b }, { x, labels }) => G.softmaxCrossEntropy(G.add(G.matMul(x!, w!), b!), labels!),
  optimizer,
  stepsPerRun,
});

const steps = 6;
const xs = random(1, steps * batch * features);
const labels = Array.from({ length: steps * batch }, (_, i) => (i * 7) % classes);
const w0 = random(2, features * classes);
const b0 = random(3, classes);

type Reference = (w: number[], g: number[], slots: number[][], t: number) => { w: number[]; slots: number[][] };

/** Runs `steps` steps through the graph, `stepsPerRun` at a time, carrying the state in TypeScript. */
async function train(optimizer: G.Optimizer, stepsPerRun: number) {
  const { graph, names } = G.trainingGraph(spec(optimizer, stepsPerRun));
  const s = await session(graph);
  const f64 = (shape: number[], values: ArrayLike<number>): Feed => ({ dtype: 'float64', shape, values });
  const shapes = [[features, classes], [classes]];
  let state: Record<string, Feed> = { w: f64(shapes[0]!, w0), b: f64(shapes[1]!, b0), step: f64([], [0]) };
  names.slots.forEach((slot) => slot.forEach((name, i) => (state[name] = f64(shapes[i]!, new Array(shapes[i]!.reduce((a, c) => a * c, 1)).fill(0)))));
  optimizer.scalars.forEach(({ name, initial }) => (state[name] = f64([], [initial])));
  const losses: number[] = [];
  for (let first = 0; first < steps; first += stepsPerRun) {
    const out = await s.run({
      ...state,
      x: f64([stepsPerRun, batch, features], xs.slice(first * batch * features, (first + stepsPerRun) * batch * features)),
      labels: { dtype: 'int64', shape: [stepsPerRun, batch], values: labels.slice(first * batch, (first + stepsPerRun) * batch) },
    });
    losses.push(...out[names.loss]!);
    state = Object.fromEntries(Object.entries(state).map(([name, feed]) => [name, { ...feed, values: out[names.next(name)]! }]));
  }
  await s.release();
  return { losses, state };
}

/** The same steps in plain TypeScript. */
function reference(slotCount: number, update: Reference) {
  let params = { w: w0, b: b0 };
  let slots = { w: Array.from({ length: slotCount }, () => new Array<number>(9).fill(0)), b: Array.from({ length: slotCount }, () => new Array<number>(3).fill(0)) };
  const losses: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const problem: Problem = { batch, features, classes, x: xs.slice((t - 1) * batch * features, t * batch * features), labels: labels.slice((t - 1) * batch, t * batch) };
    const { loss, grads } = lossAndGrads(problem, params);
    losses.push(loss);
    const w = update(params.w, grads.w, slots.w, t);
    const b = update(params.b, grads.b, slots.b, t);
    params = { w: w.w, b: b.w };
    slots = { w: w.slots, b: b.slots };
  }
  return { losses, params };
}

const sgd: Reference = (w, g, [v], _t) => {
  const r = sgdMomentumStep(w, g, v!, 0.1, 0.9);
  return { w: r.w, slots: [r.v] };
};
const adamOptions = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const adam: Reference = (w, g, [m, v], t) => {
  const r = adamStep(w, g, m!, v!, t, adamOptions);
  return { w: r.w, slots: [r.m, r.v] };
};

const close = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-12));
};

describe('trainingGraph', () => {
  for (const stepsPerRun of [1, 3]) {
    test(`SGD momentum, ${steps} steps at ${stepsPerRun} per run, equals the plain TypeScript steps`, async () => {
      const got = await train(G.sgdMomentumOptimizer({ learningRate: 0.1, momentum: 0.9 }), stepsPerRun);
      const want = reference(1, sgd);
      close(got.losses, want.losses);
      close(got.state['w']!.values, want.params.w);
      close(got.state['b']!.values, want.params.b);
      close(got.state['step']!.values, [steps]);
    });

    test(`Adam, ${steps} steps at ${stepsPerRun} per run, equals the plain TypeScript steps`, async () => {
      const { lr: learningRate, ...rest } = adamOptions;
      const got = await train(G.adamOptimizer({ learningRate, ...rest }), stepsPerRun);
      const want = reference(2, adam);
      close(got.losses, want.losses);
      close(got.state['w']!.values, want.params.w);
      close(got.state['b']!.values, want.params.b);
    });
  }

  test('names every input and output after the parameters, slots and scalars', () => {
    const { graph, names } = G.trainingGraph(spec(G.adamOptimizer({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }), 2));
    expect(graph.inputs.map((t) => t.name)).toEqual(['x', 'labels', 'w', 'b', 'w.m', 'b.m', 'w.v', 'b.v', 'beta1Power', 'beta2Power', 'step']);
    expect(graph.outputs.map((t) => t.name)).toEqual(['next.w', 'next.b', 'next.w.m', 'next.b.m', 'next.w.v', 'next.b.v', 'next.beta1Power', 'next.beta2Power', 'next.step', 'loss']);
    expect(names.scalars).toEqual(['beta1Power', 'beta2Power']);
    expect(graph.inputs[0]!.shape).toEqual([2, batch, features]);
    expect(names.slots).toEqual([['w.m', 'b.m'], ['w.v', 'b.v']]);
  });
});
