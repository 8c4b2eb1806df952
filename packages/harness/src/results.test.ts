import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResult, readResult, RESULTS_SCHEMA_VERSION, ResultFileError, validateResult, type Result } from './results.js';

function okResult(): Result {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    framework: 'linear',
    model: 'cnn',
    label: 'test-cpu-2-cores',
    run: { configuration: '2ep-all', invocation: '2026-01-01T00:00:00.000Z', repeat: 1, repeats: 1 },
    status: 'ok',
    reason: null,
    epochs: 2,
    batchSize: 64,
    trainSamples: 640,
    testSamples: 128,
    trainSeconds: 2.5,
    epochSeconds: [1.5, 1],
    steadyEpochSeconds: 1,
    msPerStepMedian: 100,
    samplesPerSecond: 512,
    epochLoss: [2.1, 1.7],
    finalLoss: 1.7,
    testAccuracy: 0.4,
    evalSeconds: 0.2,
    inference: { batchSize: 64, samplesPerSecond: 3000, latencyMsMedian: 1.5, latencySamples: 32 },
    seed: 42,
    dropout: true,
    deviations: [],
    dataset: { name: 'cifar10', source: 'synthetic', sha256: 'a'.repeat(64), format: 'cifar10-binary-tar-gz', subset: true },
    weights: { source: 'shared initialiser', sha256: 'b'.repeat(64) },
    env: {
      node: 'v20.20.2',
      platform: 'linux',
      arch: 'x64',
      os: 'Linux',
      cpu: { model: 'cpu', cores: 2 },
      memoryGiB: 24,
      gpu: null,
      backend: 'plain TypeScript',
      device: 'cpu',
      versions: {},
      hostname: 'host',
      startedAt: '2026-01-01T00:00:00.000Z',
    },
    command: 'rosetta train --framework linear --model cnn',
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rosetta-results-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('results files', () => {
  it('round-trips a valid result through JSON', () => {
    expect(parseResult(JSON.stringify(validateResult(okResult())), 'x.json')).toEqual(okResult());
  });

  it('refuses an ok result that lacks its numbers', () => {
    expect(() => validateResult({ ...okResult(), testAccuracy: null })).toThrow(/testAccuracy: required when status is "ok"/);
    expect(() => validateResult({ ...okResult(), epochSeconds: [1] })).toThrow(/epochSeconds: has 1 entries for 2 epochs/);
    expect(() => validateResult({ ...okResult(), label: 'My Laptop' })).toThrow(/label: lower-case letters/);
  });

  it('requires a reason for a run that is not ok', () => {
    expect(() => validateResult({ ...okResult(), status: 'unavailable' })).toThrow(/reason: required when status is "unavailable"/);
  });

  it('names the file and the problem when reading a malformed result', async () => {
    const truncated = join(dir, 'half.cnn.json');
    await writeFile(truncated, JSON.stringify(okResult()).slice(0, 100));
    await expect(readResult(truncated)).rejects.toThrow(ResultFileError);
    await expect(readResult(truncated)).rejects.toThrow(`${truncated}: not valid JSON`);

    const wrong = join(dir, 'wrong.cnn.json');
    await writeFile(wrong, JSON.stringify({ ...okResult(), msPerStepMedian: 'fast', schemaVersion: 99 }));
    await expect(readResult(wrong)).rejects.toThrow(new RegExp(`^${wrong}: not a valid results file: .*schemaVersion.*msPerStepMedian`));
  });
});
