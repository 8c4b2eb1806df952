/**
 * The README's bench section: the newest recorded bench (`rosetta bench --out`, files under
 * `<results>/bench/`) at one batch size, and the newest scaling bench's chart, each as a table of median ms per step, samples per second,
 * the arithmetic rate and its share of the instruction set's peak measured in the same run,
 * the ratio to the bench's base (PyTorch when it ran) with the per-round ratios it is the
 * median of, and the peak RSS, under the command that made it, the machine, the load and
 * the BLAS PyTorch loaded; every other record is linked, not copied. A README ratio is then
 * regenerated from the file that recorded it, never typed by hand.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { markdownTable } from 'markdown-table';
import { BENCH_RECORDS_DIR, readBenchRecord, rowRate, type BenchRecord, type ModelBench, type Peak } from '@rosetta/harness';
import { milliseconds, ratio } from './format.js';

export const BENCH_SECTION = 'bench';

export interface RecordedBench {
  readonly file: string;
  readonly record: BenchRecord;
}

/** Every record under `<dir>/bench/` of each results directory (none when the folder is absent), newest first. */
export async function readBenchRecords(resultsDirs: readonly string[]): Promise<RecordedBench[]> {
  const benches: RecordedBench[] = [];
  for (const dir of resultsDirs) {
    const folder = join(dir, BENCH_RECORDS_DIR);
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const name of names) benches.push({ file: join(folder, name), record: await readBenchRecord(join(folder, name)) });
  }
  return benches.sort((a, b) => (a.record.machine.startedAt < b.record.machine.startedAt ? 1 : -1));
}

/** Where a scaling bench's chart goes: beside its record, `<name>.scaling.svg`. */
export function scalingChartFile(recordFile: string): string {
  return recordFile.replace(/\.json$/, '.scaling.svg');
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' ');

const gflops = (value: number): string => value.toFixed(value >= 10 ? 0 : 1);
const share = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(0)} %`);

function benchTable(models: readonly ModelBench[], peaks: readonly Peak[]): string {
  const header = ['model', 'framework', 'ms/step', 'samples/s', 'GFLOP/s', '% of peak', 'vs base (per round)', 'peak RSS'];
  const rows = models.flatMap((m) =>
    m.rows.map((row) => {
      if (row.status !== 'ok') return [m.model, row.variant.label, row.status, '', '', '', '', ''];
      const rate = rowRate(m.model, row, peaks);
      const vs = row.ratio === null ? 'no common round' : row.variant.reference ? ratio(row.ratio) : `**${ratio(row.ratio)}** (${row.roundRatios.map(ratio).join(' / ')})`;
      return [m.model, row.variant.label, milliseconds(row.msPerStepMedian), rate.samplesPerSecond.toFixed(0), gflops(rate.gflops), share(rate.share), vs, mib(row.peakRssBytes)];
    }),
  );
  return markdownTable([header, ...rows], { align: ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'r'], alignDelimiters: false });
}

function peaksLine(peaks: readonly Peak[]): string {
  if (peaks.length === 0) return 'No peak measured (a record made before the bench measured them).';
  const names = { native: 'native code', webassembly: 'WebAssembly' } as const;
  return `Peaks measured in the same run: ${peaks.map((p) => `${names[p.arithmetic]} **${gflops(p.gflops)} GFLOP/s** (${p.what})`).join('; ')}.`;
}

/** A bench over several batch sizes or thread counts, drawn as a chart rather than tabulated. */
const isScaling = (record: BenchRecord): boolean => record.settings.batchSizes !== undefined || record.settings.threads !== undefined;

/** A record as the README shows it; a scaling bench (several batch sizes or threads) as its chart, its table left to the record. */
function describeBench({ file, record }: RecordedBench, fromDir: string): string {
  const link = relative(fromDir, file).split(sep).join('/');
  const { machine, settings } = record;
  const base = record.models.find((m) => m.base !== null)?.base?.label ?? 'the first framework';
  const started = machine.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const batch = settings.batchSizes?.join(', ') ?? settings.batchSize ?? 'SPEC.md (64)';
  const loads = record.models.map((m) => `${m.model} ${load(m.loadStart.slice(0, 1))} → ${load(m.loadEnd.slice(0, 1))}`).join(', ');
  const reference = record.models.flatMap((m) => m.rows).find((row) => row.status === 'ok' && row.variant.reference);
  return [
    `[${link}](${link}), ${started}: \`${record.command}\` on ${machine.cpu.model} (${machine.cpu.cores} cores, ${machine.memoryGiB} GiB${machine.gpu ? `, ${machine.gpu}` : ''}), ` +
      `${settings.rounds} round(s) of ${settings.steps} timed steps after ${settings.warmup} warm-up, batch ${batch}; load average (1 min) ${loads}. ` +
      `GFLOP/s: the model's FLOPs per training step (packages/harness/src/flops.ts) over the median step; the ratio is to ${base} ` +
      `(the median of the per-round ratios in brackets).${reference?.status === 'ok' ? ` PyTorch: ${reference.backend}.` : ''}`,
    '',
    peaksLine(record.peaks ?? []),
    '',
    !isScaling(record)
      ? benchTable(record.models, record.peaks ?? [])
      : `![Samples per second against batch size](${relative(fromDir, scalingChartFile(file)).split(sep).join('/')})`,
  ].join('\n');
}

export function renderBenchSection(benches: readonly RecordedBench[], fromDir: string): string {
  // Newest first: the newest of each kind is shown, every one is linked.
  const shown = [benches.find((bench) => !isScaling(bench.record)), benches.find((bench) => isScaling(bench.record))].filter((bench) => bench !== undefined);
  const link = (file: string) => relative(fromDir, file).split(sep).join('/');
  const others = benches.filter((bench) => !shown.includes(bench));
  return [
    '<!-- Generated by `rosetta report` from the recorded benches in results/bench/; do not edit by hand. -->',
    ...(benches.length === 0 ? ['No bench recorded yet: `rosetta bench ... --out results/bench/<machine>.json`.'] : shown.map((bench) => describeBench(bench, fromDir))),
    ...(others.length === 0
      ? []
      : [`Earlier records: ${others.map(({ file, record }) => `[${link(file)}](${link(file)}) (${record.machine.startedAt.slice(0, 10)})`).join(', ')}.`]),
  ].join('\n\n');
}
