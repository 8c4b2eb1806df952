// Test support: a bench record as `rosetta bench --out` writes one.
import type { BenchRecord } from '../bench-record.js';

const variant = (label: string, reference = false) => ({ label, framework: label, reference });

/** A small valid bench record: PyTorch, a framework at a quarter of its time, one unavailable. */
export function sampleBenchRecord(): BenchRecord {
  const row = (label: string, ms: number, ratio: number) => ({
    status: 'ok' as const, variant: variant(label, label === 'pytorch'), backend: `${label} backend`, stepsPerRun: 1, warmupSteps: 16, steps: 16,
    msPerStepMedian: ms, cpuMsPerStepMedian: ms * 1.8, roundMedians: [ms, ms], ratio, roundRatios: [ratio, ratio], peakRssBytes: 5e8, deviations: [],
  });
  return {
    format: 'rosetta-bench',
    command: 'rosetta bench --framework fast --reference pytorch --out results/bench/m.json',
    machine: {
      node: 'v20.0.0', platform: 'linux', arch: 'x64', os: 'Debian', cpu: { model: 'AMD EPYC', cores: 2 }, memoryGiB: 24, gpu: null,
      hostname: 'h', startedAt: '2026-12-03T00:36:32.000Z', loadAverage: [0.78, 0.95, 1.07],
    },
    harness: '0.1.0',
    finishedAt: '2026-12-03T00:42:20.000Z',
    settings: { rounds: 2, steps: 16, warmup: 16, batchSize: null, seed: 42 },
    models: [{
      model: 'cnn', loadStart: [0.78, 0.95, 1.07], loadEnd: [1.88, 1.37, 1.21], base: variant('pytorch', true),
      rows: [row('pytorch', 600, 1), row('fast', 150, 0.25), { status: 'unavailable', variant: variant('gpu'), reason: 'no GPU' }],
      profiles: [],
    }],
    peaks: [{ arithmetic: 'native', gflops: 200, what: 'MatMul 4096 x 4096 x 4096', candidates: [{ what: 'MatMul 4096 x 4096 x 4096', gflops: 200 }] }],
  };
}
