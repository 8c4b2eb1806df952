import { describe, expect, it } from 'vitest';
import type { BenchResult, BenchTiming, ModelName, Variant } from '@rosetta/harness';
import { runBench, variants, type Measure } from './rounds.js';

function timing(framework: string, model: ModelName, msPerStep: number[], peakRssBytes = 1e8): BenchTiming {
  return {
    status: 'ok', kind: 'timing', framework, model, backend: `${framework} backend`, batchSize: 64, stepsPerRun: 1,
    warmupSteps: 2, peakRssBytes, deviations: framework === 'pytorch' ? ['reset-after GRU'] : [],
    msPerStep, cpuMsPerStep: msPerStep.map((ms) => ms * 2),
    msPerStepMedian: [...msPerStep].sort((a, b) => a - b)[msPerStep.length >> 1]!, cpuMsPerStepMedian: 0,
  };
}

/** A fake measurement: the step times of each variant, round after round; records the calls. */
function fake(times: Record<string, number[][]>, calls: string[], special: Record<string, BenchResult | Error> = {}): Measure {
  const round = new Map<string, number>();
  return async (variant, model, profile) => {
    calls.push(`${model} ${variant.label}${profile ? ' profile' : ''}`);
    const outcome = special[variant.label];
    if (outcome instanceof Error) throw outcome;
    if (outcome !== undefined) return outcome;
    if (profile) {
      return { ...timing(variant.framework, model, [1]), kind: 'profile', steps: 1, stepMs: 10, kernels: [] } as BenchResult;
    }
    const r = round.get(variant.label) ?? 0;
    round.set(variant.label, r + 1);
    return timing(variant.framework, model, times[variant.label]![r]!, 1e8 * (r + 1));
  };
}

const plan = { rounds: 3, profile: false, loadavg: () => [1, 2, 3] } as const;

describe('variants', () => {
  it('puts the reference first, then every framework at every steps-per-run', () => {
    expect(variants({ frameworks: ['a', 'b'], reference: 'pytorch' }).map((v) => v.label)).toEqual(['pytorch', 'a', 'b']);
    expect(variants({ frameworks: ['ort'], stepsPerRun: [1, 8] })).toEqual([
      { label: 'ort (1/run)', framework: 'ort', stepsPerRun: 1, reference: false },
      { label: 'ort (8/run)', framework: 'ort', stepsPerRun: 8, reference: false },
    ]);
  });
});

describe('variants of a scaling bench', () => {
  it('repeats the reference and the frameworks at each batch size and thread count, labelled', () => {
    const list = variants({ frameworks: ['a'], reference: 'pytorch', referenceNote: 'reference BLAS', batchSizes: [32, 64], threads: [1, 2] });
    expect(list.map((v) => v.label)).toEqual([
      'pytorch (reference BLAS, batch 32, 1 thread)', 'a (batch 32, 1 thread)', 'pytorch (reference BLAS, batch 32, 2 threads)', 'a (batch 32, 2 threads)',
      'pytorch (reference BLAS, batch 64, 1 thread)', 'a (batch 64, 1 thread)', 'pytorch (reference BLAS, batch 64, 2 threads)', 'a (batch 64, 2 threads)',
    ]);
    expect(list[1]).toEqual({ label: 'a (batch 32, 1 thread)', framework: 'a', reference: false, batchSize: 32, threads: 1 });
  });

  it('takes each ratio to the reference of the same batch size', async () => {
    const list = variants({ frameworks: ['a'], reference: 'pytorch', batchSizes: [32, 64] });
    const times = { 'pytorch (batch 32)': [[10]], 'a (batch 32)': [[5]], 'pytorch (batch 64)': [[40]], 'a (batch 64)': [[10]] };
    const [bench] = await runBench({ ...plan, rounds: 1, models: ['cnn'], variants: list, measure: fake(times, []) });
    expect(bench!.rows.map((row) => (row.status === 'ok' ? row.ratio : null))).toEqual([1, 0.5, 1, 0.25]);
    expect(bench!.base!.label).toBe('pytorch (batch 32)');
  });
});

