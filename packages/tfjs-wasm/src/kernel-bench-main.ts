/**
 * `npm run bench:kernels -w packages/tfjs-wasm`: median ms of each training kernel at the
 * models' batch-64 shapes on wasm, next to the stock wasm kernel it replaces where there
 * is one: the measurements behind the two replacements.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { median } from '@rosetta/harness';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockKernel } from './register-training-kernels.js';
import { describeWasmRuntime, startWasm, stopWasm } from './wasm-runtime.js';

const RUNS = 5;

interface Case {
  readonly kernel: string;
  readonly label: string;
  readonly inputs: () => Record<string, tf.Tensor>;
  readonly attrs: Record<string, unknown>;
}

const random = (shape: number[]) => tf.randomUniform(shape, -1, 1);
const conv = (cIn: number, cOut: number, size: number): Case[] => [
  {
    kernel: 'Conv2DBackpropFilter', label: `x [64,${size},${size},${cIn}] -> [3,3,${cIn},${cOut}]`,
    inputs: () => ({ x: random([64, size, size, cIn]), dy: random([64, size, size, cOut]) }),
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cIn, cOut] },
  },
  {
    kernel: 'Conv2DBackpropInput', label: `dy [64,${size},${size},${cOut}] -> [64,${size},${size},${cIn}]`,
    inputs: () => ({ dy: random([64, size, size, cOut]), filter: random([3, 3, cIn, cOut]) }),
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, size, size, cIn] },
  },
];
const CASES: Case[] = [
  ...conv(3, 50, 32).slice(0, 1), ...conv(50, 50, 32), ...conv(50, 100, 16), ...conv(100, 100, 16),
  {
    kernel: 'BatchMatMul', label: 'dense1 dW: [1,64,6400]^T x [1,64,512]',
    inputs: () => ({ a: random([1, 64, 6400]), b: random([1, 64, 512]) }), attrs: { transposeA: true, transposeB: false },
  },
  {
    kernel: 'BatchMatMul', label: 'dense1 dx: [1,64,512] x [1,6400,512]^T',
    inputs: () => ({ a: random([1, 64, 512]), b: random([1, 6400, 512]) }), attrs: { transposeA: false, transposeB: true },
  },
  {
    kernel: 'UnsortedSegmentSum', label: '[9600,125] into 30000 segments',
    inputs: () => ({ x: random([9600, 125]), segmentIds: tf.randomUniform([9600], 0, 30000, 'int32') }),
    attrs: { numSegments: 30000 },
  },
];

function time(run: () => tf.TensorInfo): number {
  const samples: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const out = run();
    tf.engine().backend.readSync(out.dataId); // wait for the result
    samples.push(performance.now() - start);
    tf.engine().backend.disposeData(out.dataId);
  }
  return median(samples.slice(1)); // the first run creates XNNPACK operators
}

const runtime = await startWasm();
console.log(`kernel bench on ${describeWasmRuntime(runtime)}, median of ${RUNS} after 1 warm-up; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const backend = tf.engine().backend as BackendWasm;
for (const c of CASES) {
  const inputs = c.inputs();
  const ours = time(() => tf.engine().runKernel(c.kernel, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor);
  const stock = stockKernel(c.kernel);
  const theirs = stock && time(() => stock.kernelFunc({ inputs, backend, attrs: c.attrs as tf.NamedAttrMap }) as tf.TensorInfo);
  const comparison = theirs === undefined ? '(no stock wasm kernel)' : `stock ${theirs.toFixed(1)} ms (${(theirs / ours).toFixed(1)}x)`;
  console.log(`${c.kernel} ${c.label}: ${ours.toFixed(1)} ms, ${comparison}`);
  tf.dispose(Object.values(inputs));
}
await stopWasm();
