import { describe, expect, it } from 'vitest';
import { median, StepClock, summarizeTimes } from './timing.js';

describe('median', () => {
  it('takes the middle of an odd list and the mean of the two middles of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('ignores a single slow warm-up step', () => {
    expect(median([900, 10, 11, 12, 10])).toBe(11);
  });

  it('rejects an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('StepClock', () => {
  it('records one entry per step, spreading a chunk evenly over its steps', () => {
    let t = 0;
    const clock = new StepClock(() => t);
    t = 100;
    expect(clock.lap(1)).toBe(100);
    t = 400; // one chunk of 3 steps in 300 ms
    expect(clock.lap(3)).toBe(100);
    t = 420;
    clock.lap(1);
    expect(clock.stepMilliseconds).toEqual([100, 100, 100, 100, 20]);
  });

  it('restart() starts a new interval without recording a step', () => {
    let t = 0;
    const clock = new StepClock(() => t);
    t = 1000; // time between epochs is not a step
    clock.restart();
    t = 1050;
    clock.lap(1);
    expect(clock.stepMilliseconds).toEqual([50]);
  });

  it('rejects a report of no steps', () => {
    const clock = new StepClock(() => 0);
    expect(() => clock.lap(0)).toThrow(/at least one step/);
  });
});

describe('summarizeTimes', () => {
  it('keeps the first epoch out of the steady epoch time', () => {
    const summary = summarizeTimes({
      trainSeconds: 50,
      epochSeconds: [20, 10, 12, 8],
      stepMilliseconds: [300, 100, 100, 120, 80],
      samplesPerEpoch: 640,
    });
    expect(summary.steadyEpochSeconds).toBe(10);
    expect(summary.msPerStepMedian).toBe(100);
    expect(summary.samplesPerSecond).toBeCloseTo((640 * 4) / 50, 12);
  });

  it('uses the only epoch as the steady one when there is just one', () => {
    const summary = summarizeTimes({ trainSeconds: 3, epochSeconds: [3], stepMilliseconds: [1, 2, 3], samplesPerEpoch: 192 });
    expect(summary.steadyEpochSeconds).toBe(3);
    expect(summary.samplesPerSecond).toBe(64);
  });

  it('refuses to summarise a run without a completed epoch', () => {
    expect(() => summarizeTimes({ trainSeconds: 1, epochSeconds: [], stepMilliseconds: [1], samplesPerEpoch: 64 })).toThrow(/no completed epoch/);
  });
});
