/**
 * The two charts, as Vega-Lite specifications rendered to SVG in Node by Vega itself
 * (the headless "none" renderer: no browser, no canvas). Each model's panel shows the runs
 * of its main configuration only, since times of different configurations do not compare:
 * one bar or line per backend (per backend and machine when there are several machines),
 * the score of its runs where it ran several times (stats.ts), their mean loss per epoch.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { rowRate, trainingStepFlops, type BenchRecord } from '@rosetta/harness';
import type { Analysis } from './analysis.js';
import { integer } from './format.js';

export interface Chart {
  /** File name under the results directory. */
  readonly file: string;
  readonly title: string;
  readonly svg: string;
}

/** The panel label: the model and the configuration its bars come from. */
function panels(analysis: Analysis) {
  return analysis.models.flatMap((model) => {
    const group = model.groups[0];
    if (!group) return [];
    const { epochs, trainSamples } = group.config;
    const detail = `${epochs} epoch${epochs === 1 ? '' : 's'}, ${integer(trainSamples)} training samples`;
    return [{ panel: `${model.title} (${detail})`, title: model.title, detail, runs: group.runs.filter((run) => run.trainSeconds !== null), group }];
  });
}

/** One colour per backend (and machine) in both charts, whatever subset each panel shows. */
function colourScale(analysis: Analysis) {
  const names = [...new Set(analysis.models.flatMap((model) => model.groups.flatMap((group) => group.runs.map((run) => run.name))))].sort();
  return { domain: names, scheme: 'tableau10' as const };
}

function trainingTimeSpec(analysis: Analysis): TopLevelSpec {
  const shown = panels(analysis);
  // A software WebGPU adapter's time is a CPU emulating a GPU: never drawn beside the others.
  const values = shown.flatMap(({ panel, runs }) => runs.filter((run) => !run.softwareAdapter).map((run) => ({ panel, framework: run.name, seconds: run.trainSeconds!.score })));
  const colour = colourScale(analysis);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Training time per backend',
      subtitle: 'all epochs inside the timer, as SPEC.md defines it (several runs: their score, see the notes); shorter is better; software WebGPU adapters left out',
      anchor: 'start',
    },
    data: { values },
    // One bar chart per model, stacked; concatenated rather than faceted so that each has
    // its own axes (a CNN run and a GRU run take very different times).
    vconcat: shown.map(({ panel }) => ({
      title: { text: panel, anchor: 'start', fontSize: 13 },
      width: 460,
      transform: [{ filter: { field: 'panel', equal: panel } }],
      encoding: {
        y: { field: 'framework', type: 'nominal', title: null },
        x: { field: 'seconds', type: 'quantitative', title: 'training time (s)' },
      },
      layer: [
        { mark: 'bar', encoding: { color: { field: 'framework', type: 'nominal', scale: colour, legend: null } } },
        { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'seconds', type: 'quantitative', format: '.3~s' } } },
      ],
    })),
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

function lossSpec(analysis: Analysis): TopLevelSpec {
  const shown = panels(analysis);
  const values = shown.flatMap(({ panel, runs }) =>
    runs.flatMap((run) => run.epochLoss.map((loss, index) => ({ panel, framework: run.name, epoch: index + 1, loss }))),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Training loss per epoch', subtitle: 'mean softmax cross-entropy over the epoch’s mini-batches (several runs: their mean)', anchor: 'start' },
    data: { values },
    hconcat: shown.map(({ title, detail, panel }) => ({
      title: { text: [title, detail], anchor: 'start', fontSize: 13 },
      width: 300,
      height: 220,
      transform: [{ filter: { field: 'panel', equal: panel } }],
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'ordinal', title: 'epoch', axis: { labelAngle: 0 } },
        y: { field: 'loss', type: 'quantitative', title: 'mean training loss', scale: { zero: false } },
        color: { field: 'framework', type: 'nominal', scale: colourScale(analysis), title: 'backend' },
      },
    })),
    resolve: { scale: { y: 'independent' } },
  };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderCharts(analysis: Analysis): Promise<Chart[]> {
  return [
    { file: 'training-time.svg', title: 'Training time per backend', svg: await renderSvg(trainingTimeSpec(analysis)) },
    { file: 'loss-per-epoch.svg', title: 'Training loss per epoch', svg: await renderSvg(lossSpec(analysis)) },
  ];
}

/**
 * How cost grows with the work (a scaling bench, `rosetta bench --batch-size 32,64,...`): samples
 * per second against batch size, one line per backend and thread count, under the ceiling each
 * instruction set's peak allows (its GFLOP/s over the FLOPs one sample costs). One panel per model.
 */
export async function renderScalingChart(record: BenchRecord, file: string): Promise<Chart | null> {
  if (record.settings.batchSizes === undefined) return null;
  const names = { native: 'native code', webassembly: 'WebAssembly' } as const;
  const points = record.models.flatMap((m) =>
    m.rows.flatMap((row) => {
      if (row.status !== 'ok' || row.variant.batchSize === undefined) return [];
      const threads = row.variant.threads === undefined ? '' : `, ${row.variant.threads} thread${row.variant.threads === 1 ? '' : 's'}`;
      const rate = rowRate(m.model, row, record.peaks ?? []);
      return [{ model: m.model, backend: `${row.variant.framework}${threads}`, batch: row.variant.batchSize, samples: rate.samplesPerSecond }];
    }),
  );
  const ceilings = record.models.flatMap((m) =>
    (record.peaks ?? []).map((peak) => ({ model: m.model, ceiling: `${names[peak.arithmetic]} peak`, samples: (peak.gflops * 1e9) / trainingStepFlops(m.model, 1) })),
  );
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Samples per second against batch size',
      subtitle: `rosetta bench, median step of each; dashed: what each instruction set's measured peak allows (${record.machine.cpu.model}, ${record.machine.cpu.cores} cores)`,
      anchor: 'start',
    },
    hconcat: record.models.map((m) => ({
      title: { text: m.model === 'cnn' ? 'CNN' : 'GRU', anchor: 'start', fontSize: 13 },
      width: 300,
      height: 240,
      layer: [
        {
          data: { values: points.filter((p) => p.model === m.model) },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'batch', type: 'quantitative', title: 'batch size', scale: { type: 'log', base: 2 } },
            y: { field: 'samples', type: 'quantitative', title: 'samples per second' },
            color: { field: 'backend', type: 'nominal', title: 'backend' },
          },
        },
        {
          data: { values: ceilings.filter((c) => c.model === m.model) },
          mark: { type: 'rule', strokeDash: [6, 4] },
          encoding: { y: { field: 'samples', type: 'quantitative' }, color: { field: 'ceiling', type: 'nominal', title: 'ceiling' } },
        },
      ],
      resolve: { scale: { color: 'independent' } },
    })),
  };
  return { file, title: 'Samples per second against batch size', svg: await renderSvg(spec) };
}
