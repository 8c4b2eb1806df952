/**
 * `rosetta bench` through the real binary: the linear test frameworks plugged in through
 * ROSETTA_FRAMEWORKS, each measurement in its own child process, the PyTorch reference
 * absent (an interpreter that does not exist) and, where this machine has one, present.
 * Nothing here asserts on a time: only on what was measured, how, and how it is reported.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CNN_SPEC } from '@rosetta/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
const child = join(root, 'packages/cli/dist/bench/child.js');
const plugin = join(root, 'packages/harness/dist/testing/linear.js');

let dir: string;
let env: NodeJS.ProcessEnv;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function rosetta(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env, cwd: dir }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A Python that can import torch (ROSETTA_PYTHON, python3, Debian's /usr/bin/python3), or null. */
function pythonWithTorch(): string | null {
  for (const candidate of [process.env['ROSETTA_PYTHON'], 'python3', '/usr/bin/python3']) {
    if (candidate === undefined) continue;
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  return null;
}

beforeAll(async () => {
  for (const built of [main, child, plugin]) if (!existsSync(built)) throw new Error(`${built} is missing: build first (npm run build)`);
  dir = await mkdtemp(join(tmpdir(), 'rosetta-bench-e2e-'));
  env = { ...process.env, ROSETTA_FRAMEWORKS: plugin };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = ['--steps', '3', '--warmup', '1', '--batch-size', '8'];

describe('rosetta bench', () => {
  it('measures every framework in rounds, in whole device calls, and reports ratios, peak RSS and what could not run', async () => {
    const run = await rosetta(
      'bench', '--framework', 'linear,linear-chunked,linear-unavailable', '--model', 'cnn,rnn', '--rounds', '2', ...small,
      '--reference', 'pytorch', '--python', join(dir, 'no-such-python'), '--out', join(dir, 'bench', 'linear.json'),
    );
    expect(run.code, run.stderr).toBe(0);
    // Rounds interleave the frameworks; the reference is tried once and left out.
    const rounds = run.stdout.split('\n').filter((line) => / round \d\/2 /.test(line)).map((line) => line.split(':')[0]);
    expect(rounds).toEqual([
      'cnn round 1/2 pytorch', 'cnn round 1/2 linear', 'cnn round 1/2 linear-chunked', 'cnn round 1/2 linear-unavailable',
      'cnn round 2/2 linear', 'cnn round 2/2 linear-chunked',
      'rnn round 1/2 pytorch', 'rnn round 1/2 linear', 'rnn round 1/2 linear-chunked', 'rnn round 1/2 linear-unavailable',
      'rnn round 2/2 linear', 'rnn round 2/2 linear-chunked',
    ]);
    // linear-chunked runs 4 steps per call: 3 timed steps become 4, 1 warm-up step 4.
    expect(run.stdout).toMatch(/^cnn round 1\/2 linear-chunked: median [\d.]+ ms\/step \(CPU [\d.]+\) over 4 steps after 4 warm-up, peak RSS \d+ MiB$/m);
    expect(run.stdout).toMatch(/^cnn round 1\/2 linear: median [\d.]+ ms\/step \(CPU [\d.]+\) over 3 steps after 1 warm-up, peak RSS \d+ MiB$/m);
    expect(run.stdout).toMatch(/^cnn round 1\/2 pytorch: unavailable \(cannot run .*no-such-python \(ENOENT\); install PyTorch .*apt install python3-torch.*pip install torch/m);
    // Without the reference, ratios are to the first framework that ran.
    expect(run.stdout).toMatch(/^framework +steps\/run +ms\/step +CPU ms\/step +samples\/s +GFLOP\/s +% of peak +vs linear +per round +peak RSS$/m);
    // A plugged-in framework runs on no instruction set of the catalogue's: its rate, but no peak to set it against.
    expect(run.stdout).toMatch(/^linear +1 +[\d.]+ +[\d.]+ +\d+ +[\d.]+ +- +1\.00x +1\.00 1\.00 +\d+ MiB$/m);
    expect(run.stdout).toMatch(/^linear-chunked +4 +[\d.]+ +[\d.]+ +\d+ +[\d.]+ +- +[\d.]+x +[\d.]+ [\d.]+ +\d+ MiB$/m);
    expect(run.stdout).not.toMatch(/^peak/m);
    expect(run.stdout).toMatch(/^backends:\n {2}linear: plain TypeScript\n {2}linear-chunked: plain TypeScript$/m);
    expect(run.stdout).toMatch(/^linear-unavailable: unavailable: .*never loads/m);
    expect(run.stdout).toMatch(/^cnn: load average [\d.]+ [\d.]+ [\d.]+ at the start, [\d.]+ [\d.]+ [\d.]+ at the end/m);
    // The same bench, recorded: what was typed, the machine, every row; no absolute path.
    expect(run.stdout).toMatch(/^recorded in .*linear\.json$/m);
    const text = await readFile(join(dir, 'bench', 'linear.json'), 'utf8');
    expect(text).not.toContain(dir);
    const record = JSON.parse(text);
    expect(record).toMatchObject({ format: 'rosetta-bench', settings: { rounds: 2, steps: 3, warmup: 1, batchSize: 8, seed: 42 } });
    expect(record.command).toMatch(/^rosetta bench --framework linear,linear-chunked,linear-unavailable .*--out \S*linear\.json$/);
    expect(record.machine.cpu.cores).toBeGreaterThan(0);
    expect(record.machine.loadAverage).toHaveLength(3);
    expect(record.models.map((m: { model: string }) => m.model)).toEqual(['cnn', 'rnn']);
    const rows = record.models[0].rows.map((row: { variant: { label: string }; status: string; ratio?: number }) => [row.variant.label, row.status, row.ratio]);
    expect(rows).toEqual([['pytorch', 'unavailable', undefined], ['linear', 'ok', 1], ['linear-chunked', 'ok', expect.any(Number)], ['linear-unavailable', 'unavailable', undefined]]);
  });

  it('benches a framework at several steps per run (--steps-per-run), and profiles with --profile', async () => {
    const run = await rosetta('bench', '--framework', 'linear-chunked', '--model', 'rnn', '--rounds', '1', ...small, '--steps-per-run', '1,2', '--profile');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^linear-chunked \(1\/run\) +1 /m);
    expect(run.stdout).toMatch(/^linear-chunked \(2\/run\) +2 /m);
    expect(run.stdout).toMatch(/^rnn linear-chunked \(2\/run\) profile \(plain TypeScript\): 4 steps after 2 warm-up, /m);
    expect(run.stdout).toMatch(/^ {2}LinearStep +[\d.]+ +[\d.]+ % +1$/m);
  });

  it('benches at several batch sizes and thread counts (--batch-size, --threads), each row against its own batch size\'s base, and records them', async () => {
    const file = join(dir, 'bench', 'scaling.json');
    const run = await rosetta('bench', '--framework', 'linear', '--model', 'cnn', '--rounds', '1', '--steps', '2', '--warmup', '1', '--batch-size', '8,16', '--threads', '1,2', '--out', file);
    expect(run.code, run.stderr).toBe(0);
    for (const label of ['linear (batch 8, 1 thread)', 'linear (batch 8, 2 threads)', 'linear (batch 16, 1 thread)', 'linear (batch 16, 2 threads)']) {
      expect(run.stdout).toContain(`\n${label} `);
    }
    const record = JSON.parse(await readFile(file, 'utf8'));
    expect(record.settings).toMatchObject({ batchSize: null, batchSizes: [8, 16], threads: [1, 2] });
    const rows = record.models[0].rows as { variant: { batchSize: number; threads: number }; batchSize: number; ratio: number }[];
    expect(rows.map((row) => [row.variant.batchSize, row.variant.threads, row.batchSize])).toEqual([[8, 1, 8], [8, 2, 8], [16, 1, 16], [16, 2, 16]]);
    // Each batch size's first row is its base.
    expect([rows[0]!.ratio, rows[2]!.ratio]).toEqual([1, 1]);
  });

  it('exits 1 when a measurement fails, and rejects unknown frameworks before measuring', async () => {
    const record = join(dir, 'failed', 'bench.json');
    const diverging = await rosetta('bench', '--framework', 'linear-diverging,linear', '--model', 'cnn', '--rounds', '1', ...small, '--out', record);
    expect(diverging.code).toBe(1);
    expect(diverging.stdout).toMatch(/^not recorded in .*bench\.json: a measurement failed/m);
    expect(existsSync(record)).toBe(false);
    expect(diverging.stdout).toMatch(/^cnn round 1\/1 linear-diverging: failed: training diverged: loss is/m);
    expect(diverging.stdout).toMatch(/^linear +1 +[\d.]+/m);
    const unknown = await rosetta('bench', '--framework', 'tfjs-webgl', '--model', 'cnn');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown framework "tfjs-webgl"/);
  });

  // These two need a Python with torch, and are skipped on a machine without one.
  const python = pythonWithTorch();
  it.skipIf(python === null)('times the PyTorch reference in the same rounds and takes the ratios to it', async () => {
    const run = await rosetta('bench', '--framework', 'linear', '--model', 'cnn', '--rounds', '1', '--steps', '1', '--warmup', '0', '--batch-size', '4', '--reference', 'pytorch', '--python', python!);
    expect(run.code, run.stderr).toBe(0);
    // The row's GFLOP/s and its share of native code's peak, measured in the same run.
    expect(run.stdout).toMatch(/^pytorch +1 +[\d.]+ +[\d.]+ +\d+ +[\d.]+ +[\d.]+ % +1\.00x/m);
    expect(run.stdout).toMatch(/^peak, native: \d+ GFLOP\/s \(.*\); measured: .*ONNX Runtime MatMul 2048 .*torch\.mm 4096/m);
    expect(run.stdout).toMatch(/^pytorch: torch [\d.a-z]+; BLAS: \S+.*; oneDNN /m);
    expect(run.stdout).toMatch(/^ {2}pytorch: torch [\d.a-z]+, CPU, \d+ intra-op threads?; BLAS: \S+.*; oneDNN /m);
    // A plugged-in framework has no instruction set of the catalogue's: no share of a peak.
    expect(run.stdout).toMatch(/^linear +1 +[\d.]+ +[\d.]+ +\d+ +[\d.]+ +- +[\d.]+x/m);
    expect(run.stdout).toMatch(/vs pytorch/);
    // The CNN's own deviations (cnn.py), not the GRU's.
    expect(run.stdout).toMatch(/^pytorch differs from SPEC\.md:\n {2}- dropout masks come from PyTorch's generator/m);
    expect(run.stdout).not.toMatch(/reset-after/);
  }, 120_000);

  // A stand-in interpreter that answers the script's probe with netlib's reference BLAS.
  it('refuses a PyTorch on the reference BLAS, naming the fix, and with --allow-reference-blas labels its ratios', async () => {
    const fake = join(dir, 'python-reference-blas');
    const probe = { status: 'ok', kind: 'probe', torch: '1.13.1', threads: 2, blas: { name: 'reference', version: null, kernel: null, threads: null, file: 'blas/libblas.so.3.11.0' }, onednn: { version: '2.6.3', enabled: true } };
    const timing = {
      status: 'ok', kind: 'timing', framework: 'pytorch', model: 'cnn', backend: 'torch 1.13.1, CPU, 2 threads; BLAS: netlib reference BLAS',
      batchSize: 4, stepsPerRun: 1, warmupSteps: 0, deviations: [], msPerStep: [100], cpuMsPerStep: [150], msPerStepMedian: 100, cpuMsPerStepMedian: 150, peakRssBytes: 1e8,
    };
    await writeFile(fake, [
      '#!/bin/sh',
      'case "$2" in',
      `  --probe) echo '${JSON.stringify(probe)}' ;;`,
      `  --peak) echo '${JSON.stringify({ status: 'ok', kind: 'peak', candidates: [{ what: 'torch.mm 4096 through netlib', gflops: 5 }] })}' ;;`,
      `  *) echo '${JSON.stringify(timing)}' ;;`,
      'esac',
      '',
    ].join('\n'));
    await chmod(fake, 0o755);
    const args = ['bench', '--framework', 'linear', '--model', 'cnn', '--rounds', '1', '--steps', '1', '--warmup', '0', '--batch-size', '4', '--reference', 'pytorch', '--python', fake];
    const refused = await rosetta(...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/netlib's reference BLAS \(blas\/libblas\.so\.3\.11\.0\).*apt-get install libopenblas0-pthread.*--allow-reference-blas/s);
    expect(refused.stdout).not.toMatch(/round 1/);
    const allowed = await rosetta(...args, '--allow-reference-blas');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/^pytorch \(reference BLAS\) +1 +100 /m);
    expect(allowed.stdout).toMatch(/vs pytorch \(reference BLAS\)/);
  }, 120_000);

  it.skipIf(python === null)("the reference models have the SPEC.md parameter counts, but for the GRU's second bias", () => {
    const count = (model: string) =>
      Number(execFileSync(python!, ['-c', `from ${model} import build_model; print(sum(p.numel() for p in build_model().parameters()))`], {
        cwd: join(root, 'reference/pytorch'), encoding: 'utf8',
      }));
    expect(count('cnn')).toBe(CNN_SPEC.parameters);
    // SPEC.md's GRU (the TF.js model's 3,818,002) plus b_hh, the 300 recurrent biases of the reset-after GRU.
    expect(count('rnn')).toBe(3_818_002 + 300);
  });
});
