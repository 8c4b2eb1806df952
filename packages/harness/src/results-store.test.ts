import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configurationTag, defaultMachineLabel, readResultsDirectory, recordRun } from './results-store.js';
import { RESULTS_SCHEMA_VERSION, type Result } from './results.js';

let out: string;
const LABEL = 'test-cpu-2-cores';

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'rosetta-store-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

/** A valid result; `at` is the run's start time (minutes), which orders runs. */
function run(status: Result['status'], at: number, invocation = `inv-${at}`, repeat = 1, reason = 'it broke'): Result {
  const ok = status === 'ok';
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    framework: 'linear',
    model: 'cnn',
    label: LABEL,
    run: { configuration: '1ep-all', invocation, repeat, repeats: 3 },
    status,
    reason: ok ? null : reason,
    epochs: 1,
    batchSize: 64,
    trainSamples: ok ? 640 : 0,
    testSamples: ok ? 256 : 0,
    trainSeconds: ok ? 10 + at : null,
    epochSeconds: ok ? [10 + at] : [],
    steadyEpochSeconds: ok ? 10 + at : null,
    msPerStepMedian: ok ? 1000 : null,
    samplesPerSecond: ok ? 64 : null,
    epochLoss: ok ? [1] : [],
    finalLoss: ok ? 1 : null,
    testAccuracy: ok ? 0.5 : null,
    evalSeconds: ok ? 1 : null,
    inference: null,
    seed: 42,
    dropout: true,
    deviations: [],
    dataset: ok ? { name: 'cifar10', source: 'mirror', sha256: 'a'.repeat(64), format: 'f', subset: true } : null,
    weights: null,
    env: {
      node: 'v20', platform: 'linux', arch: 'x64', os: 'Linux', cpu: { model: 'Test CPU', cores: 2 }, memoryGiB: 1, gpu: null,
      backend: 'b', device: 'cpu', versions: {}, hostname: 'h', startedAt: new Date(Date.UTC(2026, 11, 1, 0, at)).toISOString(),
    },
    command: 'rosetta train --framework linear --model cnn',
  };
}

const files = async () => (await readdir(join(out, LABEL))).sort();
const root = '/nonexistent-workspace';

describe('results store: the bench folder', () => {
  it('is not read as a machine label, and no run may be filed under it', async () => {
    await recordRun(out, run('ok', 1), root);
    await mkdir(join(out, 'bench'));
    await writeFile(join(out, 'bench', 'machine.json'), '{"format": "rosetta-bench"}');
    expect((await readResultsDirectory(out)).map((set) => set.label)).toEqual([LABEL]);
    await expect(recordRun(out, { ...run('ok', 2), label: 'bench' }, root)).rejects.toThrow(/"bench" is the folder of recorded benches/);
  });
});

