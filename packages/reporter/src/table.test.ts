import { describe, expect, it } from 'vitest';
import { analyse } from './analysis.js';
import { renderTables } from './table.js';
import { AGREEING_RUNS, fixtureResult, fixtureSets, type RunFixture } from './testing/fixtures.js';

const INVOCATION = '2026-11-24T08:00:00.000Z';

/** tfjs-wasm's CNN three times in one invocation: 100, 130 and 110 s; 30, 32 and 31 %. */
const REPEATED: RunFixture[] = [
  [100, 0.3],
  [130, 0.32],
  [110, 0.31],
].map(([trainSeconds, accuracy], i) => ({ framework: 'tfjs-wasm', model: 'cnn', trainSeconds, accuracy, invocation: INVOCATION, repeat: i + 1, repeats: 3 }));

function tables(runs: readonly RunFixture[]): string {
  return renderTables(analyse(fixtureSets(runs.map(fixtureResult))), 2);
}

/** The Markdown table row of `framework` in the text after `marker`. */
function rowAfter(text: string, marker: string, framework: string): string[] {
  const from = text.indexOf(marker);
  expect(from, marker).toBeGreaterThanOrEqual(0);
  const line = text.slice(from).split('\n').find((l) => l.startsWith(`| **${framework}**`));
  expect(line, `${framework} after ${marker}`).toBeDefined();
  return line!.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, ''));
}

describe('renderTables with repeated runs', () => {
  const text = tables([...AGREEING_RUNS.filter((run) => run.framework !== 'tfjs-wasm'), ...REPEATED]);

  it('scores the training time by MLPerf’s rule, with the spread and the number of runs', () => {
    const row = rowAfter(text, '**On `fixture-cpu-2-cores`**', 'tfjs-wasm');
    // backend, device, runs, accuracy, vs median, check, training time, first epoch, steady epoch, ms/step, samples/s, vs fastest
    expect(row[2]).toBe('3');
    // Of 100, 110 and 130 s the middle one is kept; the spread is the fastest and the slowest run.
    expect(row[6]).toBe('110 s (100–130)');
    // The fixture's median step is trainSeconds / 2 epochs / 64 steps: 781, 859 and 1,016 ms.
    expect(row[9]).toBe('859 ms (781–1,016)');
    // 110 s against onnxruntime-cpu's 90 s.
    expect(row[11]).toBe('1.22×');
    expect(rowAfter(text, '**Training time by machine**', 'tfjs-wasm')).toEqual(['**tfjs-wasm**', '110 s (100–130, 3 runs)']);
  });

  it('gives the accuracy as mean ± standard deviation, and checks the mean', () => {
    const row = rowAfter(text, '**On `fixture-cpu-2-cores`**', 'tfjs-wasm');
    expect(row[3]).toBe('31.00 ± 1.00 %');
    // The median of the three backends' accuracies (28, 29 and the mean 31 %) is 29 %.
    expect(row[4]).toBe('+2.00 pp');
    expect(text).toContain('A backend with several runs enters with its mean accuracy, at the same tolerance');
    // The tolerance is one run's: n = 1,000 test samples, not 3 × 1,000.
    expect(text).toContain('= 3·sqrt(2·0.290·0.710/1,000) = **6.09 pp**');
    expect(rowAfter(text, '**On `fixture-cpu-2-cores`**', 'onnxruntime-cpu')[3]).toBe('29.00 %');
  });

  it('says which rule makes the score', () => {
    expect(text).toContain('MLPerf Training’s rule: of its N runs, drop the fastest and the slowest and take the arithmetic mean of the rest');
    expect(text).toContain('with 2 runs the mean of both, with 1 that run');
  });

  it('flags a backend whose mean accuracy is off, naming it as the mean of its runs', () => {
    const off = REPEATED.map((run) => ({ ...run, accuracy: run.accuracy! - 0.2 }));
    const analysis = analyse(fixtureSets([...AGREEING_RUNS.filter((run) => run.framework !== 'tfjs-wasm'), ...off].map(fixtureResult)));
    expect(analysis.disagreements).toHaveLength(1);
    expect(analysis.disagreements[0]).toMatch(/^cnn: tfjs-wasm test accuracy 11\.00 % \(mean of 3 runs\) disagrees with onnxruntime-cpu, tfjs-cpu/);
  });
});

