import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICodeCell, IDisplayData, IStream } from '@jupyterlab/nbformat';
import type { Batch } from '@rosetta/data';
import { writeSyntheticMirror } from '@rosetta/data/testing';
import { BackendUnavailableError, runTraining, type Framework, type Log, type ModelName } from '@rosetta/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinSource } from './notebook-cells.js';
import { printedLines, recordedRunCells } from './notebook-run.js';
import { fixtureResult } from './testing/fixtures.js';

/**
 * A backend that trains nothing: it reports a loss per step (NaN from `nanAtStep` on) and
 * predicts class 0. Enough to drive the real runner, whose printed lines are under test.
 */
function fakeFramework(name: string, options: { nanAtStep?: number; unavailable?: boolean } = {}): Framework {
  return {
    name,
    description: 'reporter test backend',
    load: async () => {
      if (options.unavailable) throw new BackendUnavailableError(`${name}: libfake.so: cannot open shared object file`);
      return {
        info: { framework: name, backend: 'fake (no training)', device: 'cpu', versions: { fake: '1.0.0' }, deviations: ['test backend'] },
        input: { layout: 'NHWC', labels: 'sparse' },
        createModel: async () => {
          let step = 0;
          return {
            async trainEpoch(batches: Iterable<Batch>, report: (losses: Float32Array) => void) {
              for (const _batch of batches) {
                step += 1;
                report(Float32Array.of(step >= (options.nanAtStep ?? Infinity) ? NaN : 2.5 - step / 100));
              }
            },
            predict: async (batch: Batch) => new Float32Array(batch.size * 10),
            evaluate: async (batch: Batch) => batch.y.filter((label) => label === 0).length / batch.size,
            weights: async () => new Map(),
            dispose: () => {},
          };
        },
      };
    },
  };
}

