/**
 * `npm run bench:kernels -w packages/tfjs-wasm [-- --runs 9 --only Conv2DBackpropFilter]`:
 * each training kernel at the models' batch-64 shapes on wasm, next to the kernel it
 * replaced (the stock wasm kernel, or the previous composition for the ones wasm lacks),
 * interleaved in one process so that both see the same load: the measurements behind the
 * replacements. Prints medians of wall time and of process CPU time (all threads), and the
 * reference / ours ratio of each; on a shared machine compare ratios, not times.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { median } from '@rosetta/harness';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterAsConvolution } from './kernels/Conv2DBackpropFilter.js';
import { stockKernel } from './register-training-kernels.js';
import { describeWasmRuntime, startWasm, stopWasm } from './wasm-runtime.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`kernel-bench-main: --runs must be a positive integer, got "${values.runs}"`);

type KernelRun = (inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap) => tf.TensorInfo | tf.TensorInfo[];

interface Case {
  readonly kernel: string;
  readonly label: string;
  readonly inputs: () => Record<string, tf.Tensor>;
  readonly attrs: Record<string, unknown>;
  /** What ours is compared with; default: the stock wasm kernel it replaced, if any. */
  readonly reference?: { readonly name: string; readonly run: KernelRun };
  /** Inputs replaced by a copy before every call (weights that change every step). */
  readonly fresh?: readonly string[];
}

