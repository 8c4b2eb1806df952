import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
// The reporter's own fixtures: schema-valid results files and a README with markers.
import { AGREEING_RUNS, fixtureWorkspace, type RunFixture } from '../../../reporter/src/testing/fixtures.js';
import { reportCommand } from './report.js';

const roots: string[] = [];

afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

/** Runs `rosetta report` on fixture results (the model sources are the workspace's own). */
async function report(runs: readonly RunFixture[]) {
  const ws = await fixtureWorkspace(runs);
  roots.push(ws.root);
  const errors: string[] = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
  await reportCommand().parseAsync(['--results', ws.resultsDir, '--notebooks', ws.notebooksDir, '--readme', ws.readme], { from: 'user' });
  return { ws, errors, exitCode: process.exitCode };
}

describe('rosetta report', () => {
  it('exits 0 and writes the README section when the accuracies agree', async () => {
    const { ws, errors, exitCode } = await report(AGREEING_RUNS);
    expect(exitCode).toBeUndefined();
    expect(errors).toEqual([]);
    expect(await readFile(ws.readme, 'utf8')).toContain('| **tfjs-wasm** (tfjs-wasm backend) | cpu | 30.00 % |');
  });

  it('exits 1 naming the backend whose accuracy is off beyond the tolerance', async () => {
    const runs = AGREEING_RUNS.map((run) => (run.framework === 'onnxruntime-cpu' && run.model === 'rnn' ? { ...run, accuracy: 0.5 } : run));
    const { errors, exitCode } = await report(runs);
    expect(exitCode).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rosetta report: accuracy check failed: rnn: onnxruntime-cpu test accuracy 50\.00 % disagrees with tfjs-cpu, tfjs-wasm/);
  });
});
