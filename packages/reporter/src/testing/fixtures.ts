/**
 * Test fixtures: valid results files and model sources with step markers, written into a
 * temporary workspace, so the reporter's tests never depend on a training run or on the
 * real model sources (which other packages own).
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordRun, ResultSchema, RESULTS_SCHEMA_VERSION, type ModelName, type Result } from '@rosetta/harness';
import type { RunSetInput } from '../analysis.js';
import { FAMILIES } from '../families.js';
import { STEPS } from '../steps.js';

const SHA = (digit: string) => digit.repeat(64);

export interface RunFixture {
  readonly framework: string;
  readonly model: ModelName;
  readonly status?: Result['status'];
  readonly accuracy?: number;
  readonly trainSeconds?: number;
  readonly epochs?: number;
  readonly testSamples?: number;
  /** The machine label the run is filed under. */
  readonly label?: string;
  /** Which `rosetta train` invocation made it (its start), and which of its `--repeat` runs it is. */
  readonly invocation?: string;
  readonly repeat?: number;
  readonly repeats?: number;
  /** When the run started; the invocation's start when absent. */
  readonly startedAt?: string;
  readonly inference?: Result['inference'];
  /** A WebGPU backend's adapter. */
  readonly adapter?: NonNullable<Result['env']['adapter']>;
}

/** A complete, schema-valid result; `ok` runs get consistent timings and losses. */
export function fixtureResult(fixture: RunFixture): Result {
  const { framework, model, status = 'ok', accuracy = 0.3, trainSeconds = 100, epochs = 2, testSamples = 1000, label = 'fixture-cpu-2-cores' } = fixture;
  const { invocation = '2026-11-23T05:00:00.000Z', repeat = 1, repeats = 1, startedAt = invocation, inference = null } = fixture;
  const ok = status === 'ok';
  const steps = 64;
  const epochSeconds = ok ? Array.from({ length: epochs }, (_, i) => (trainSeconds / epochs) * (i === 0 ? 1.1 : 0.9)) : [];
  return ResultSchema.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    framework,
    model,
    label,
    run: { configuration: `${epochs}ep-all`, invocation, repeat, repeats },
    status,
    reason: ok ? null : status === 'unavailable' ? `${framework}: libcudart.so.11.0: cannot open shared object file` : 'loss became NaN at step 3',
    epochs,
    batchSize: 64,
    trainSamples: steps * 64,
    testSamples,
    trainSeconds: ok ? trainSeconds : null,
    epochSeconds,
    steadyEpochSeconds: ok ? epochSeconds.at(-1)! : null,
    msPerStepMedian: ok ? (trainSeconds / epochs / steps) * 1000 : null,
    samplesPerSecond: ok ? (steps * 64 * epochs) / trainSeconds : null,
    epochLoss: ok ? Array.from({ length: epochs }, (_, i) => 2.3 - 0.2 * i - framework.length * 0.01) : [],
    finalLoss: ok ? 2.0 : null,
    testAccuracy: ok ? accuracy : null,
    evalSeconds: ok ? 1.5 : null,
    inference: ok ? inference : null,
    seed: 1,
    dropout: true,
    deviations: [],
    dataset: { name: model === 'cnn' ? 'cifar10' : 'imdb', source: '/mirror/datasets', sha256: SHA('a'), format: 'fixture-format', subset: true },
    weights: { source: 'shared initialiser, seed 1', sha256: SHA('b') },
    env: {
      node: 'v20.20.2',
      platform: 'linux',
      arch: 'x64',
      os: 'Debian GNU/Linux 12',
      cpu: { model: 'Fixture CPU', cores: 2 },
      memoryGiB: 24,
      gpu: null,
      backend: `${framework} backend`,
      device: framework.endsWith('gpu') || framework.endsWith('cuda') ? 'gpu' : 'cpu',
      ...(fixture.adapter === undefined ? {} : { adapter: fixture.adapter }),
      versions: {},
      hostname: 'fixture-host',
      startedAt,
    },
    command: `rosetta train --framework ${framework} --model ${model}`,
  });
}

/**
 * Results as the harness's run sets (what `readResultsDirectory` returns, less the files):
 * the runs of one label, framework, model and invocation together, by repeat.
 */
export function fixtureSets(results: readonly Result[]): RunSetInput[] {
  const sets = new Map<string, Result[]>();
  for (const result of results) {
    const key = [result.label, result.framework, result.model, result.run.configuration, result.run.invocation].join('\u0000');
    sets.set(key, [...(sets.get(key) ?? []), result]);
  }
  return [...sets.values()].map((runs) => {
    const sorted = [...runs].sort((a, b) => a.run.repeat - b.run.repeat);
    const { label, framework, model } = sorted[0]!;
    return { label, framework, model, runs: sorted, latestFailure: null };
  });
}

/** A model source with every step marker, in the shape the real sources have. */
export function fixtureSource(family: string, model: ModelName): string {
  const header = `/** ${family} ${model}: a fixture model source. */\nimport { something } from '@rosetta/${family}';\n\nexport async function train${model}() {\n`;
  const body = STEPS.map(
    (step, i) => `  // #region ${step.name}\n  const step${i} = something('${family}', '${model}', ${i}); // \`${step.name}\`\n\n  console.log(step${i});\n  // #endregion`,
  ).join('\n');
  return `${header}${body}\n}\n`;
}

export interface FixtureWorkspace {
  readonly root: string;
  readonly resultsDir: string;
  readonly notebooksDir: string;
  readonly readme: string;
}

export const README_TEXT = [
  '# Rosetta',
  '',
  'Hand-written introduction.',
  '',
  '## Results',
  '',
  '<!-- results:start -->',
  'old generated text',
  '<!-- results:end -->',
  '',
  '## After',
  '',
  'Hand-written text after the section.',
  '',
].join('\n');

/** Files the runs in a results directory as `rosetta train` does (repeats of one invocation beside the first). */
export async function writeFixtureRuns(resultsDir: string, runs: readonly RunFixture[], root: string): Promise<void> {
  for (const run of runs) await recordRun(resultsDir, fixtureResult(run), root);
}

/** A temporary workspace: the families' model sources, a README with markers, and results files. */
export async function fixtureWorkspace(runs: readonly RunFixture[], readmeText: string = README_TEXT): Promise<FixtureWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'rosetta-reporter-'));
  for (const family of FAMILIES) {
    for (const model of ['cnn', 'rnn'] as const) {
      const file = join(root, family.sources[model]);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, fixtureSource(family.id, model));
    }
  }
  const resultsDir = join(root, 'results');
  await writeFixtureRuns(resultsDir, runs, root);
  const readme = join(root, 'README.md');
  await writeFile(readme, readmeText);
  return { root, resultsDir, notebooksDir: join(root, 'notebooks'), readme };
}

/** Short runs of every backend the acceptance names, all agreeing, GPU backends unavailable. */
export const AGREEING_RUNS: readonly RunFixture[] = (['cnn', 'rnn'] as const).flatMap((model) => [
  { framework: 'tfjs-cpu', model, accuracy: model === 'cnn' ? 0.28 : 0.7, trainSeconds: 400 },
  { framework: 'tfjs-wasm', model, accuracy: model === 'cnn' ? 0.3 : 0.72, trainSeconds: 120 },
  { framework: 'onnxruntime-cpu', model, accuracy: model === 'cnn' ? 0.29 : 0.71, trainSeconds: 90 },
  { framework: 'tfjs-node-gpu', model, status: 'unavailable' as const },
  { framework: 'onnxruntime-cuda', model, status: 'unavailable' as const },
]);
