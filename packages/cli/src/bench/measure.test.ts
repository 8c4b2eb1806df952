import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceScript } from '../commands/bench.js';
import { measurePytorch, TORCH_INSTALL_HINT, type MeasureRequest } from './measure.js';

const dir = mkdtempSync(join(tmpdir(), 'rosetta-bench-measure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script standing in for a Python interpreter. */
function fakePython(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const request: MeasureRequest = { framework: 'pytorch', profile: false, options: { model: 'cnn', steps: 3, warmup: 1, batchSize: 8, seed: 5 } };
const script = referenceScript();

/** A python3 on PATH, whatever it has installed; null when there is none. */
function python3(): string | null {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

describe('measurePytorch', () => {
  it('turns an interpreter that cannot be started into an unavailable reference that says how to install PyTorch', async () => {
    expect(await measurePytorch({ python: join(dir, 'no-such-python'), script }, request)).toEqual({
      status: 'unavailable', framework: 'pytorch', model: 'cnn',
      reason: `cannot run ${join(dir, 'no-such-python')} (ENOENT); ${TORCH_INSTALL_HINT}`,
    });
    expect(TORCH_INSTALL_HINT).toMatch(/apt install python3-torch.*pip install torch/);
  });

  it('passes the options to the script and reads the last line of its output as the measurement', async () => {
    // The fake puts its arguments in the backend field: what the script was asked to do.
    const python = fakePython('echo-python', [
      'echo "a warning on stdout"',
      `printf '{"status":"ok","kind":"timing","framework":"pytorch","model":"cnn","backend":"%s","batchSize":8,"stepsPerRun":1,` +
        `"warmupSteps":1,"peakRssBytes":1000,"deviations":["d"],"msPerStep":[1,2,3],"cpuMsPerStep":[2,3,4],` +
        `"msPerStepMedian":2,"cpuMsPerStepMedian":3}\\n' "$*"`,
    ].join('\n'));
    const result = await measurePytorch({ python, script }, { ...request, profile: true });
    expect(result).toMatchObject({ status: 'ok', kind: 'timing', msPerStepMedian: 2, deviations: ['d'] });
    expect(result.status === 'ok' && result.backend).toBe(`${script} --model cnn --steps 3 --warmup 1 --batch-size 8 --seed 5 --profile`);
  });

  it('names the script when its output is not a measurement, and shows its errors when it fails', async () => {
    const garbage = fakePython('garbage-python', 'echo "not json"');
    await expect(measurePytorch({ python: garbage, script }, request)).rejects.toThrow(`${script}: expected one JSON line on stdout, got: not json`);
    const wrong = fakePython('wrong-python', `echo '{"status":"ok","framework":"pytorch","model":"cnn"}'`);
    await expect(measurePytorch({ python: wrong, script }, request)).rejects.toThrow(`${script}: not a bench measurement`);
    const failing = fakePython('failing-python', 'echo "Traceback: boom" >&2; exit 2');
    await expect(measurePytorch({ python: failing, script }, request)).rejects.toThrow(/failed \(exit code 2\):\nTraceback: boom/);
  });

  // A python3 that cannot see any installed package: -S leaves out site (and with it
  // dist-packages and site-packages, where torch lives), -I the user's paths. Skipped only
  // on a machine without any python3.
  const python = python3();
  it.skipIf(python === null)('runs the real script on a Python without torch: unavailable, with the reason and the hint', async () => {
    const bare = fakePython('bare-python', `exec ${python} -S -I "$@"`);
    const result = await measurePytorch({ python: bare, script }, request);
    expect(result).toMatchObject({ status: 'unavailable', framework: 'pytorch', model: 'cnn' });
    expect(result.status === 'unavailable' && result.reason).toMatch(/No module named 'torch' \(Python 3\.[\d.]+ at .*\); install PyTorch/);
  });
});
