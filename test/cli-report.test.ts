/**
 * `rosetta train` on two "machines" (two labels, two results directories, one with three
 * repeats) and `rosetta report` over both, with the real binary: the numbers in the tables
 * are the ones in the results files, inference timings included.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { readResult, type Result } from '@rosetta/harness';
import { milliseconds, rate, score } from '@rosetta/reporter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'packages/cli/dist/main.js');
const plugin = join(root, 'packages/harness/dist/testing/linear.js');

let dir: string;
let env: NodeJS.ProcessEnv;

async function rosetta(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [main, ...args], { env, cwd: dir, maxBuffer: 16 * 2 ** 20 });
  return stdout;
}

async function runsOf(results: string, label: string): Promise<Result[]> {
  const files = (await readdir(join(results, label))).sort();
  return Promise.all(files.map((file) => readResult(join(results, label, file))));
}

/** The cells of `framework`'s row in the first table after `marker`. */
function row(text: string, marker: string, framework: string): string[] {
  const after = text.slice(text.indexOf(marker));
  const line = after.split('\n').find((l) => l.startsWith(`| **${framework}**`))!;
  return line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, ''));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rosetta-report-e2e-'));
  await writeSyntheticMirror(join(dir, 'mirror'), { seed: 6, cifarTrain: 320, cifarTest: 128 });
  env = { ...process.env, ROSETTA_FRAMEWORKS: plugin, ROSETTA_DATASET_MIRROR: join(dir, 'mirror'), ROSETTA_DATASETS_DIR: join(dir, 'cache') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rosetta train on two machines, then rosetta report over both', () => {
  it('tabulates both machines side by side, three repeats as score and spread, and the inference the runner timed', { timeout: 180_000 }, async () => {
    const [a, b] = [join(dir, 'box-a', 'results'), join(dir, 'box-b', 'results')];
    await rosetta('train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--repeat', '3', '--label', 'box-a', '--out', a);
    await rosetta('train', '--framework', 'linear', '--model', 'cnn', '--epochs', '1', '--label', 'box-b', '--out', b);
    const out = join(dir, 'report');
    await rosetta('report', '--results', a, b, '--out', out, '--notebooks', join(dir, 'notebooks'), '--no-readme', '--no-execute');
    const page = await readFile(join(out, 'README.md'), 'utf8');

    const repeated = await runsOf(a, 'box-a');
    const [single] = await runsOf(b, 'box-b');
    expect(repeated.map((run) => run.run.repeat)).toEqual([1, 2, 3]);
    const time = score(repeated.map((run) => run.trainSeconds!));

    expect(page).toContain('| backend | `box-a` | `box-b` |');
    const overview = row(page, '**Training time by machine**', 'linear');
    expect(overview[1]).toMatch(/^[\d.,]+ s \([\d.,]+–[\d.,]+, 3 runs\)$/);
    expect(overview[2]).toMatch(/^[\d.,]+ s$/);

    const detailed = row(page, '**On `box-a`**', 'linear');
    expect(detailed[2]).toBe('3');
    expect(detailed[3]).toMatch(/^\d+\.\d\d ± \d+\.\d\d %$/);
    expect(detailed[6]).toContain(`(${rate(time.min)}–${rate(time.max)})`);

    // The inference table holds the runner's numbers: box-a's scored over its three runs, box-b's as recorded.
    const inferenceA = row(page, '**Inference**', 'linear');
    const throughput = score(repeated.map((run) => run.inference!.samplesPerSecond));
    expect(inferenceA[2]).toBe(`${rate(throughput.score)} (${rate(throughput.min)}–${rate(throughput.max)})`);
    const inferenceB = page.slice(page.indexOf('**Inference**')).split('\n').find((l) => l.includes('`box-b`'))!;
    expect(inferenceB).toContain(`| ${rate(single!.inference!.samplesPerSecond)} | ${milliseconds(single!.inference!.latencyMsMedian)} | 1 |`);
  });
});
