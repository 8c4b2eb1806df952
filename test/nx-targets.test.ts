/**
 * The Nx targets that the framework catalogue generates (tools/nx-frameworks-plugin.cjs),
 * read back through Nx itself: which projects train, with which commands, and which files
 * invalidate a cached training result.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FRAMEWORKS } from '@rosetta/harness';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nxBin = join(root, 'node_modules/nx/dist/bin/nx.js');

/** Nx's standard output; `--check` exits 1 when some of the files are not inputs, which is an answer, not an error. */
async function nx(...args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [nxBin, ...args], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
      maxBuffer: 16 * 2 ** 20,
    });
    return stdout;
  } catch (error) {
    const { stdout, code } = error as { stdout?: string; code?: number };
    if (args.includes('--check') && code === 1 && stdout) return stdout;
    throw error;
  }
}

interface Target {
  options: { commands: string[] };
  configurations: Record<string, { args?: string }>;
  dependsOn: unknown[];
}

async function target(project: string, name: string): Promise<Target> {
  return (JSON.parse(await nx('show', 'project', project, '--json')) as { targets: Record<string, Target> }).targets[name]!;
}

describe('Nx targets from the framework catalogue', () => {
  it('gives `train` to every package hosting a framework of the default run, `train-reference` to tfjs-cpu only', async () => {
    const train = (await nx('show', 'projects', '--with-target', 'train')).trim().split('\n').sort();
    const expected = [...new Set(FRAMEWORKS.filter((f) => f.defaultRun).map((f) => f.package))].sort();
    expect(train).toEqual(expected);
    expect(train).toContain('@rosetta/tfjs-wasm');
    expect((await nx('show', 'projects', '--with-target', 'train-reference')).trim()).toBe('@rosetta/tfjs-cpu');
  }, 60_000);

  it('trains each framework of a package with `rosetta train`, and `-c quick` adds the quick preset', async () => {
    const ort = await target('@rosetta/onnxruntime', 'train');
    expect(ort.options.commands).toEqual([
      'rosetta train --framework onnxruntime-cpu --model cnn,rnn --skip-software-adapter',
      'rosetta train --framework onnxruntime-webgpu --model cnn,rnn --skip-software-adapter',
      'rosetta train --framework onnxruntime-cuda --model cnn,rnn --skip-software-adapter',
    ]);
    expect(ort.configurations['quick']).toEqual({ args: '--preset quick' });
    expect((await target('@rosetta/tfjs-wasm', 'train')).options.commands).toEqual(['rosetta train --framework tfjs-wasm --model cnn,rnn --skip-software-adapter']);
  }, 60_000);

  it('replays a cached training only while the CLI (presets included), the root configuration and the sources are unchanged', async () => {
    const out = await nx(
      'show', 'target', 'inputs', '@rosetta/tfjs-wasm:train', '-c', 'quick', '--check',
      'packages/cli/src/presets.ts', 'packages/cli/src/commands/train.ts', 'package.json', 'package-lock.json', 'nx.json',
      'tsconfig.base.json', 'packages/harness/frameworks.json', 'packages/harness/src/runner.ts', 'packages/tfjs/src/cnn.ts',
      'packages/cli/src/options.test.ts', 'packages/tfjs-wasm/README.md',
    );
    const [inputs, notInputs] = out.split(/These arguments were not inputs/);
    for (const file of ['packages/cli/src/presets.ts', 'packages/cli/src/commands/train.ts', 'package.json', 'package-lock.json', 'nx.json',
      'tsconfig.base.json', 'packages/harness/frameworks.json', 'packages/harness/src/runner.ts', 'packages/tfjs/src/cnn.ts']) {
      expect(inputs, file).toContain(`  ${file}\n`);
    }
    // Tests and documentation do not change a result.
    expect(notInputs).toContain('packages/cli/src/options.test.ts');
    expect(notInputs).toContain('packages/tfjs-wasm/README.md');
    const show = JSON.parse(await nx('show', 'project', '@rosetta/tfjs-wasm', '--json')) as { targets: { train: { inputs: unknown[] } } };
    expect(show.targets.train.inputs).toContainEqual({ runtime: 'node --version' });
    expect(show.targets.train.inputs).toContainEqual({ env: 'ROSETTA_DATASET_MIRROR' });
  }, 60_000);

  it('trains again after `rosetta setup` installed a GPU backend\'s native files, instead of replaying its unavailable result', async () => {
    const show = JSON.parse(await nx('show', 'project', '@rosetta/onnxruntime', '--json')) as { targets: { train: { inputs: unknown[] } } };
    const setupInput = show.targets.train.inputs.find(
      (input): input is { runtime: string } => typeof input === 'object' && input !== null && 'runtime' in input && String(input.runtime).includes('onnxruntime-node'),
    );
    expect(setupInput, 'a runtime input over the files rosetta setup installs').toBeDefined();
    // Nx runs a runtime input in the workspace root and hashes what it prints.
    const workspace = await mkdtemp(join(tmpdir(), 'rosetta-nx-inputs-'));
    try {
      const providers = join(workspace, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
      await mkdir(providers, { recursive: true });
      await writeFile(join(providers, 'libonnxruntime.so.1'), '');
      const printed = async () => (await promisify(execFile)('sh', ['-c', setupInput!.runtime], { cwd: workspace })).stdout;
      const before = await printed();
      await writeFile(join(providers, 'libonnxruntime_providers_cuda.so'), '');
      const after = await printed();
      expect(before).not.toContain('libonnxruntime_providers_cuda.so');
      expect(after).toContain('libonnxruntime_providers_cuda.so');
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  }, 60_000);

  it('never trains for a report', async () => {
    const report = await target('@rosetta/reporter', 'report');
    expect(JSON.stringify(report.dependsOn)).not.toMatch(/train/);
  }, 60_000);
});