describe('renderTables with several machines', () => {
  const gpu: RunFixture[] = [
    { framework: 'onnxruntime-cuda', model: 'cnn', label: 'nvidia-h200', trainSeconds: 12, accuracy: 0.3 },
    { framework: 'tfjs-wasm', model: 'cnn', label: 'nvidia-h200', trainSeconds: 80, accuracy: 0.31 },
  ];
  const text = tables([...AGREEING_RUNS, ...gpu]);

  it('has one column per machine in the overview and one detailed table per machine', () => {
    expect(text).toContain('| backend | `fixture-cpu-2-cores` | `nvidia-h200` |');
    expect(rowAfter(text, '**Training time by machine**', 'tfjs-wasm')).toEqual(['**tfjs-wasm**', '120 s', '80.0 s']);
    expect(rowAfter(text, '**Training time by machine**', 'onnxruntime-cuda')).toEqual(['**onnxruntime-cuda**', 'unavailable', '12.0 s']);
    expect(rowAfter(text, '**Training time by machine**', 'tfjs-cpu')).toEqual(['**tfjs-cpu**', '400 s', '—']);
    expect(rowAfter(text, '**On `nvidia-h200`**', 'onnxruntime-cuda')[6]).toBe('12.0 s');
    // Relative to the fastest on the same machine.
    expect(rowAfter(text, '**On `nvidia-h200`**', 'tfjs-wasm')[11]).toBe('6.67×');
  });

  it('checks accuracy across machines, naming each backend with its machine', () => {
    expect(text).toContain('**Accuracy check (all machines together):**');
    const analysis = analyse(fixtureSets([...AGREEING_RUNS, { ...gpu[0]!, accuracy: 0.05 }].map(fixtureResult)));
    expect(analysis.disagreements[0]).toMatch(/^cnn: onnxruntime-cuda on nvidia-h200 test accuracy 5\.00 % disagrees with onnxruntime-cpu on fixture-cpu-2-cores, tfjs-cpu on fixture-cpu-2-cores, tfjs-wasm on fixture-cpu-2-cores/);
  });

  it('points to the other configuration where a backend ran only that one on a machine', () => {
    const other = tables([...AGREEING_RUNS, { framework: 'tfjs-cpu', model: 'cnn', label: 'nvidia-h200', epochs: 1, trainSeconds: 50 }]);
    expect(other).toContain('run configuration A, the one most backends share: 3 of the 4 backend–machine pairs that ran');
    expect(rowAfter(other, '**Training time by machine**', 'tfjs-cpu')).toEqual(['**tfjs-cpu**', '400 s', 'see B']);
  });
});

describe('the inference table', () => {
  it('shows throughput and latency where the runs recorded them, and says why not elsewhere', () => {
    const inference = (samplesPerSecond: number, latencyMsMedian: number) => ({ batchSize: 64, samplesPerSecond, latencyMsMedian, latencySamples: 100 });
    const timed = REPEATED.map((run, i) => ({ ...run, inference: inference(800 + 10 * i, [4, 6, 5][i]!) }));
    const text = tables([...AGREEING_RUNS.filter((run) => run.framework !== 'tfjs-wasm'), ...timed]);
    const marker = '**Inference**';
    expect(rowAfter(text, marker, 'tfjs-wasm')).toEqual(['**tfjs-wasm**', '`fixture-cpu-2-cores`', '810 (800–820)', '5.00 ms (4.00–6.00)', '3', '']);
    expect(rowAfter(text, marker, 'onnxruntime-cpu')).toEqual([
      '**onnxruntime-cpu**',
      '`fixture-cpu-2-cores`',
      '—',
      '—',
      '1',
      'not measured: recorded by a version of `rosetta train` that did not time inference',
    ]);
    // Unavailable backends have nothing to time and are listed in the training tables only.
    expect(text.slice(text.indexOf(marker)).split('\n## ')[0]).not.toContain('onnxruntime-cuda');
  });

  it('says that a software WebGPU adapter is not timed, and names it in its machine\'s table', () => {
    const adapter = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe (LLVM 15)', software: true };
    const text = tables([...AGREEING_RUNS, { framework: 'tfjs-webgpu', model: 'cnn', label: 'llvmpipe', adapter }]);
    expect(rowAfter(text, '**Inference**', 'tfjs-webgpu').at(-1)).toBe('not timed: a software WebGPU adapter (the CPU emulating a GPU)');
    expect(text).toMatch(/\*\*On `llvmpipe`\*\* \(.*WebGPU adapter: llvmpipe \(LLVM 15\)\): A software WebGPU adapter is the CPU emulating a GPU/);
  });
});