let dir: string;
let mirror: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rosetta-notebook-run-'));
  mirror = join(dir, 'mirror');
  await writeSyntheticMirror(mirror, { seed: 3, cifarTrain: 320, cifarTest: 128 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the real runner and returns its result and the lines it printed to stdout. */
async function train(framework: Framework, epochs: number, model: ModelName = 'cnn') {
  const printed: string[] = [];
  const log: Log = { info: (line) => printed.push(line), status: () => {} };
  const run = await runTraining({
    framework,
    model,
    epochs,
    seed: 5,
    outDir: join(dir, 'results', framework.name),
    label: 'test-machine',
    run: { invocation: '2026-11-23T05:00:00.000Z', repeat: 1, repeats: 1 },
    dropout: epochs === 1,
    mirror,
    cacheDir: join(dir, 'cache'),
    command: `rosetta train --framework ${framework.name}`,
    log,
  });
  // Not rebuilt: the early estimate (its step times are not recorded) and the path written.
  const stdout = printed.filter((line) => !/^after \d+ steps: /.test(line) && !line.startsWith('wrote '));
  return { result: run.result, stdout };
}

describe('printedLines: the lines `rosetta train` printed, rebuilt from the results file', () => {
  it('are exactly the runner\'s lines for a one-epoch run', async () => {
    const { result, stdout } = await train(fakeFramework('fake-one'), 1);
    expect(result.status).toBe('ok');
    // The plan, the epoch, the summary and the inference timings.
    expect(stdout).toHaveLength(4);
    expect(stdout[3]).toMatch(/^inference: /);
    expect(printedLines(result)).toEqual(stdout);
  });

  it('are the runner\'s lines for several epochs, less each epoch\'s median step time (not recorded)', async () => {
    const { result, stdout } = await train(fakeFramework('fake-two'), 2);
    expect(stdout.filter((line) => line.startsWith('epoch '))).toHaveLength(2);
    expect(stdout[0]).toContain(', dropout off');
    const withoutEpochMedian = stdout.map((line) => (line.startsWith('epoch ') ? line.replace(/ [^,]+ \(median\),/, '') : line));
    expect(withoutEpochMedian).not.toEqual(stdout);
    expect(printedLines(result)).toEqual(withoutEpochMedian);
  });

  it('end with the runner\'s failure line for a diverged run, after the epochs it completed', async () => {
    const { result, stdout } = await train(fakeFramework('fake-nan', { nanAtStep: 7 }), 2);
    expect(result.status).toBe('failed');
    expect(stdout.at(-1)).toMatch(/^fake-nan cnn: failed: training diverged: loss is NaN at epoch 2, step 2 of 5$/);
    expect(printedLines(result)).toEqual(stdout.map((line) => (line.startsWith('epoch ') ? line.replace(/ [^,]+ \(median\),/, '') : line)));
  });

  it('are the runner\'s one line for a backend that cannot load', async () => {
    const { result, stdout } = await train(fakeFramework('fake-gpu', { unavailable: true }), 1, 'rnn');
    expect(result.status).toBe('unavailable');
    expect(printedLines(result)).toEqual(stdout);
    expect(stdout).toEqual(['fake-gpu rnn: unavailable: fake-gpu: libfake.so: cannot open shared object file']);
  });
});

describe('recordedRunCells', () => {
  const result = fixtureResult({ framework: 'tfjs-wasm', model: 'cnn', epochs: 2, accuracy: 0.3125 });
  const [heading, cell] = recordedRunCells({ result, file: '../results/tfjs-wasm.cnn.json' }) as [unknown, ICodeCell];

  it('puts the run on a cell that says where it came from and that it was not executed', () => {
    expect(JSON.stringify(heading)).toContain('[`../results/tfjs-wasm.cnn.json`](../results/tfjs-wasm.cnn.json)');
    expect(cell.execution_count).toBeNull();
    const source = joinSource(cell.source);
    expect(source).toContain('Recorded run of tfjs-wasm on fixture-cpu-2-cores, from ../results/tfjs-wasm.cnn.json');
    expect(source).toContain('started 2026-11-23T05:00:00.000Z on fixture-host');
    expect(source).toContain('was not\n// executed');
    // Only comments: the cell claims no code produced its outputs.
    expect(source.split('\n').every((line) => line.startsWith('//'))).toBe(true);
    expect(cell.metadata['rosetta']).toEqual({
      recordedRun: '../results/tfjs-wasm.cnn.json',
      framework: 'tfjs-wasm',
      label: 'fixture-cpu-2-cores',
      repeat: 1,
      startedAt: '2026-11-23T05:00:00.000Z',
      executedHere: false,
    });
  });

  it('outputs the printed lines, the results and the environment', () => {
    const [stdout, results, environment] = cell.outputs as [IStream, IDisplayData, IDisplayData];
    expect(stdout).toMatchObject({ output_type: 'stream', name: 'stdout' });
    expect(joinSource(stdout.text)).toBe(`${printedLines(result).join('\n')}\n`);
    expect(joinSource(stdout.text)).toMatch(/^epoch 2\/2: 45\.0 s, mean loss 2\.0100, 91 samples\/s$/m);
    expect(results.output_type).toBe('display_data');
    expect(joinSource(results.data['text/plain'] as string[])).toMatch(/test accuracy +31\.25 % on 1,000 samples/);
    expect(results.data['text/html']).toContain('<td style="text-align:left">31.25 % on 1,000 samples');
    const env = joinSource(environment.data['text/plain'] as string[]);
    for (const expected of ['Node.js       v20.20.2', 'Fixture CPU, 2 cores, 24 GiB memory', 'GPU           none found', 'tfjs-wasm backend (cpu)', 'load average  not recorded']) {
      expect(env).toContain(expected);
    }
    for (const output of [results, environment]) expect(output.metadata).toEqual({ rosetta: cell.metadata['rosetta'] });
  });

  it('names the repeat and shows the inference timings when the run has them', () => {
    const timed = { ...result, run: { ...result.run, repeat: 2, repeats: 3 }, inference: { batchSize: 64, samplesPerSecond: 812.4, latencyMsMedian: 4.25, latencySamples: 100 } };
    const [title, repeat] = recordedRunCells({ result: timed, file: 'x.json' }) as [{ source: string[] }, ICodeCell];
    expect(joinSource(title.source)).toMatch(/^### tfjs-wasm on fixture-cpu-2-cores, repeat 2 of 3: ok/);
    const results = joinSource((repeat.outputs[1] as IDisplayData).data['text/plain'] as string[]);
    expect(results).toMatch(/^  inference +812 samples\/s at batch 64; 4\.25 ms for one sample alone \(median of 100\)$/m);
    expect(joinSource(cell.outputs.map((output) => JSON.stringify(output)))).not.toContain('inference');
  });

  it('escapes what the results file says before it goes into HTML', () => {
    const odd = fixtureResult({ framework: 'onnxruntime-cuda', model: 'rnn', status: 'unavailable' });
    const [, unavailable] = recordedRunCells({ result: { ...odd, reason: 'missing <libcudart.so> & co' }, file: 'x.json' }) as [unknown, ICodeCell];
    const html = (unavailable.outputs[1] as IDisplayData).data['text/html'] as string;
    expect(html).toContain('unavailable: missing &lt;libcudart.so&gt; &amp; co');
  });
});
