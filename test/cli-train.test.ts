/**
 * The real `rosetta` binary end to end, as a person or an Nx target runs it: a trivial
 * linear adapter plugged in through ROSETTA_FRAMEWORKS, synthetic data in the canonical
 * file formats served as a mirror, results read back through the validating reader.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { readResult } from '@rosetta/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
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

beforeAll(async () => {
  for (const built of [main, plugin]) if (!existsSync(built)) throw new Error(`${built} is missing: build first (npx nx run-many -t build)`);
  dir = await mkdtemp(join(tmpdir(), 'rosetta-e2e-'));
  await writeSyntheticMirror(join(dir, 'mirror'), { seed: 3, cifarTrain: 640, cifarTest: 256, imdbTrain: 640, imdbTest: 256 });
  env = {
    ...process.env,
    ROSETTA_FRAMEWORKS: plugin,
    ROSETTA_DATASET_MIRROR: join(dir, 'mirror'),
    ROSETTA_DATASETS_DIR: join(dir, 'cache'),
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rosetta train', () => {
  it('trains both models through the harness and writes valid results that beat chance', async () => {
    const out = join(dir, 'ok');
    const run = await rosetta('train', '--framework', 'linear', '--model', 'cnn,rnn', '--epochs', '2', '--out', out, '--label', 'e2e');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/linear cnn on plain TypeScript \(cpu\): 2 epoch\(s\) x 10 steps of 64 = 20 steps/);
    expect(run.stdout).toMatch(/^after 5 steps: ~.*, estimated .* for 20 steps$/m);
    expect(run.stdout).toMatch(/^epoch 2\/2: /m);
    const cnn = await readResult(join(out, 'e2e', 'linear.cnn.2ep-all.json'));
    const rnn = await readResult(join(out, 'e2e', 'linear.rnn.2ep-all.json'));
    expect(cnn).toMatchObject({ status: 'ok', epochs: 2, trainSamples: 640, testSamples: 256, seed: 42 });
    expect(rnn).toMatchObject({ status: 'ok', epochs: 2, trainSamples: 640, testSamples: 256 });
    expect(cnn.testAccuracy!).toBeGreaterThan(0.3); // chance: 0.1
    expect(rnn.testAccuracy!).toBeGreaterThan(0.6); // chance: 0.5
    // No absolute path of this machine: the temporary mirror and output folders keep their last
    // two parts, or become relative where the checkout sits beside them (a clone in the temp folder).
    expect(cnn.dataset!.name).toBe('cifar10');
    expect(cnn.dataset!.source).toMatch(/^(…\/cifar10|\.\.\/rosetta-e2e-\w+\/mirror\/cifar10)\/cifar-10-binary\.tar\.gz$/);
    expect(cnn.command).toMatch(/^rosetta train --framework linear --model cnn,rnn --epochs 2 --out (…|\.\.)\/rosetta-e2e-\w+\/ok --label e2e$/);
    expect(JSON.stringify(cnn)).not.toContain(dir);
  });

  it('applies the quick preset, and explicit options over it', async () => {
    const out = join(dir, 'quick');
    const quick = await rosetta('train', '--framework', 'linear', '--model', 'rnn', '--preset', 'quick', '--test-limit', '128', '--seed', '5', '--out', out);
    expect(quick.code, quick.stderr).toBe(0);
    // quick: 1 epoch on at most 4,096 training samples (the synthetic set has 640). The
    // default label is this machine's CPU and core count.
    const [label] = await readdir(out);
    expect(label).toMatch(/^[a-z0-9-]+-\d+-cores$/);
    expect(await readResult(join(out, label!, 'linear.rnn.1ep-4096-test128-seed5.json'))).toMatchObject({ epochs: 1, trainSamples: 640, testSamples: 128, seed: 5, label });
  });

  it('records an unavailable backend with its reason and exits 0', async () => {
    const out = join(dir, 'unavailable');
    const run = await rosetta('train', '--framework', 'linear-unavailable', '--model', 'cnn', '--out', out, '--label', 'e2e');
    expect(run.code).toBe(0);
    const result = await readResult(join(out, 'e2e', 'linear-unavailable.cnn.10ep-all.json'));
    expect(result.status).toBe('unavailable');
    expect(result.reason).toMatch(/never loads/);
  });

  it('stops a diverging run, records it as failed and exits non-zero', async () => {
    const out = join(dir, 'diverging');
    const run = await rosetta('train', '--framework', 'linear-diverging', '--model', 'cnn', '--out', out, '--label', 'e2e');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed: training diverged: loss is/);
    const result = await readResult(join(out, 'e2e', 'linear-diverging.cnn.10ep-all.json'));
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^training diverged: loss is (NaN|-?Infinity) at epoch 1, step 2 of 10$/);
  });

  it('keeps an ok result when a later run fails (an offline download), records the failure beside it, and the report shows both', async () => {
    const out = join(dir, 'kept');
    const ok = await rosetta('train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--out', out, '--label', 'e2e');
    expect(ok.code, ok.stderr).toBe(0);
    const kept = await readFile(join(out, 'e2e', 'linear.cnn.1ep-all.json'));
    // Offline: the mirror cannot be reached (a closed local port), the data never arrives.
    const offline = await rosetta('train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--out', out, '--label', 'e2e', '--mirror', 'http://127.0.0.1:9/', '--cache', join(dir, 'empty-cache'));
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/linear cnn: failed: .*127\.0\.0\.1:9/);
    expect(offline.stdout).toMatch(/the earlier ok result .*linear\.cnn\.1ep-all\.json is kept/);
    expect(await readFile(join(out, 'e2e', 'linear.cnn.1ep-all.json'))).toEqual(kept);
    expect(await readResult(join(out, 'e2e', 'linear.cnn.1ep-all.failed.json'))).toMatchObject({ status: 'failed' });

    const report = await rosetta('report', '--no-execute', '--results', out, '--notebooks', join(dir, 'kept-notebooks'), '--no-readme');
    expect(report.code, report.stderr).toBe(0);
    const table = await readFile(join(out, 'README.md'), 'utf8');
    expect(table).toContain('| **linear** (plain TypeScript) |');
    expect(table).toMatch(/⚠ \*\*a later run failed\*\* \(.* UTC\): .*127\.0\.0\.1:9.*; this result is the last ok one/);
  }, 120_000);

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`leaves the previous result as it was when a run is stopped with ${signal}`, async () => {
      const out = join(dir, `stopped-${signal}`);
      const first = await rosetta('train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--out', out, '--label', 'e2e');
      expect(first.code, first.stderr).toBe(0);
      const before = await readFile(join(out, 'e2e', 'linear.cnn.1ep-all.json'));
      // The same run size, so that a finished run would replace the first one's file.
      const child = spawn(process.execPath, [main, 'train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--out', out, '--label', 'e2e'], { env: { ...env, ROSETTA_LINEAR_STEP_DELAY_MS: '200' }, cwd: dir });
      // Stopped in the middle of training (10 steps of 200 ms), once the plan has been printed.
      await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('steps of 64') && resolve()));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill(signal);
      await exited;
      expect(await readFile(join(out, 'e2e', 'linear.cnn.1ep-all.json'))).toEqual(before);
      expect(child.exitCode === 0, 'the run finished before it was stopped').toBe(false);
      expect((await readdir(join(out, 'e2e'))).filter((name) => name.endsWith('.json'))).toEqual(['linear.cnn.1ep-all.json']);
    }, 120_000);
  }

  it('rejects an unknown framework or model without writing anything', async () => {
    const out = join(dir, 'unknown');
    const framework = await rosetta('train', '--framework', 'tfjs-webgl', '--model', 'cnn', '--out', out);
    expect(framework.code).toBe(1);
    expect(framework.stderr).toMatch(/unknown framework "tfjs-webgl"; known: tfjs-cpu, .*linear/);
    const model = await rosetta('train', '--framework', 'linear', '--model', 'mlp', '--out', out);
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/unknown model "mlp"/);
    expect(existsSync(out)).toBe(false);
  });

  it('documents every option with its default in --help', async () => {
    const help = await rosetta('train', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--framework', '--model', '--preset', '--epochs', '--train-limit', '--test-limit', '--seed', '--repeat', '--out', '--label', '--no-dropout', '--mirror', '--cache']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toMatch(/default:\s+"full"/);
    expect(help.stdout).toMatch(/default:\s+42/);
    expect(help.stdout).toMatch(/quick +1 epoch on the first 4,096 training samples/);
  });
});

describe('rosetta data and frameworks', () => {
  it('verifies the mirrored datasets and prints their counts', async () => {
    const run = await rosetta('data', 'verify');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cifar10: ok[\s\S]*train +640\n +test +256/);
    expect(run.stdout).toMatch(/imdb: ok[\s\S]*train +640\n +test +256/);
  });

  it('lists the built-in and plugged-in frameworks with their availability', async () => {
    const run = await rosetta('frameworks');
    expect(run.code, run.stderr).toBe(0);
    for (const name of ['tfjs-node-gpu', 'tfjs-wasm', 'tfjs-cpu', 'onnxruntime-cuda', 'onnxruntime-cpu']) expect(run.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    expect(run.stdout).toMatch(/^linear .*\n +available: plain TypeScript on cpu$/m);
    expect(run.stdout).toMatch(/^linear-unavailable .*\n +unavailable: linear-unavailable: this test backend never loads/m);
  });
});
