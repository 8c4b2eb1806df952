/**
 * The WebGPU backends through the real `rosetta` binary, on this machine's WebGPU adapter (on CI
 * and the development machines: Mesa's llvmpipe, a software rasteriser, which `.ci/run` installs):
 * `doctor` names the adapter, `parity` compares both WebGPU backends with the CPU ones, and a short
 * `train` of both models on both records ok results filed under the adapter's name, or, in the main
 * job's mode, unavailable ones that say why.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { readResult } from '@rosetta/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
const WEBGPU = ['tfjs-webgpu', 'onnxruntime-webgpu'];

let dir: string;
let env: NodeJS.ProcessEnv;

function rosetta(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env, cwd: dir, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  dir = await mkdtemp(join(tmpdir(), 'rosetta-webgpu-'));
  await writeSyntheticMirror(join(dir, 'mirror'), { seed: 3, cifarTrain: 128, cifarTest: 64, imdbTrain: 128, imdbTest: 64 });
  env = { ...process.env, ROSETTA_DATASET_MIRROR: join(dir, 'mirror'), ROSETTA_DATASETS_DIR: join(dir, 'cache') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Steps on llvmpipe take seconds to tens of seconds each.
describe('the WebGPU backends', { timeout: 1_200_000 }, () => {
  it('doctor: both are available, on the adapter it names', async () => {
    const run = await rosetta('doctor', ...WEBGPU);
    expect(run.code, run.stderr).toBe(0);
    for (const name of WEBGPU) expect(run.stdout).toMatch(new RegExp(`^${name} +available:`, 'm'));
    expect(run.stdout).toMatch(/WebGPU adapter: llvmpipe.*; vendor mesa, architecture \S+, software/);
    // ONNX Runtime's own error lines stay out of it: the reasons are in doctor's words.
    expect(run.stderr).not.toMatch(/\[E:onnxruntime/);
  });

  it.each([
    ['cnn', '8'],
    ['rnn', '16'],
  ])('parity, %s: five backends, both WebGPU ones included, agree within float32 rounding', async (model, batchSize) => {
    const run = await rosetta('parity', '--model', model, '--batch-size', batchSize, '--train-limit', '64');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const ran = [...run.stdout.matchAll(/^ {2}ran: +([\w-]+):/gm)].map((m) => m[1]);
    expect(ran).toEqual(['tfjs-cpu', 'tfjs-wasm', 'onnxruntime-cpu', 'tfjs-webgpu', 'onnxruntime-webgpu']);
    expect(run.stdout).toMatch(/^PASS: 10 pair\(s\) of 5 backends agree within float32 rounding/m);
  });

  it('train: four ok results that name the adapter, filed under it; the main job\'s mode records them unavailable instead', async () => {
    const out = join(dir, 'results');
    const args = ['train', '--framework', WEBGPU.join(','), '--model', 'cnn,rnn', '--epochs', '1', '--train-limit', '64', '--test-limit', '64', '--out', out];
    const run = await rosetta(...args);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['llvmpipe']);
    const files = (await readdir(join(out, 'llvmpipe'))).sort();
    expect(files).toEqual(WEBGPU.flatMap((f) => ['cnn', 'rnn'].map((m) => `${f}.${m}.1ep-64-test64.json`)).sort());
    for (const file of files) {
      const result = await readResult(join(out, 'llvmpipe', file));
      expect(result.status, `${file}: ${result.reason}`).toBe('ok');
      expect(result.env.adapter).toMatchObject({ vendor: 'mesa', software: true });
      expect(result.env.device).toMatch(/^llvmpipe/);
    }
    const skipped = await rosetta(...args, '--skip-software-adapter', '--out', join(dir, 'main-job'));
    expect(skipped.code, skipped.stderr).toBe(0);
    for (const file of await readdir(join(dir, 'main-job', 'llvmpipe'))) {
      const result = await readResult(join(dir, 'main-job', 'llvmpipe', file));
      expect(result.status).toBe('unavailable');
      expect(result.reason).toMatch(/software rasteriser/);
    }
  });
});
