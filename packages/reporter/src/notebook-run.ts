/**
 * The full-length runs `rosetta train` recorded for a notebook's family, as Markdown: a table
 * of every backend's run, then each run's results and environment, each naming its results
 * file. They are labelled as recorded; the notebook's outputs are only ever its own execution.
 */
import type { ModelName, Result } from '@rosetta/harness';
import { markdownTable } from 'markdown-table';
import type { FrameworkFamily } from './families.js';
import { cellText, integer, milliseconds, percent, rate, seconds } from './format.js';

/** A results file's run and where it is, relative to the notebook. */
export interface RecordedRun {
  readonly result: Result;
  readonly file: string;
}

type Rows = [string, string][];

/** "tfjs-wasm on amd-epyc-2-cores", with the repeat when the invocation made several. */
export function runName(result: Result): string {
  const { repeat, repeats } = result.run;
  return `${result.framework} on ${result.label}${repeats > 1 ? `, repeat ${repeat} of ${repeats}` : ''}`;
}

function environmentRows(result: Result): Rows {
  const { env } = result;
  const versions = Object.entries(env.versions).map(([name, version]) => `${name} ${version}`);
  return [
    ['started', `${env.startedAt} on ${env.hostname}, filed under the machine label ${result.label}`],
    ['backend', `${env.backend} (${env.device})`],
    ['Node.js', env.node],
    ['OS', `${env.os}, ${env.platform}/${env.arch}`],
    ['CPU', `${env.cpu.model}, ${env.cpu.cores} cores, ${env.memoryGiB} GiB memory`],
    ['GPU', env.gpu ?? 'none found (nvidia-smi)'],
    ['load average', env.loadAverage ? `${env.loadAverage.join(', ')} (1, 5, 15 min, at the end of the run)` : 'not recorded'],
    ['versions', versions.length > 0 ? versions.join(', ') : 'none recorded'],
  ];
}

/** The same numbers, in the same formats, as the results table. */
function resultRows(result: Result): Rows {
  const dataset = result.dataset ? `${result.dataset.name}${result.dataset.subset ? ' (subset)' : ''}${result.dataset.synthetic ? ' (synthetic)' : ''}` : 'not loaded';
  const plan = `${result.epochs} epoch${result.epochs === 1 ? '' : 's'} × batch ${result.batchSize}`;
  const settings = `seed ${result.seed}, dropout ${result.dropout ? 'on' : 'off'}`;
  const rows: Rows = [
    ['status', result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason ?? 'no reason recorded'}`],
    [
      'run',
      result.trainSamples > 0
        ? `${plan}, ${integer(result.trainSamples)} training / ${integer(result.testSamples)} test samples of ${dataset}, ${settings}`
        : `${plan} asked for, ${settings}; stopped before any data was loaded`,
    ],
  ];
  if (result.status === 'ok') {
    rows.push(
      ['test accuracy', `${percent(result.testAccuracy)} on ${integer(result.testSamples)} samples (evaluated in ${seconds(result.evalSeconds)})`],
      ['training time', seconds(result.trainSeconds)],
      ['epochs', result.epochSeconds.map((s, i) => `${i + 1}: ${seconds(s)}, loss ${result.epochLoss[i]?.toFixed(4) ?? '—'}`).join('; ')],
      ['first / steady epoch', `${seconds(result.epochSeconds[0])} / ${seconds(result.steadyEpochSeconds)}`],
      ['median step', milliseconds(result.msPerStepMedian)],
      ['samples/s', rate(result.samplesPerSecond)],
    );
    const { inference } = result;
    if (inference) {
      rows.push([
        'inference',
        `${rate(inference.samplesPerSecond)} samples/s at batch ${inference.batchSize}; ${milliseconds(inference.latencyMsMedian)} for one sample alone (median of ${integer(inference.latencySamples)})`,
      ]);
    }
  }
  for (const deviation of result.deviations) rows.push(['deviation from SPEC.md', deviation]);
  return rows;
}

function definitions(rows: Rows): string {
  return markdownTable([['what', 'recorded'], ...rows.map(([label, value]) => [label, cellText(value, 400)])], { alignDelimiters: false });
}

/** One row per backend, for the Markdown cell above the runs. */
export function runsSummary(runs: readonly RecordedRun[]): string {
  const rows = runs.map(({ result, file }) => [
    `**${result.framework}**`,
    result.run.repeats > 1 ? `${result.label} (${result.run.repeat}/${result.run.repeats})` : result.label,
    result.status === 'ok' ? 'ok' : `**${result.status}**: ${cellText(result.reason ?? 'no reason recorded', 120)}`,
    percent(result.testAccuracy),
    seconds(result.trainSeconds),
    milliseconds(result.msPerStepMedian),
    result.env.startedAt,
    `[\`${file.split('/').at(-1)}\`](${file})`,
  ]);
  return markdownTable([['backend', 'machine (repeat)', 'status', 'test accuracy', 'training time', 'median ms/step', 'started', 'results file'], ...rows], {
    align: ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'l'],
    alignDelimiters: false,
  });
}

/** The notebook's last cell: every recorded run of the family's backends for this model. */
export function recordedRunsMarkdown(family: FrameworkFamily, model: ModelName, runs: readonly RecordedRun[]): string {
  if (runs.length === 0) {
    return family.language === 'python'
      ? '## Recorded runs\n\nNone: `rosetta train` trains the TypeScript backends; PyTorch is the reference of `rosetta bench`, whose records are in `results/bench/`.'
      : `## Recorded runs\n\nNone yet: \`rosetta train --framework <${family.id} backend> --model ${model}\` records one, and \`rosetta report\` puts it here.`;
  }
  const sorted = [...runs].sort((a, b) => a.result.framework.localeCompare(b.result.framework));
  return [
    '## Recorded runs',
    '',
    'Recorded by `rosetta train`, not by executing this notebook: the full-length runs of this code on each backend, ' +
      'one results file each.',
    '',
    runsSummary(sorted),
    ...sorted.flatMap((run) => [
      '',
      `### ${runName(run.result)}: ${run.result.status}`,
      '',
      `Recorded in [\`${run.file}\`](${run.file}) by \`${run.result.command}\`.`,
      '',
      definitions(resultRows(run.result)),
      '',
      '<details><summary>Environment</summary>',
      '',
      definitions(environmentRows(run.result)),
      '',
      '</details>',
    ]),
  ].join('\n');
}
