/**
 * A recorded run as Jupyter outputs. `rosetta train` prints a plan line, one line per epoch
 * and a summary, and writes the numbers behind them into results/<framework>.<model>.json;
 * it does not keep its console output. This module rebuilds those lines from the results
 * file in the runner's format (packages/harness/src/runner.ts; notebook-run.test.ts runs the
 * runner and compares) and describes the run's results and environment, so that a notebook
 * can show each recorded run under the code.
 *
 * The outputs go on a code cell that holds only a comment naming the results file, the
 * command and the start time: they are what that run recorded, not the output of
 * executing anything in the notebook, and the cell (and each output's metadata) says so.
 */
import type { ICell, IDisplayData, IStream } from '@jupyterlab/nbformat';
import { formatCount, formatDuration, formatStepTime, inferenceLine, type Result } from '@rosetta/harness';
import { markdownTable } from 'markdown-table';
import { cellText, integer, milliseconds, percent, rate, seconds } from './format.js';
import { definitionTable, escapeHtml } from './html.js';
import { cellId, codeCell, lines, markdownCell } from './notebook-cells.js';

/** A results file's run and where it is, relative to the notebook. */
export interface RecordedRun {
  readonly result: Result;
  readonly file: string;
}

/**
 * The lines `rosetta train` printed to stdout for this run, as far as the results file
 * records them: the plan, each completed epoch, then the summary or the failure. Left out:
 * the early estimates (their step times are not recorded) and each epoch's median step time
 * when there are several epochs (only the median over all steps is recorded).
 */
export function printedLines(result: Result): string[] {
  const { framework, model, epochs, batchSize, trainSamples, testSamples, env } = result;
  const out: string[] = [];
  // The runner prints its plan once the data is loaded, which is when trainSamples is known.
  if (trainSamples > 0) {
    const stepsPerEpoch = trainSamples / batchSize;
    out.push(
      `${framework} ${model} on ${env.backend} (${env.device}): ${epochs} epoch(s) x ` +
        `${formatCount(stepsPerEpoch)} steps of ${batchSize} = ${formatCount(epochs * stepsPerEpoch)} steps, ` +
        `${formatCount(trainSamples)} training samples per epoch, ${formatCount(testSamples)} test samples` +
        `${result.dropout ? '' : ', dropout off'}`,
    );
  }
  // With one epoch, the median over all steps is that epoch's median.
  const epochMedian = result.status === 'ok' && result.epochSeconds.length === 1 ? result.msPerStepMedian : null;
  const completed = Math.min(result.epochSeconds.length, result.epochLoss.length);
  for (let i = 0; i < completed; i++) {
    const epochSeconds = result.epochSeconds[i]!;
    out.push(
      `epoch ${i + 1}/${epochs}: ${formatDuration(epochSeconds)}, mean loss ${result.epochLoss[i]!.toFixed(4)}, ` +
        `${epochMedian === null ? '' : `${formatStepTime(epochMedian)} (median), `}${formatCount(Math.round(trainSamples / epochSeconds))} samples/s`,
    );
  }
  if (result.status === 'ok') {
    out.push(
      `trained in ${formatDuration(result.trainSeconds!)} (steady epoch ${formatDuration(result.steadyEpochSeconds!)}, ` +
        `${formatStepTime(result.msPerStepMedian!)} median, ${formatCount(Math.round(result.samplesPerSecond!))} samples/s); ` +
        `test accuracy ${(result.testAccuracy! * 100).toFixed(2)} % on ${formatCount(testSamples)} samples (${formatDuration(result.evalSeconds!)})`,
    );
    if (result.inference) out.push(inferenceLine(result.inference));
  } else {
    out.push(`${framework} ${model}: ${result.status}: ${result.reason ?? 'no reason recorded'}`);
  }
  return out;
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

function plainTable(title: string, rows: Rows): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  // A value of several lines (a failure reason) keeps to its column.
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value.replace(/\n/g, `\n  ${' '.repeat(width)}  `)}`)].join('\n');
}

/** Every output names its run, so that it still says where it came from when copied on its own. */
function provenance(run: RecordedRun) {
  const { framework, label, run: invocation, env } = run.result;
  return { rosetta: { recordedRun: run.file, framework, label, repeat: invocation.repeat, startedAt: env.startedAt, executedHere: false } };
}

function display(run: RecordedRun, title: string, rows: Rows): IDisplayData {
  return {
    output_type: 'display_data',
    data: { 'text/html': `<p><strong>${escapeHtml(title)}</strong></p>\n${definitionTable(rows)}`, 'text/plain': lines(plainTable(`${title}:`, rows)) },
    metadata: provenance(run),
  };
}

/** A heading and an outputs-only cell for one recorded run; `id` must be unique in the notebook. */
export function recordedRunCells(run: RecordedRun, id: string = cellId(`run-${run.result.framework}`)): ICell[] {
  const { result, file } = run;
  const stdout: IStream = { output_type: 'stream', name: 'stdout', text: lines(`${printedLines(result).join('\n')}\n`) };
  const omitted =
    result.epochSeconds.length > 1 ? ['// The epoch lines leave out each epoch\'s median step time, which the results file does not keep.'] : [];
  const source = [
    `// Recorded run of ${runName(result)}, from ${file}:`,
    `//   ${result.command}`,
    `// started ${result.env.startedAt} on ${result.env.hostname}. This cell holds no code and was not`,
    '// executed: `rosetta report` put that run\'s recorded output here. The printed lines are',
    '// rebuilt from the numbers in the results file, in the format `rosetta train` prints them.',
    ...omitted,
  ].join('\n');
  const outputs = [stdout, display(run, `Results of ${runName(result)}`, resultRows(result)), display(run, `Environment of ${runName(result)}`, environmentRows(result))];
  return [
    markdownCell(`${id}-title`, `### ${runName(result)}: ${result.status}\n\nRecorded in [\`${file}\`](${file}) by \`${result.command}\`.`),
    codeCell(id, source, outputs, { tags: ['recorded-run'], editable: false, ...provenance(run) }),
  ];
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
