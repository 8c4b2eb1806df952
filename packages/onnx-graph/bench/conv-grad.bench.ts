// Which formulation of the Conv gradient ORT's CPU provider runs fastest, at the CNN's first and
// second layers (x [64, 3 or 50, 32, 32], W [50, 3 or 50, 3, 3], pad 1). Run:
// `npm run bench -w packages/onnx-graph`.
//
// It measures CPU time of one intra-op thread, not wall time: this machine is shared, and the
// CPU time a single thread spends is what varies least with other load. Each graph holds only the
// formulation under test (ORT does not prune nodes whose outputs are unused).
import { test } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as G from '../src/index.js';
import { convInputGrad, convParameterGrads } from '../src/grad/conv.js';
import { random } from '../src/testing/ort.js';

const options = { pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] };
const swap = [1, 0, 2, 3];
const both = { kernel: true, bias: false };

async function prepare(shapes: Record<string, number[]>, build: (x: Record<string, G.Tensor>) => G.Tensor) {
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
  const session = await ort.InferenceSession.create(G.serializeModel(g), { intraOpNumThreads: 1 });
  return () => session.run(feeds);
}

/** The kernel gradient the other way round from the one the rule builds for these channels. */
function otherKernelGrad(x: G.Tensor, w: G.Tensor, dy: G.Tensor): G.Tensor {
  const [outChannels, inChannels] = w.staticShape() as [number, number];
  const xT = G.transpose(G.pad(x, [0, 0, 1, 1, 0, 0, 1, 1]), swap);
  const dyRows = G.reshape(G.transpose(dy, swap), [outChannels, -1]);
  const windows = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => G.slice(xT, [i, j], [i + 32, j + 32], [2, 3])));
  if (inChannels >= 16) {
    // Stacked: all positions as the columns of one product (what fewer input channels get).
    const columns = G.reshape(G.concat(windows.map((t) => G.unsqueeze(t, [1])), 1), [inChannels * 9, -1]);
    return G.reshape(G.gemm(dyRows, columns, null, { transB: true }), [outChannels, inChannels, 3, 3]);
  }
  // One product per kernel position (what more input channels get).
  const perPosition = windows.map((t) => G.unsqueeze(G.gemm(dyRows, G.reshape(t, [inChannels, -1]), null, { transB: true }), [2]));
  return G.reshape(G.concat(perPosition, 2), [outChannels, inChannels, 3, 3]);
}

async function layer(channels: number): Promise<Record<string, () => Promise<unknown>>> {
  const X = [64, channels, 32, 32];
  const Y = [64, 50, 32, 32];
  const W = [50, channels, 3, 3];
  const used = channels < 16 ? 'stacked' : 'per position';
  const other = channels < 16 ? 'per position' : 'stacked';
  return {
    [`C=${channels} forward Conv (scale)`]: await prepare({ x: X, w: W }, ({ x, w }) => G.conv(x!, w!, null, options)),
    [`C=${channels} dX ConvTranspose`]: await prepare({ dy: Y, w: W }, ({ dy, w }) => G.convTranspose(dy!, w!, [32, 32], options)),
    [`C=${channels} dX Conv, flipped kernel (used)`]: await prepare({ x: X, dy: Y, w: W }, ({ x, dy, w }) => convInputGrad(x!, w!, dy!, options)),
    [`C=${channels} dW one Conv of transposed X, dY`]: await prepare({ x: X, dy: Y }, ({ x, dy }) =>
      G.transpose(G.conv(G.transpose(x!, swap), G.transpose(dy!, swap), null, options), swap),
    ),
    [`C=${channels} dW Gemm ${used} (used)`]: await prepare({ x: X, dy: Y, w: W }, ({ x, dy, w }) => convParameterGrads(x!, w!, dy!, options, both).kernel!),
    [`C=${channels} dW Gemm ${other}`]: await prepare({ x: X, dy: Y, w: W }, ({ x, dy, w }) => otherKernelGrad(x!, w!, dy!)),
  };
}

test('Conv gradient formulations: median CPU ms per run (1 thread)', async () => {
  for (const channels of [3, 50]) {
    const cases = await layer(channels);
    const samples: Record<string, number[]> = {};
    // Interleaved rounds, the first one discarded as warm-up.
    for (let round = 0; round < 8; round++) {
      for (const [name, run] of Object.entries(cases)) {
        const before = process.cpuUsage();
        await run();
        const used = process.cpuUsage(before);
        if (round > 0) (samples[name] ??= []).push((used.user + used.system) / 1000);
      }
    }
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
    const forward = median(samples[`C=${channels} forward Conv (scale)`]!);
    for (const [name, v] of Object.entries(samples)) {
      const m = median(v);
      console.log(`${name.padEnd(44)} ${m.toFixed(1).padStart(7)} ms  ${(m / forward).toFixed(2)}x forward`);
    }
  }
});
