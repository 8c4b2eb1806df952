import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
// The reporter's own fixtures: schema-valid results files and a README with markers.
import { AGREEING_RUNS, fixtureWorkspace, writeFixtureRuns, type RunFixture } from '../../../reporter/src/testing/fixtures.js';
import { reportCommand } from './report.js';

const roots: string[] = [];

afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

/** Runs `rosetta report` on fixture results, leaving the notebooks alone (test/notebooks.test.ts executes them). */
async function report(runs: readonly RunFixture[], extra: (ws: Awaited<ReturnType<typeof fixtureWorkspace>>) => Promise<string[]> = async (ws) => ['--results', ws.resultsDir]) {
  const ws = await fixtureWorkspace(runs);
  roots.push(ws.root);
  const errors: string[] = [];
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
  await reportCommand().parseAsync([...(await extra(ws)), '--notebooks', ws.notebooksDir, '--readme', ws.readme, '--no-execute'], { from: 'user' });
  return { ws, errors, lines, exitCode: process.exitCode };
}

describe('rosetta report', () => {
  it('exits 0 and writes the README section when the accuracies agree', async () => {
    const { ws, errors, exitCode } = await report(AGREEING_RUNS);
    expect(exitCode).toBeUndefined();
    expect(errors).toEqual([]);
    expect(await readFile(join(ws.resultsDir, 'README.md'), 'utf8')).toContain('| **tfjs-wasm** (tfjs-wasm backend) | cpu | 1 | 30.00 % |');
    expect(await readFile(ws.readme, 'utf8')).toContain('[results/README.md](results/README.md) tabulates');
  });

  it('merges the results directories given, repeated or listed, into one table written to --out, and says what it kept', async () => {
    const gpu: RunFixture[] = [{ framework: 'onnxruntime-cuda', model: 'cnn', label: 'nvidia-h200', trainSeconds: 12, accuracy: 0.3 }];
    const twice: RunFixture[] = [{ framework: 'tfjs-cpu', model: 'rnn', trainSeconds: 300, accuracy: 0.7, invocation: '2026-12-01T00:00:00.000Z' }];
    for (const form of ['repeated', 'listed'] as const) {
      const { ws, errors, lines, exitCode } = await report(AGREEING_RUNS, async (ws) => {
        const gpuDir = join(ws.root, 'gpu-box');
        await writeFixtureRuns(gpuDir, [...gpu, ...twice], ws.root);
        const out = ['--out', join(ws.root, 'out')];
        return form === 'repeated' ? ['--results', ws.resultsDir, '--results', gpuDir, ...out] : ['--results', ws.resultsDir, gpuDir, ...out];
      });
      expect(exitCode, form).toBeUndefined();
      expect(errors).toEqual([]);
      const page = await readFile(join(ws.root, 'out', 'README.md'), 'utf8');
      expect(page).toContain('| backend | `fixture-cpu-2-cores` | `nvidia-h200` |');
      expect(page).toContain('| **onnxruntime-cuda** | unavailable | 12.0 s |');
      expect(lines.filter((line) => line.startsWith('results: '))).toEqual([
        expect.stringMatching(/^results: fixture-cpu-2-cores\/tfjs-cpu\.rnn\.2ep-all is in .*: kept the newest invocation with an ok run, .*gpu-box$/),
      ]);
    }
  });

  it('exits 1 naming the backend whose accuracy is off beyond the tolerance', async () => {
    const runs = AGREEING_RUNS.map((run) => (run.framework === 'onnxruntime-cpu' && run.model === 'rnn' ? { ...run, accuracy: 0.5 } : run));
    const { errors, exitCode } = await report(runs);
    expect(exitCode).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rosetta report: accuracy check failed: rnn: onnxruntime-cpu test accuracy 50\.00 % disagrees with tfjs-cpu, tfjs-wasm/);
  });
});