describe('results store: nothing lost', () => {
  it('writes a failed run beside an ok result, never over it, and the reader shows both', async () => {
    await recordRun(out, run('ok', 1), root);
    const before = await readFile(join(out, LABEL, 'linear.cnn.1ep-all.json'));
    const failed = await recordRun(out, run('failed', 2, 'inv-2', 1, 'download of https://example.org/x failed'), root);
    expect(failed).toMatchObject({ file: join(out, LABEL, 'linear.cnn.1ep-all.failed.json'), kept: join(out, LABEL, 'linear.cnn.1ep-all.json') });
    expect(await readFile(join(out, LABEL, 'linear.cnn.1ep-all.json'))).toEqual(before);
    const [set] = await readResultsDirectory(out);
    expect(set!.runs.map((r) => r.status)).toEqual(['ok']);
    expect(set!.latestFailure).toMatchObject({ status: 'failed', reason: 'download of https://example.org/x failed' });
    // An unavailable run replaces the older failure beside the kept result, not the result.
    await recordRun(out, run('unavailable', 3), root);
    expect(await files()).toEqual(['linear.cnn.1ep-all.json', 'linear.cnn.1ep-all.unavailable.json']);
  });

  it('keeps the latest run, whatever its status, until a run is ok; an ok run clears older failures', async () => {
    await recordRun(out, run('unavailable', 1), root);
    await recordRun(out, run('failed', 2), root);
    expect(await files()).toEqual(['linear.cnn.1ep-all.json']);
    expect((await readResultsDirectory(out))[0]!.runs[0]!.status).toBe('failed');
    await recordRun(out, run('ok', 3), root);
    expect(await files()).toEqual(['linear.cnn.1ep-all.json']);
    const [set] = await readResultsDirectory(out);
    expect(set!.runs[0]!.status).toBe('ok');
    expect(set!.latestFailure).toBeNull();
  });

  it('never writes a failure over a file it cannot read', async () => {
    await recordRun(out, run('ok', 1), root);
    await writeFile(join(out, LABEL, 'linear.cnn.1ep-all.json'), '{"half a file');
    await recordRun(out, run('failed', 2), root);
    expect(await readFile(join(out, LABEL, 'linear.cnn.1ep-all.json'), 'utf8')).toBe('{"half a file');
    await expect(readResultsDirectory(out)).rejects.toThrow(/linear\.cnn\.1ep-all\.json: not valid JSON/);
  });

  it('keeps every repeat of an invocation; a newer invocation supersedes them all', async () => {
    await recordRun(out, run('ok', 1, 'A', 1), root);
    await recordRun(out, run('ok', 2, 'A', 2), root);
    await recordRun(out, run('failed', 3, 'A', 3), root);
    await recordRun(out, run('ok', 4, 'A', 3), root);
    expect(await files()).toEqual(['linear.cnn.1ep-all.json', 'linear.cnn.1ep-all.run2.json', 'linear.cnn.1ep-all.run3.json']);
    const [set] = await readResultsDirectory(out);
    expect(set!.runs.map((r) => r.run.repeat)).toEqual([1, 2, 3]);
    expect(set!.files).toEqual([`${LABEL}/linear.cnn.1ep-all.json`, `${LABEL}/linear.cnn.1ep-all.run2.json`, `${LABEL}/linear.cnn.1ep-all.run3.json`]);
    // B fails first (kept beside A's runs), then succeeds: A's runs give way.
    await recordRun(out, run('failed', 5, 'B', 1), root);
    expect((await readResultsDirectory(out))[0]!.runs).toHaveLength(3);
    await recordRun(out, run('ok', 6, 'B', 2), root);
    expect(await files()).toEqual(['linear.cnn.1ep-all.json']);
    expect((await readResultsDirectory(out))[0]!.runs.map((r) => r.run.invocation)).toEqual(['B']);
  });

  it('records no absolute path of the machine', async () => {
    const { file } = await recordRun(out, run('failed', 1, 'inv', 1, `cannot open ${out}/lib/x.so: no such file, and /home/someone/x is missing`), out);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"reason": "cannot open lib/x.so: no such file');
    expect(text).not.toContain(out);
  });

  it('rejects misnamed or misfiled files, naming them', async () => {
    await recordRun(out, run('ok', 1), root);
    await writeFile(join(out, LABEL, 'linear.rnn.1ep-all.json'), await readFile(join(out, LABEL, 'linear.cnn.1ep-all.json')));
    await expect(readResultsDirectory(out)).rejects.toThrow(/linear\.rnn\.1ep-all\.json: holds linear\.cnn\.1ep-all labelled "test-cpu-2-cores", which its name and directory do not match/);
    await rm(join(out, LABEL, 'linear.rnn.1ep-all.json'));
    await writeFile(join(out, LABEL, 'notes.json'), '{}');
    await expect(readResultsDirectory(out)).rejects.toThrow(/notes\.json: not a results file name/);
  });
});

describe('configuration tags', () => {
  it('name the requested run size, so that runs of different sizes are kept apart', async () => {
    expect(configurationTag({ epochs: 10, dropout: true, seed: 42 })).toBe('10ep-all');
    expect(configurationTag({ epochs: 1, trainLimit: 4096, dropout: true, seed: 42 })).toBe('1ep-4096');
    expect(configurationTag({ epochs: 3, trainLimit: 640, testLimit: 1000, dropout: false, seed: 5 })).toBe('3ep-640-test1000-nodropout-seed5');
    expect(configurationTag({ epochs: 1, dropout: true, seed: -1 })).toBe('1ep-all-seedm1');
    // All of a subset is not the contract's data: the name says which.
    expect(configurationTag({ epochs: 10, dropout: true, seed: 42, subset: true })).toBe('10ep-subset');
    expect(configurationTag({ epochs: 1, trainLimit: 4096, dropout: true, seed: 42, subset: true })).toBe('1ep-4096');
    // A quick run beside a full one: both kept.
    await recordRun(out, run('ok', 1), root);
    await recordRun(out, { ...run('ok', 2), run: { configuration: '1ep-4096', invocation: 'q', repeat: 1, repeats: 1 } }, root);
    expect(await files()).toEqual(['linear.cnn.1ep-4096.json', 'linear.cnn.1ep-all.json']);
    expect((await readResultsDirectory(out)).map((set) => set.configuration)).toEqual(['1ep-4096', '1ep-all']);
  });
});

describe('machine labels', () => {
  it('come from the GPU for a GPU framework that has one, otherwise from the CPU and its cores', () => {
    const env = { cpu: { model: 'Intel(R) Xeon(R) Platinum 8480C CPU @ 2.00GHz', cores: 16 } };
    const gpu = { name: 'NVIDIA H200', memory: '143771 MiB', driver: '580.65', cuda: '13.0' };
    expect(defaultMachineLabel('gpu', env, gpu)).toBe('nvidia-h200');
    expect(defaultMachineLabel('gpu', env, null)).toBe('intel-xeon-platinum-8480c-16-cores');
    expect(defaultMachineLabel('cpu', env, gpu)).toBe('intel-xeon-platinum-8480c-16-cores');
    expect(defaultMachineLabel('cpu', { cpu: { model: 'AMD EPYC', cores: 2 } }, null)).toBe('amd-epyc-2-cores');
  });
});