const random = (shape: number[]) => tf.randomUniform(shape, -1, 1);
const backend = (): BackendWasm => tf.engine().backend as BackendWasm;
const previousFilterGradient = {
  name: 'the previous composition (transposes + one Conv2D)',
  run: ((inputs, attrs) => conv2DBackpropFilterAsConvolution({ inputs, backend: backend(), attrs } as never)) as KernelRun,
};
const conv = (cIn: number, cOut: number, size: number, withInput = true): Case[] => [
  {
    // The stock forward convolution of the same sizes: the rate its gradients can aim at.
    kernel: 'Conv2D', label: `forward, x [64,${size},${size},${cIn}] -> ${cOut} channels (stock)`,
    inputs: () => ({ x: random([64, size, size, cIn]), filter: random([3, 3, cIn, cOut]) }),
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 },
    fresh: ['filter'],
  },
  {
    kernel: 'Conv2DBackpropFilter', label: `x [64,${size},${size},${cIn}] -> [3,3,${cIn},${cOut}]`,
    inputs: () => ({ x: random([64, size, size, cIn]), dy: random([64, size, size, cOut]) }),
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cIn, cOut] },
    reference: previousFilterGradient,
  },
  ...(withInput
    ? [{
        kernel: 'Conv2DBackpropInput', label: `dy [64,${size},${size},${cOut}] -> [64,${size},${size},${cIn}]`,
        inputs: () => ({ dy: random([64, size, size, cOut]), filter: random([3, 3, cIn, cOut]) }),
        attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, size, size, cIn] },
      }]
    : []),
];
const pool = (size: number, channels: number): Case => ({
  kernel: 'MaxPoolGrad', label: `x [64,${size},${size},${channels}], 2x2 stride 2`,
  inputs: () => {
    const dy = random([64, size / 2, size / 2, channels]);
    return { dy, input: tf.relu(random([64, size, size, channels])), output: dy };
  },
  attrs: { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
});
const CASES: Case[] = [
  ...conv(3, 50, 32, false), ...conv(50, 50, 32), ...conv(50, 100, 16), ...conv(100, 100, 16),
  pool(32, 50), pool(16, 100),
  {
    kernel: 'Sum', label: 'conv bias gradient: [64,32,32,50] over axes 0,1,2',
    inputs: () => ({ x: random([64, 32, 32, 50]) }), attrs: { axis: [0, 1, 2], keepDims: false },
  },
  {
    // A new W every call, as after every optimizer step: XNNPACK packs it each time.
    kernel: 'BatchMatMul', label: 'dense1 forward, new weights each call: [1,64,6400] x [1,6400,512]',
    inputs: () => ({ a: random([1, 64, 6400]), b: random([1, 6400, 512]) }), attrs: { transposeA: false, transposeB: false },
    fresh: ['b'],
  },
  {
    kernel: 'BatchMatMul', label: 'dense1 dW: [1,64,6400]^T x [1,64,512]',
    inputs: () => ({ a: random([1, 64, 6400]), b: random([1, 64, 512]) }), attrs: { transposeA: true, transposeB: false },
  },
  {
    kernel: 'BatchMatMul', label: 'dense1 dx: [1,64,512] x [1,6400,512]^T',
    inputs: () => ({ a: random([1, 64, 512]), b: random([1, 6400, 512]) }), attrs: { transposeA: false, transposeB: true },
  },
  // One GRU time step's products (1,350 per training step); the recurrent kernel's
  // halves are new tensors every step (tf.split), so XNNPACK packs them every time.
  {
    kernel: 'BatchMatMul', label: 'GRU h rk1, new rk1 each call: [1,64,100] x [1,100,200]',
    inputs: () => ({ a: random([1, 64, 100]), b: random([1, 100, 200]) }), attrs: { transposeA: false, transposeB: false },
    fresh: ['b'],
  },
  {
    kernel: 'BatchMatMul', label: 'GRU rk1 gradient: [1,64,100]^T x [1,64,200]',
    inputs: () => ({ a: random([1, 64, 100]), b: random([1, 64, 200]) }), attrs: { transposeA: true, transposeB: false },
    fresh: ['b'],
  },
  {
    kernel: 'BatchMatMul', label: 'GRU h gradient: [1,64,200] x [1,100,200]^T',
    inputs: () => ({ a: random([1, 64, 200]), b: random([1, 100, 200]) }), attrs: { transposeA: false, transposeB: true },
    fresh: ['a'],
  },
  {
    kernel: 'Unpack', label: 'GRU time steps: [150,64,125] along axis 0',
    inputs: () => ({ value: random([150, 64, 125]) }), attrs: { axis: 0 },
  },
  {
    kernel: 'SplitV', label: 'GRU gates: [64,300] into 3 along axis 1',
    inputs: () => ({ x: random([64, 300]) }), attrs: { numOrSizeSplits: 3, axis: 1 },
  },
  {
    kernel: 'Slice', label: 'one GRU time step of [150,64,125]',
    inputs: () => ({ x: random([150, 64, 125]) }), attrs: { begin: [75, 0, 0], size: [1, 64, 125] },
  },
  {
    kernel: 'UnsortedSegmentSum', label: '[9600,125] into 30000 segments',
    inputs: () => ({ x: random([9600, 125]), segmentIds: tf.randomUniform([9600], 0, 30000, 'int32') }),
    attrs: { numSegments: 30000 },
  },
];

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Wall and CPU ms of one call, waiting for the result; frees what it returned. */
function timeOnce(run: () => tf.TensorInfo | tf.TensorInfo[]): { wall: number; cpu: number } {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  const outs = [run()].flat();
  for (const out of outs) backend().readSync(out.dataId, 0, 1); // wait for the result
  const times = { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 };
  for (const out of outs) backend().disposeData(out.dataId);
  return times;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const runtime = await startWasm();
console.log(`kernel bench on ${describeWasmRuntime(runtime)}: median of ${RUNS} interleaved runs after 1 warm-up each; load average ${load()}`);
for (const c of CASES.filter((k) => values.only === undefined || k.kernel === values.only)) {
  const inputs = c.inputs();
  const attrs = c.attrs as tf.NamedAttrMap;
  const ours: KernelRun = (i, a) => tf.engine().runKernel(c.kernel, i, a) as tf.Tensor;
  const stock = stockKernel(c.kernel);
  const reference =
    c.reference ??
    (stock && { name: 'the stock wasm kernel', run: ((i, a) => stock.kernelFunc({ inputs: i, backend: backend(), attrs: a })) as KernelRun });
  const samples = { ours: [] as { wall: number; cpu: number }[], reference: [] as { wall: number; cpu: number }[] };
  /** Times `run` on the inputs, with fresh copies of those that change every step. */
  const timed = (run: KernelRun) => {
    // A computed copy has new data (tf.clone would share it, and XNNPACK its packing).
    const copies = Object.fromEntries((c.fresh ?? []).map((name) => [name, tf.add(inputs[name]!, 0)]));
    const times = timeOnce(() => run({ ...inputs, ...copies }, attrs));
    tf.dispose(Object.values(copies));
    return times;
  };
  // The first call of each creates XNNPACK operators and grows the heap: not timed.
  timed(ours);
  if (reference) timed(reference.run);
  for (let r = 0; r < RUNS; r++) {
    // Alternate which goes first, so that neither always runs on a warmer cache.
    const order = r % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const);
    for (const which of order) {
      if (which === 'ours') samples.ours.push(timed(ours));
      else if (reference) samples.reference.push(timed(reference.run));
    }
  }
  const summary = (s: { wall: number; cpu: number }[]) => ({ wall: median(s.map((t) => t.wall)), cpu: median(s.map((t) => t.cpu)) });
  const o = summary(samples.ours);
  let line = `${c.kernel} ${c.label}: ${o.wall.toFixed(1)} ms (CPU ${o.cpu.toFixed(1)} ms)`;
  if (reference) {
    const ref = summary(samples.reference);
    line +=
      `; ${reference.name}: ${ref.wall.toFixed(1)} ms (CPU ${ref.cpu.toFixed(1)} ms); ` +
      `reference / ours: ${(ref.wall / o.wall).toFixed(2)}x wall, ${(ref.cpu / o.cpu).toFixed(2)}x CPU`;
  } else {
    line += ' (no kernel to compare with)';
  }
  console.log(`${line}; load ${load()}`);
  tf.dispose(Object.values(inputs));
}
await stopWasm();
