/** What `rosetta bench` prints: a line per measurement as it comes, then a table per model. */
import { rowRate, type BenchResult, type ModelBench, type ModelName, type Peak, type ProfileOutcome, type Variant } from '@rosetta/harness';

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' ');
const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

export function measurementLine(model: ModelName, round: number, rounds: number, variant: Variant, outcome: BenchResult | Error): string {
  const head = `${model} round ${round}/${rounds} ${variant.label}`;
  if (outcome instanceof Error) return `${head}: failed: ${outcome.message}`;
  if (outcome.status === 'unavailable' || outcome.status === 'unsupported') return `${head}: ${outcome.status} (${outcome.reason})`;
  if (outcome.kind !== 'timing') return `${head}: a profile`;
  return (
    `${head}: median ${ms(outcome.msPerStepMedian)} ms/step (CPU ${ms(outcome.cpuMsPerStepMedian)}) over ` +
    `${outcome.msPerStep.length} steps after ${outcome.warmupSteps} warm-up, peak RSS ${mib(outcome.peakRssBytes)}`
  );
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function modelTable(bench: ModelBench, top: number, peaks: readonly Peak[] = []): string[] {
  const base = bench.base?.label ?? 'the first';
  const lines = [
    '',
    `${bench.model}: load average ${load(bench.loadStart)} at the start, ${load(bench.loadEnd)} at the end (1, 5, 15 min)`,
  ];
  const cells: string[][] = [];
  const backends: string[] = [];
  const notes: string[] = [];
  for (const row of bench.rows) {
    if (row.status !== 'ok') {
      notes.push(`${row.variant.label}: ${row.status}: ${row.reason}`);
      continue;
    }
    backends.push(`  ${row.variant.label}: ${row.backend}`);
    const rate = rowRate(bench.model, row, peaks);
    cells.push([
      row.variant.label,
      String(row.stepsPerRun),
      ms(row.msPerStepMedian),
      ms(row.cpuMsPerStepMedian),
      rate.samplesPerSecond.toFixed(0),
      rate.gflops.toFixed(1),
      rate.share === null ? '-' : percent(rate.share),
      row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x`,
      row.roundRatios.map((r) => r.toFixed(2)).join(' '),
      mib(row.peakRssBytes),
    ]);
  }
  if (cells.length > 0) {
    lines.push(
      ...table(
        ['framework', 'steps/run', 'ms/step', 'CPU ms/step', 'samples/s', 'GFLOP/s', '% of peak', `vs ${base}`, 'per round', 'peak RSS'],
        cells,
        [false, true, true, true, true, true, true, true, false, true],
      ),
      'backends:',
      ...backends,
    );
  }
  lines.push(...notes);
  const reference = bench.rows.find((r) => r.status === 'ok' && r.variant.reference);
  if (reference?.status === 'ok' && reference.deviations.length > 0) {
    lines.push('pytorch differs from SPEC.md:', ...reference.deviations.map((d) => `  - ${d}`));
  }
  for (const profile of bench.profiles) lines.push(...profileLines(bench.model, profile, top));
  return lines;
}

export function profileLines(model: ModelName, outcome: ProfileOutcome, top: number): string[] {
  const head = `${model} ${outcome.variant.label} profile`;
  if (outcome.status !== 'ok') return ['', `${head}: ${outcome.status}: ${outcome.reason}`];
  const p = outcome.profile;
  const shown = p.kernels.slice(0, top);
  const inKernels = p.kernels.reduce((sum, k) => sum + k.msPerStep, 0);
  return [
    '',
    `${head} (${p.backend}): ${p.steps} steps after ${p.warmupSteps} warm-up, ${ms(p.stepMs)} ms/step while profiled, ` +
      `${ms(inKernels)} ms/step (${percent(inKernels / p.stepMs)}) in ${p.kernels.length} kernels or ops, the ${shown.length} largest:`,
    ...table(
      ['kernel / op', 'ms/step', 'share', 'calls/step'],
      shown.map((k) => [k.name, ms(k.msPerStep), percent(k.share), k.callsPerStep.toFixed(k.callsPerStep % 1 === 0 ? 0 : 2)]),
      [false, true, true, true],
    ).map((line) => `  ${line}`),
  ];
}
