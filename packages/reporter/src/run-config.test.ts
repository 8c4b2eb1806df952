import { describe, expect, it } from 'vitest';
import { analyse } from './analysis.js';
import { describeConfig, groupByConfig, isSpecRun, runConfig } from './run-config.js';
import { renderTables } from './table.js';
import { fixtureResult, fixtureSets } from './testing/fixtures.js';

describe('run configurations', () => {
  it('groups runs by configuration, leaving unavailable backends out of every group', () => {
    const groups = groupByConfig(
      fixtureSets([
        fixtureResult({ framework: 'a', model: 'rnn', epochs: 1 }),
        fixtureResult({ framework: 'b', model: 'rnn', epochs: 3 }),
        fixtureResult({ framework: 'c', model: 'rnn', epochs: 3 }),
        fixtureResult({ framework: 'd', model: 'rnn', status: 'unavailable' }),
      ]),
    );
    expect(groups.map((group) => group.members.map((set) => set.framework))).toEqual([['b', 'c'], ['a']]);
  });

  it('puts first the configuration most backends share, then on a tie the longer run', () => {
    const tie = groupByConfig(
      fixtureSets([
        fixtureResult({ framework: 'a', model: 'rnn', epochs: 1 }),
        fixtureResult({ framework: 'b', model: 'rnn', epochs: 3 }),
      ]),
    );
    expect(tie.map((group) => group.config.epochs)).toEqual([3, 1]);
  });

  it('compares accuracies only within a configuration, and says which configuration each table is', () => {
    // 10 % after 1 epoch would disagree with 70 % after 3; in separate groups nothing is flagged.
    const analysis = analyse(
      fixtureSets([
        fixtureResult({ framework: 'a', model: 'rnn', epochs: 1, accuracy: 0.1 }),
        fixtureResult({ framework: 'b', model: 'rnn', epochs: 3, accuracy: 0.7 }),
        fixtureResult({ framework: 'c', model: 'rnn', epochs: 3, accuracy: 0.71 }),
      ]),
    );
    expect(analysis.disagreements).toEqual([]);
    const text = renderTables(analysis, 2);
    expect(text).toContain('**Run configuration A:** 3 epochs');
    expect(text).toContain('**Run configuration B:** 1 epoch ×');
    expect(text).toContain('**Accuracy check:** only one backend finished');
  });

  it('recognises the full SPEC.md run and marks every other as not the SPEC', () => {
    const short = fixtureResult({ framework: 'a', model: 'cnn' });
    expect(isSpecRun(runConfig(short))).toBe(false);
    expect(describeConfig(runConfig(short))).toContain('**Not the SPEC.md run**');
    const full = { ...runConfig(short), epochs: 10, trainSamples: 49_984, testSamples: 9_984, dataset: { ...short.dataset!, subset: false } };
    expect(isSpecRun(full)).toBe(true);
    expect(describeConfig(full)).toContain('This is the SPEC.md run: 10 epochs × batch 64');
    expect(isSpecRun({ ...full, trainSamples: 16_384 })).toBe(false);
  });
});
