import { describe, expect, test } from 'vitest';
import * as G from '../index.js';
import { random, session } from '../testing/ort.js';
import { lossAndGrads, sgdMomentumStep, type Problem } from '../testing/softmax-regression.js';

describe('loop', () => {
  test('K training steps in one run (parameters and velocities loop-carried) equal K steps done one by one', async () => {
    const [steps, batch, features, classes] = [3, 4, 3, 3];
    const g = new G.Graph('train_chunk');
    // One chunk of K batches per run: [K, B, ...]. The body reads batch k with Gather.
    const xs = g.input('xs', 'float64', [steps, batch, features]);
    const ys = g.input('ys', 'int64', [steps, batch]);
    const init = [
      g.input('w', 'float64', [features, classes]),
      g.input('b', 'float64', [classes]),
      g.input('vw', 'float64', [features, classes]),
      g.input('vb', 'float64', [classes]),
    ];
    const { carried, scanned } = G.loop(g, steps, init, (k, [w, b, vw, vb]) => {
      const x = G.gather(xs, k);
      const labels = G.gather(ys, k);
      const loss = G.softmaxCrossEntropy(G.add(G.matMul(x, w!), b!), labels);
      const update = G.sgdMomentum([w!, b!], G.grad(loss, [w!, b!]), [vw!, vb!], { learningRate: 0.1, momentum: 0.9 });
      return { carried: [...update.params, ...update.velocities], scanned: [loss] };
    });
    ['w', 'b', 'vw', 'vb'].forEach((name, i) => g.output(carried[i]!, `new_${name}`));
    g.output(scanned[0]!, 'losses');

    const x = random(1, steps * batch * features);
    const labels = [0, 2, 1, 2, 1, 1, 0, 2, 2, 0, 1, 0];
    let w = random(2, features * classes);
    let b = random(3, classes);
    let vw = new Array<number>(features * classes).fill(0);
    let vb = new Array<number>(classes).fill(0);
    const f64 = (shape: number[], values: number[]) => ({ dtype: 'float64' as const, shape, values });
    const s = await session(g);
    const out = await s.run({
      xs: f64([steps, batch, features], x),
      ys: { dtype: 'int64', shape: [steps, batch], values: labels },
      w: f64([features, classes], w),
      b: f64([classes], b),
      vw: f64([features, classes], vw),
      vb: f64([classes], vb),
    });
    await s.release();

    const losses: number[] = [];
    for (let k = 0; k < steps; k++) {
      const problem: Problem = {
        batch,
        features,
        classes,
        x: x.slice(k * batch * features, (k + 1) * batch * features),
        labels: labels.slice(k * batch, (k + 1) * batch),
      };
      const ref = lossAndGrads(problem, { w, b });
      losses.push(ref.loss);
      ({ w, v: vw } = sgdMomentumStep(w, ref.grads.w, vw, 0.1, 0.9));
      ({ w: b, v: vb } = sgdMomentumStep(b, ref.grads.b, vb, 0.1, 0.9));
    }
    const close = (got: Float64Array, want: number[]) => want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-12));
    close(out['losses']!, losses);
    close(out['new_w']!, w);
    close(out['new_b']!, b);
    close(out['new_vw']!, vw);
    close(out['new_vb']!, vb);
  });

  test('a graph can hold several loops', async () => {
    const g = new G.Graph('two_loops');
    const x = g.input('x', 'float64', [2]);
    const once = G.loop(g, 2, [x], (_k, [acc]) => ({ carried: [G.mul(acc!, 2)] })).carried[0]!;
    const twice = G.loop(g, 3, [once], (_k, [acc]) => ({ carried: [G.add(acc!, 1)] })).carried[0]!;
    g.output(twice, 'y');
    const s = await session(g);
    expect(Array.from((await s.run({ x: { dtype: 'float64', shape: [2], values: [1, -1] } }))['y']!)).toEqual([7, -1]);
    await s.release();
  });

  // What per-step dropout masks rely on (ORT 1.29, CPU provider): a Dropout node with a seed
  // attribute keeps one generator per session that advances at every execution, so each loop
  // iteration and each run gets a new mask, and a new session replays the same sequence.
  test('a seeded Dropout in a loop body draws a new mask every iteration, reproducibly per session', async () => {
    const g = new G.Graph('dropout_loop');
    const x = g.input('x', 'float32', [256]);
    const { scanned } = G.loop(g, 3, [], (k) => {
      // The input must depend on the body (here: + 0 * k), or the node would sit in the outer graph.
      const inBody = G.add(x, G.mul(G.cast(k, 'float32'), 0));
      return { carried: [], scanned: [G.dropout(inBody, 0.5, { training: true, seed: 1234 })] };
    });
    g.output(scanned[0]!, 'masks');
    const feeds = { x: { dtype: 'float32' as const, shape: [256], values: new Array<number>(256).fill(1) } };
    const masks = async () => {
      const s = await session(g);
      const runs = [(await s.run(feeds))['masks']!, (await s.run(feeds))['masks']!];
      await s.release();
      return runs.map((m) => [0, 1, 2].map((k) => Array.from(m.slice(k * 256, (k + 1) * 256), (v) => (v > 0 ? 1 : 0)).join('')));
    };
    const first = await masks();
    const all = first.flat();
    expect(new Set(all).size).toBe(all.length); // six different masks
    for (const mask of all) expect(Math.abs(mask.split('1').length - 1 - 128)).toBeLessThan(40); // about half kept
    expect(await masks()).toEqual(first); // a new session replays them
  });
});
