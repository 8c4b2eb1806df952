import { describe, expect, it } from 'vitest';
import { estimateLine, formatDuration, TrainingProgress, type Log } from './progress.js';

function recorder(): Log & { infos: string[]; statuses: string[] } {
  const infos: string[] = [];
  const statuses: string[] = [];
  return { infos, statuses, info: (line) => infos.push(line), status: (line) => statuses.push(line) };
}

describe('formatDuration', () => {
  it('picks a unit a person can plan with', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(8580)).toBe('2 h 23 min');
  });
});

describe('TrainingProgress', () => {
  it('estimates the whole run from the median of the first steps and suggests the short preset when long', () => {
    const log = recorder();
    const progress = new TrainingProgress({ epochs: 10, stepsPerEpoch: 781, log, hint: 'try --preset quick', now: () => 0 });
    const steps = [5000, 1100, 1100, 1100, 1100];
    for (let n = 1; n <= steps.length; n++) progress.steps(1, steps.slice(0, n));
    expect(log.infos).toEqual([`after 5 steps: ${estimateLine(1100, 7810)}; try --preset quick`]);
    expect(estimateLine(1100, 7810)).toBe('~1.1 s/step, estimated 2 h 23 min for 7,810 steps');
  });

  it('gives no hint for a short run, and estimates from a previous result before starting', () => {
    const log = recorder();
    const progress = new TrainingProgress({ epochs: 1, stepsPerEpoch: 64, log, hint: 'try --preset quick', now: () => 0 });
    progress.previousRun(50, 'results/x.cnn.json');
    expect(log.infos).toEqual(['previous result results/x.cnn.json: ~50 ms/step, estimated 3.2 s for 64 steps']);
  });

  it('throttles the live line', () => {
    const log = recorder();
    let t = 0;
    const progress = new TrainingProgress({ epochs: 2, stepsPerEpoch: 4, log, statusIntervalMs: 1000, now: () => t });
    const steps: number[] = [];
    for (let i = 0; i < 8; i++) {
      steps.push(100);
      t += 400;
      progress.steps(i < 4 ? 1 : 2, steps);
    }
    expect(log.statuses).toEqual([
      'epoch 1/2 step 1/4 100 ms/step, about 700 ms left',
      'epoch 1/2 step 4/4 100 ms/step, about 400 ms left',
      'epoch 2/2 step 3/4 100 ms/step, about 100 ms left',
    ]);
  });
});
