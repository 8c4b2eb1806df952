// Which formulation of the Conv gradient ORT's CPU provider runs fastest, at the CNN's layer-2
// shape (x [64, 50, 32, 32], W [50, 50, 3, 3], pad 1). Run: `npm run bench -w packages/onnx-graph`.
//
// It measures CPU time of one intra-op thread, not wall time: this machine is shared, and the
// CPU time a single thread spends is what varies least with other load. Each graph holds only the
// formulation under test (ORT does not prune nodes whose outputs are unused).
import { test } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as G from '../src/index.js';
import { convInputGrad, convKernelGrad } from '../src/grad/conv.js';
import { random } from '../src/testing/ort.js';

const X = [64, 50, 32, 32];
const W = [50, 50, 3, 3];
const options = { pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1] };
const swap = [1, 0, 2, 3];

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

test('Conv gradient formulations: median CPU ms per run (1 thread)', async () => {
  const cases: Record<string, () => Promise<unknown>> = {
    'forward Conv (scale)': await prepare({ x: X, w: W }, ({ x, w }) => G.conv(x!, w!, null, options)),
    'dX ConvTranspose': await prepare({ dy: X, w: W }, ({ dy, w }) => G.convTranspose(dy!, w!, [32, 32], options)),
    'dX Conv, flipped kernel (used)': await prepare({ x: X, dy: X, w: W }, ({ x, dy, w }) => convInputGrad(x!, w!, dy!, options)),
    'dW one Conv of transposed X, dY': await prepare({ x: X, dy: X }, ({ x, dy }) =>
      G.transpose(G.conv(G.transpose(x!, swap), G.transpose(dy!, swap), null, options), swap),
    ),
    'dW Gemm per kernel position (used)': await prepare({ x: X, dy: X, w: W }, ({ x, dy, w }) => convKernelGrad(x!, w!, dy!, options)),
  };
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
  const forward = median(samples['forward Conv (scale)']!);
  for (const [name, v] of Object.entries(samples)) {
    const m = median(v);
    console.log(`${name.padEnd(36)} ${m.toFixed(1).padStart(7)} ms  ${(m / forward).toFixed(2)}x forward`);
  }
});
