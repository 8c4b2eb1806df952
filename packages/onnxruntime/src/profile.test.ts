import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { aggregateKernels, initialWeights, type ModelOptions } from '@rosetta/harness';
import { randomBatch } from '@rosetta/harness/testing';
import { describe, expect, test } from 'vitest';
import * as cnn from './cnn.js';
import { opEvents, parseTrace } from './profile.js';
import { cpuProvider } from './provider.js';

/**
 * A trace recorded by onnxruntime-node 1.29.0 (CPU provider, one thread): onnx-graph's
 * `trainingGraph` of a linear softmax classifier (w [3, 2], b [2], SGD momentum) with 2
 * steps per run in an ONNX Loop, batches of 2, run 3 times, `enableProfiling` on. The
 * expected numbers below were counted from the file with a separate script (Python's json).
 */
const FIXTURE = new URL('./testing/linear-profile.json', import.meta.url);
const trace = parseTrace(readFileSync(FIXTURE, 'utf8'), 'linear-profile.json');

describe('ONNX Runtime trace', () => {
  test('gives the node events of the runs after the skipped ones, by op type, without the Loop that holds them', () => {
    const all = opEvents(trace, 0, 'linear-profile.json');
    // 71 node events per run: the Loop and the 2 iterations of its 35-node body.
    expect(all).toHaveLength(210);
    expect(all.some((e) => e.name === 'Loop')).toBe(false);
    const lastTwo = opEvents(trace, 1, 'linear-profile.json');
    expect(lastTwo).toHaveLength(140);
    // The recorded durations are whole microseconds: 591 us over the last two runs.
    expect(lastTwo.reduce((sum, e) => sum + e.ms, 0)).toBeCloseTo(0.591, 9);
    expect(opEvents(trace, 2, 'linear-profile.json')).toHaveLength(70);
  });

  test('aggregates to calls per step: 3 Gemm per step (forward, and the gradients of x w)', () => {
    // Two runs of 2 steps: 4 steps.
    const rows = aggregateKernels(opEvents(trace, 1, 'linear-profile.json'), 4, 10);
    expect(rows.find((r) => r.name === 'Gemm')).toMatchObject({ calls: 12, callsPerStep: 3 });
    expect(rows.reduce((sum, r) => sum + r.calls, 0)).toBe(140);
  });

  test('names the file when the trace is not what ONNX Runtime writes, or has fewer runs than skipped', () => {
    expect(() => opEvents(trace, 4, 'linear-profile.json')).toThrow('linear-profile.json: 3 runs recorded, expected more than 4');
    expect(() => parseTrace('{"cat": 1}', 'bad.json')).toThrow('bad.json: expected an array of trace events');
    expect(() => parseTrace('[{"cat": "Node", "name": "x"}]', 'bad.json')).toThrow(/^bad\.json: event 0 lacks/);
    expect(() => parseTrace('[', 'bad.json')).toThrow(/^bad\.json: not valid JSON/);
  });
});

describe('OrtModel.profileKernels', () => {
  test("returns ONNX Runtime's ops of the profiled runs only, and removes its traces", async () => {
    const options: ModelOptions = { model: 'cnn', weights: initialWeights('cnn', 3), seed: 3, dropout: true, batchSize: 2 };
    const trainer = await cnn.createModel({ ...options, stepsPerRun: 2, profile: true }, cpuProvider());
    const batches = [0, 1, 2, 3, 4, 5].map((i) => randomBatch('cnn', { layout: 'NCHW', labels: 'sparse' }, 2, `profile/${i}`, i));
    const tracesBefore = (await readdir(tmpdir())).filter((f) => f.startsWith('rosetta-ort-profile-'));
    // Warm-up: one chunk of 2; then 2 chunks and one single step (the step graph) profiled.
    await trainer.trainEpoch(batches.slice(0, 2), () => undefined);
    const events = await trainer.profileKernels(() => trainer.trainEpoch(batches.slice(1), () => undefined));
    // One LogSoftmax per step (the loss): the 5 profiled steps, not the warm-up's 2.
    expect(events.filter((e) => e.name === 'LogSoftmax')).toHaveLength(5);
    expect(events.some((e) => e.name === 'Conv' || e.name === 'FusedConv')).toBe(true);
    expect(events.some((e) => e.name === 'Loop')).toBe(false);
    expect(events.every((e) => e.ms >= 0)).toBe(true);
    // Profiling ends with the first profile: a second cannot be taken.
    await expect(trainer.profileKernels(async () => undefined)).rejects.toThrow();
    trainer.dispose();
    const tracesAfter = (await readdir(tmpdir())).filter((f) => f.startsWith('rosetta-ort-profile-'));
    expect(tracesAfter.length).toBeLessThanOrEqual(tracesBefore.length);
  }, 300_000);
});