describe('runBench', () => {
  it('alternates the reference with the backends, round by round, model by model', async () => {
    const calls: string[] = [];
    const times = { pytorch: [[1], [1], [1]], a: [[2], [2], [2]], b: [[3], [3], [3]] };
    await runBench({ ...plan, rounds: 2, models: ['cnn', 'rnn'], variants: variants({ frameworks: ['a', 'b'], reference: 'pytorch' }), measure: fake(times, calls) });
    expect(calls).toEqual([
      'cnn pytorch', 'cnn a', 'cnn b', 'cnn pytorch', 'cnn a', 'cnn b',
      'rnn pytorch', 'rnn a', 'rnn b', 'rnn pytorch', 'rnn a', 'rnn b',
    ]);
  });

  it("takes each ratio round by round, against the reference's measurement of the same round", async () => {
    // The machine gets twice as slow in round 2 and four times in round 3: a's ratio stays 2.
    const times = { pytorch: [[10, 10], [20, 20], [40, 40]], a: [[20, 20], [40, 40], [80, 80]], b: [[5, 5], [30, 30], [20, 20]] };
    const [bench] = await runBench({ ...plan, models: ['cnn'], variants: variants({ frameworks: ['a', 'b'], reference: 'pytorch' }), measure: fake(times, []) });
    expect(bench!.base?.label).toBe('pytorch');
    const [reference, a, b] = bench!.rows;
    expect(reference).toMatchObject({ status: 'ok', ratio: 1, roundRatios: [1, 1, 1] });
    expect(a).toMatchObject({ status: 'ok', ratio: 2, roundRatios: [2, 2, 2], roundMedians: [20, 40, 80] });
    expect(b).toMatchObject({ status: 'ok', roundRatios: [0.5, 1.5, 0.5], ratio: 0.5 });
    // The median step pools every timed step of every round; the peak RSS is the largest.
    expect(a).toMatchObject({ msPerStepMedian: 40, cpuMsPerStepMedian: 80, steps: 2, peakRssBytes: 3e8 });
    expect(bench).toMatchObject({ loadStart: [1, 2, 3], loadEnd: [1, 2, 3] });
  });

  it('leaves an unavailable reference out and takes the ratios to the first backend; does not retry it', async () => {
    const calls: string[] = [];
    const special = { pytorch: { status: 'unavailable', framework: 'pytorch', model: 'cnn', reason: 'no torch' } as const };
    const times = { a: [[10], [10], [10]], b: [[30], [30], [30]] };
    const [bench] = await runBench({ ...plan, models: ['cnn'], variants: variants({ frameworks: ['a', 'b'], reference: 'pytorch' }), measure: fake(times, calls, special) });
    expect(calls.filter((c) => c === 'cnn pytorch')).toHaveLength(1);
    expect(bench!.base?.label).toBe('a');
    expect(bench!.rows).toEqual([
      { status: 'unavailable', variant: expect.objectContaining({ label: 'pytorch' }), reason: 'no torch' },
      expect.objectContaining({ ratio: 1 }),
      expect.objectContaining({ ratio: 3 }),
    ]);
  });

  it('records a failed measurement with its reason and carries on with the others', async () => {
    const times = { a: [[10], [10], [10]], b: [[30], [30], [30]] };
    const [bench] = await runBench({ ...plan, models: ['rnn'], variants: variants({ frameworks: ['a', 'b'] }), measure: fake(times, [], { a: new Error('child crashed') }) });
    expect(bench!.rows[0]).toMatchObject({ status: 'failed', reason: 'child crashed' });
    expect(bench!.rows[1]).toMatchObject({ status: 'ok', ratio: 1 });
    expect(bench!.base?.label).toBe('b');
  });

  it('profiles each variant that ran, after the rounds', async () => {
    const calls: string[] = [];
    const variantsList: Variant[] = variants({ frameworks: ['a', 'b'] });
    const unsupported = { status: 'unsupported', framework: 'b', model: 'cnn', reason: 'no hook' } as const;
    const measure: Measure = async (variant, model, profile) =>
      profile && variant.label === 'b' ? unsupported : fake({ a: [[1]], b: [[1]] }, calls)(variant, model, profile);
    const [bench] = await runBench({ ...plan, rounds: 1, profile: true, models: ['cnn'], variants: variantsList, measure });
    expect(calls).toEqual(['cnn a', 'cnn b', 'cnn a profile']);
    expect(bench!.profiles.map((p) => p.status)).toEqual(['ok', 'unsupported']);
  });
});
