/**
 * `npm run bench:kernels -w packages/tfjs-cpu`: median ms of the three replaced kernels at
 * the models' batch-64 shapes, next to the stock cpu kernel. The stock filter gradient and
 * segment sum take minutes at those shapes, so they run on a cut-down workload that their
 * time is linear in (the batch; the number of segments, one full pass over x each) and the
 * printout says so. Options: --stock-batch N (default 2), --stock-segments N (default 100).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter, SplitV, UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { median } from '@rosetta/harness';
import { registerFastKernels } from './register-fast-kernels.js';
import { runCurrent, runStock, type KernelCall } from './testing/stock.js';

const { values } = parseArgs({ options: { 'stock-batch': { type: 'string' }, 'stock-segments': { type: 'string' } } });
function positive(flag: 'stock-batch' | 'stock-segments', fallback: number): number {
  const raw = values[flag];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench:kernels: --${flag} must be a positive integer, got "${raw}"`);
  return n;
}
const stockBatch = positive('stock-batch', 2);
const stockSegments = positive('stock-segments', 100);

registerFastKernels();
await tf.setBackend('cpu');

/** Median ms of `runs` calls after one untimed call; inputs made once, outside the clock. */
function time(kernel: string, call: KernelCall, stock: boolean, runs: number): number {
  const run = stock ? runStock : runCurrent;
  run(kernel, call);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run(kernel, call);
    samples.push(performance.now() - start);
  }
  Object.values(call.inputs).forEach((t) => t.dispose());
  return median(samples);
}

const random = (shape: number[]): tf.Tensor => tf.randomUniform(shape, -1, 1);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const ms = (v: number): string => `${v < 1 ? v.toFixed(3) : v.toFixed(1)} ms`;

console.log(`bench:kernels (tfjs-cpu), load average ${load()}`);

for (const [cIn, cOut, size] of [[3, 50, 32], [50, 50, 32], [50, 100, 16], [100, 100, 16]] as const) {
  const call = (batch: number): KernelCall => ({
    inputs: { x: random([batch, size, size, cIn]), dy: random([batch, size, size, cOut]) },
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cIn, cOut] },
  });
  const fast64 = time(Conv2DBackpropFilter, call(64), false, 3);
  const fastSmall = time(Conv2DBackpropFilter, call(stockBatch), false, 3);
  const stockSmall = time(Conv2DBackpropFilter, call(stockBatch), true, 1);
  console.log(
    `Conv2DBackpropFilter x [N,${size},${size},${cIn}] -> [3,3,${cIn},${cOut}]: new ${ms(fast64)} at N=64; ` +
      `at N=${stockBatch}: stock ${ms(stockSmall)}, new ${ms(fastSmall)} (${(stockSmall / fastSmall).toFixed(0)}x) ` +
      `(load ${load()})`,
  );
}

{
  const call = (numSegments: number): KernelCall => ({
    inputs: { x: random([9600, 125]), segmentIds: tf.randomUniform([9600], 0, numSegments, 'int32') },
    attrs: { numSegments },
  });
  const fast = time(UnsortedSegmentSum, call(30000), false, 5);
  const stock = time(UnsortedSegmentSum, call(stockSegments), true, 1);
  console.log(
    `UnsortedSegmentSum [9600,125]: new ${ms(fast)} into 30000 segments; stock ${ms(stock)} into ${stockSegments} ` +
      `(${ms(stock / stockSegments)} per segment, x 30000 = ${(stock / stockSegments * 30).toFixed(0)} s by linear scaling) ` +
      `(load ${load()})`,
  );
}

{
  const call = (): KernelCall => ({ inputs: { x: random([100, 300]) }, attrs: { numOrSizeSplits: 3, axis: 1 } });
  const fast = time(SplitV, call(), false, 20);
  const stock = time(SplitV, call(), true, 20);
  console.log(`SplitV [100,300] into 3 on axis 1: stock ${ms(stock)}, new ${ms(fast)} (${(stock / fast).toFixed(0)}x) (load ${load()})`);
}
