import { describe, expect, it } from 'vitest';
import { FAMILIES } from './families.js';
import { recordedRunsMarkdown } from './notebook-run.js';
import { fixtureResult } from './testing/fixtures.js';

const [tfjs, , pytorch] = FAMILIES as [(typeof FAMILIES)[number], unknown, (typeof FAMILIES)[number]];

describe('recordedRunsMarkdown', () => {
  const result = fixtureResult({ framework: 'tfjs-wasm', model: 'cnn', epochs: 2, accuracy: 0.3125 });

  it('labels the runs as recorded, with their results files, results and environment', () => {
    const text = recordedRunsMarkdown(tfjs, 'cnn', [{ result, file: '../results/tfjs-wasm.cnn.json' }]);
    expect(text).toMatch(/^## Recorded runs\n\nRecorded by `rosetta train`, not by executing this notebook/);
    expect(text).toContain('### tfjs-wasm on fixture-cpu-2-cores: ok');
    expect(text).toContain('Recorded in [`../results/tfjs-wasm.cnn.json`](../results/tfjs-wasm.cnn.json)');
    expect(text).toMatch(/\| test accuracy \| 31\.25 % on 1,000 samples/);
    expect(text).toMatch(/\| epochs \| 1: [^|]+, loss [\d.]+; 2: /);
    expect(text).toMatch(/<details><summary>Environment<\/summary>[\s\S]*\| CPU \| Fixture CPU, 2 cores, 24 GiB memory \|/);
  });

  it('names the repeat, the inference timings, and escapes table cells', () => {
    const timed = { ...result, run: { ...result.run, repeat: 2, repeats: 3 }, inference: { batchSize: 64, samplesPerSecond: 812.4, latencyMsMedian: 4.25, latencySamples: 100 } };
    const odd = { ...fixtureResult({ framework: 'tfjs-node-gpu', model: 'cnn', status: 'unavailable' }), reason: 'missing libcudart.so | libcudnn' };
    const text = recordedRunsMarkdown(tfjs, 'cnn', [{ result: timed, file: 'a.json' }, { result: odd, file: 'b.json' }]);
    expect(text).toContain('### tfjs-wasm on fixture-cpu-2-cores, repeat 2 of 3: ok');
    expect(text).toContain('| inference | 812 samples/s at batch 64; 4.25 ms for one sample alone (median of 100) |');
    expect(text).toContain('unavailable: missing libcudart.so \\| libcudnn');
    // Sorted by backend: tfjs-node-gpu before tfjs-wasm.
    expect(text.indexOf('### tfjs-node-gpu')).toBeLessThan(text.indexOf('### tfjs-wasm'));
  });

  it('says where runs come from when there is none', () => {
    expect(recordedRunsMarkdown(tfjs, 'rnn', [])).toContain('None yet: `rosetta train --framework <tfjs backend> --model rnn` records one');
    expect(recordedRunsMarkdown(pytorch, 'rnn', [])).toContain('PyTorch is the reference of `rosetta bench`');
  });
});
