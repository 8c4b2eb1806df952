// Which formulation of the Conv gradient ORT's CPU provider runs fastest, at the shapes of the
// CNN's first, second and fourth layers (x [64, C, S, S], W [O, C, 3, 3], pad 1). Run:
// `npm run bench -w packages/onnx-graph`.
//
// Two numbers per formulation, each the fastest wall time of 7 interleaved rounds (this machine is
// shared; the fastest run is the one least disturbed by other load): with one intra-op thread, and
// with two, which is how the training graphs run on it and where formulations differ in how well
// ORT spreads them over the threads. (Not CPU time: a two-thread session's pool keeps spinning for
// a while after its run.) Each graph holds only the formulation under test (ORT does not prune
// nodes whose outputs are unused).
import { test } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as G from '../src/index.js';
import { convInputGrad, convParameterGrads } from '../src/grad/conv.js';
import { random } from '../src/testing/ort.js';

const options = { pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] };
const swap = [1, 0, 2, 3];
const kernelOnly = { kernel: true, bias: false };

type Build = (x: Record<string, G.Tensor>) => G.Tensor;

async function session(shapes: Record<string, number[]>, build: Build, threads: number) {
  const g = new G.Graph('bench');
  const inputs: Record<string, G.Tensor> = {};
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    inputs[name] = g.input(name, 'float32', shape);
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(random(n, n)), shape);
  }
  // Only a scalar leaves the session, so output copies do not blur the comparison.
  const y = build(inputs);
  g.output(G.reduceSum(y, y.shape.map((_, i) => i)), 'y');
  const s = await ort.InferenceSession.create(G.serializeModel(g), { intraOpNumThreads: threads });
  return () => s.run(feeds);
}

/** The windows of the padded X that the 9 kernel positions saw, each [C, N * S * S], by Slice. */
function slicedWindows(x: G.Tensor): G.Tensor[] {
  const [inChannels, size] = [x.staticShape()[1]!, x.staticShape()[2]!];
  const xT = G.transpose(G.pad(x, [0, 0, 1, 1, 0, 0, 1, 1]), swap);
  return [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => G.reshape(G.slice(xT, [i, j], [i + size, j + size], [2, 3]), [inChannels, -1])));
}

/** The kernel gradient as one Gemm per kernel position over its sliced window. */
function perPositionKernelGrad(x: G.Tensor, w: G.Tensor, dy: G.Tensor): G.Tensor {
  const [outChannels, inChannels] = w.staticShape() as [number, number];
  const dyRows = G.reshape(G.transpose(dy, swap), [outChannels, -1]);
  const perPosition = slicedWindows(x).map((window) => G.unsqueeze(G.gemm(dyRows, window, null, { transB: true }), [2]));
  return G.reshape(G.concat(perPosition, 2), [outChannels, inChannels, 3, 3]);
}

/**
 * The kernel gradient as one Gemm over the sliced windows stacked into [C * 9, N * S * S] by a
 * Concat (what the rule did before the grouped one-hot Conv).
 */
function stackedWindowsKernelGrad(x: G.Tensor, w: G.Tensor, dy: G.Tensor): G.Tensor {
  const [outChannels, inChannels] = w.staticShape() as [number, number];
  const dyRows = G.reshape(G.transpose(dy, swap), [outChannels, -1]);
  const columns = G.reshape(G.concat(slicedWindows(x).map((window) => G.unsqueeze(window, [1])), 1), [inChannels * 9, -1]);
  return G.reshape(G.gemm(dyRows, columns, null, { transB: true }), [outChannels, inChannels, 3, 3]);
}

function formulations(c: number, o: number, s: number): Record<string, [Record<string, number[]>, Build]> {
  const [X, Y, W] = [[64, c, s, s], [64, o, s, s], [o, c, 3, 3]];
  return {
    'forward Conv (scale)': [{ x: X, w: W }, ({ x, w }) => G.conv(x!, w!, null, options)],
    'dX ConvTranspose': [{ dy: Y, w: W }, ({ dy, w }) => G.convTranspose(dy!, w!, [s, s], options)],
    'dX Conv, flipped kernel (used)': [{ x: X, dy: Y, w: W }, ({ x, dy, w }) => convInputGrad(x!, w!, dy!, options)],
    'dW one Conv of transposed X, dY': [{ x: X, dy: Y }, ({ x, dy }) => G.transpose(G.conv(G.transpose(x!, swap), G.transpose(dy!, swap), null, options), swap)],
    'dW grouped one-hot Conv + MatMul (used)': [{ x: X, dy: Y, w: W }, ({ x, dy, w }) => convParameterGrads(x!, w!, dy!, options, kernelOnly).kernel!],
    'dW one Gemm, sliced windows stacked': [{ x: X, dy: Y, w: W }, ({ x, dy, w }) => stackedWindowsKernelGrad(x!, w!, dy!)],
    'dW one Gemm per position': [{ x: X, dy: Y, w: W }, ({ x, dy, w }) => perPositionKernelGrad(x!, w!, dy!)],
  };
}

test('Conv gradient formulations: fastest ms with 1 and with 2 intra-op threads', async () => {
  for (const [c, o, s] of [[3, 50, 32], [50, 50, 32], [100, 100, 16]] as const) {
    const runs: Record<string, [() => Promise<unknown>, () => Promise<unknown>]> = {};
    for (const [name, [shapes, build]] of Object.entries(formulations(c, o, s))) runs[name] = [await session(shapes, build, 1), await session(shapes, build, 2)];
    const fastest: Record<string, [number, number]> = {};
    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    // Interleaved rounds, the first one discarded as warm-up.
    for (let round = 0; round < 8; round++) {
      for (const [name, [one, two]] of Object.entries(runs)) {
        const [a, b] = [await time(one), await time(two)];
        const best = fastest[name] ?? [Infinity, Infinity];
        if (round > 0) fastest[name] = [Math.min(best[0], a), Math.min(best[1], b)];
      }
    }
    const [oneForward, twoForward] = fastest['forward Conv (scale)']!;
    console.log(`x [64, ${c}, ${s}, ${s}], W [${o}, ${c}, 3, 3]`);
    for (const [name, [a, b]] of Object.entries(fastest)) {
      console.log(`  ${name.padEnd(40)} 1 thread ${a.toFixed(1).padStart(6)} ms ${(a / oneForward).toFixed(2)}x   2 threads ${b.toFixed(1).padStart(6)} ms ${(b / twoForward).toFixed(2)}x`);
    }
  }
});
