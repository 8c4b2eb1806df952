/**
 * The results tables in Markdown. Per model, like the original comparison's tables: an
 * overview with one row per backend and one column per machine (the training time of the
 * main run configuration); then, per run configuration, the configuration stated, one
 * detailed table per machine and the accuracy check across all of them; last, the inference
 * timings. The same text goes into results/README.md and the root README's section.
 */
import { markdownTable } from 'markdown-table';
import { INFERENCE_TIMING, type Result } from '@rosetta/harness';
import { AGREEMENT_Z, type AgreementCheck } from './agreement.js';
import type { Analysis, BackendRuns, GroupAnalysis, MachineRows, ModelAnalysis } from './analysis.js';
import { accuracyText, cellText, EMPTY, integer, milliseconds, points, rate, ratio, scoreText, seconds, significant } from './format.js';
import { describeConfig } from './run-config.js';
import { SCORE_RULE } from './stats.js';

const HEADER = [
  'backend',
  'device',
  'runs',
  'test accuracy',
  'vs median',
  'accuracy check',
  'training time',
  'first epoch',
  'steady epoch',
  'median ms/step',
  'samples/s',
  'time vs fastest',
  'notes',
];
const ALIGN = ['l', 'l', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];

const table = (rows: string[][], align: string[]) => markdownTable(rows, { align, alignDelimiters: false });

/** "A", "B", ...: how the text names a model's configurations when it has several. */
const letter = (index: number) => String.fromCharCode(65 + index);

function backendCell(row: BackendRuns): string {
  const backend = row.runs[0]!.env.backend;
  return `**${row.framework}**${backend && backend !== row.framework ? ` (${cellText(backend, 80)})` : ''}`;
}

function failureNote(failure: Result): string {
  return (
    `⚠ **a later run ${failure.status === 'failed' ? 'failed' : 'could not run'}** (${failure.env.startedAt.slice(0, 16).replace('T', ' ')} UTC): ` +
    `${cellText(failure.reason ?? 'no reason recorded')}; this result is the last ok one`
  );
}

function notesCell(row: BackendRuns): string {
  const first = row.runs[0]!;
  if (row.status !== 'ok') return `**${row.status}**: ${cellText(first.reason ?? 'no reason recorded')}`;
  return [...(row.latestFailure ? [failureNote(row.latestFailure)] : []), ...first.deviations.map((deviation) => cellText(deviation, 120))].join('; ');
}

function ranRow(row: BackendRuns, group: GroupAnalysis, machine: MachineRows): string[] {
  const verdict = group.check?.verdicts.find((v) => v.name === row.name);
  const checkCell = !verdict ? EMPTY : verdict.flagged ? `⚠ **disagrees** with ${verdict.disagreesWith.join(', ')}` : '✓ agrees';
  const relative = row.trainSeconds && machine.fastestSeconds ? row.trainSeconds.score / machine.fastestSeconds : null;
  return [
    backendCell(row),
    cellText(row.runs[0]!.env.device, 60),
    String(row.runs.length),
    accuracyText(row.accuracy),
    verdict ? points(verdict.delta) : EMPTY,
    checkCell,
    scoreText(row.trainSeconds, seconds),
    scoreText(row.firstEpochSeconds, seconds),
    scoreText(row.steadyEpochSeconds, seconds),
    scoreText(row.msPerStep, milliseconds),
    scoreText(row.samplesPerSecond, rate),
    ratio(relative),
    notesCell(row),
  ];
}

function unavailableRow(row: BackendRuns): string[] {
  return [backendCell(row), cellText(row.runs[0]!.env.device, 60), ...Array<string>(HEADER.length - 3).fill(EMPTY), notesCell(row)];
}

/** The machine a label stands for, as its runs recorded it. */
function machineText(label: string, rows: readonly BackendRuns[]): string {
  const { env } = rows[0]!.runs[0]!;
  const gpu = rows.map((row) => row.runs[0]!.env.gpu).find((name) => name !== null);
  const adapter = rows.map((row) => row.runs[0]!.env.adapter).find((a) => a !== undefined);
  const webgpu = adapter === undefined ? '' : `; WebGPU adapter: ${cellText(adapter.description, 80)}`;
  const software = rows.some((row) => row.softwareAdapter)
    ? ' A software WebGPU adapter is the CPU emulating a GPU: these runs check correctness, and their times are no GPU\'s (the charts leave them out).'
    : '';
  return `**On \`${label}\`** (${cellText(env.cpu.model, 80)}, ${env.cpu.cores} cores, ${env.memoryGiB} GiB; ${gpu ? `GPU: ${cellText(gpu, 80)}` : 'no GPU found'}${webgpu}):${software}`;
}

function machineTable(group: GroupAnalysis | null, machine: MachineRows): string {
  const rows = machine.rows.map((row) => (row.status === 'unavailable' || !group ? unavailableRow(row) : ranRow(row, group, machine)));
  return [machineText(machine.label, machine.rows), table([HEADER, ...rows], ALIGN)].join('\n\n');
}

function checkText(group: GroupAnalysis): string {
  const { check } = group;
  const finished = group.runs.filter((row) => row.status === 'ok').length;
  const where = group.machines.length > 1 ? ' (all machines together)' : '';
  if (!check) return `**Accuracy check${where}:** ${finished === 0 ? 'no run finished' : 'only one backend finished'}, so there is nothing to compare.`;
  const p = check.reference;
  const flagged = check.verdicts.filter((verdict) => verdict.flagged).map((verdict) => verdict.name);
  const repeated = group.runs.some((row) => (row.accuracy?.n ?? 1) > 1)
    ? ' A backend with several runs enters with its mean accuracy, at the same tolerance (its runs share the one test set).'
    : '';
  return (
    `**Accuracy check${where}:** tolerance z·sqrt(2p(1−p)/n) = ${check.z}·sqrt(2·${p.toFixed(3)}·${(1 - p).toFixed(3)}/${integer(check.testSamples)}) = ` +
    `**${(check.tolerance * 100).toFixed(2)} pp** (p = median accuracy, n = test samples of one run): ` +
    (flagged.length === 0 ? 'every backend agrees' : `**${flagged.join(', ')} disagree${flagged.length === 1 ? 's' : ''}**`) +
    `.${repeated} It catches a broken implementation, not a drift of a point or two (see the notes under the tables).`
  );
}

function groupSection(group: GroupAnalysis, name: string | null): string {
  return [
    `**Run configuration${name ? ` ${name}` : ''}:** ${describeConfig(group.config)}`,
    ...group.machines.map((machine) => machineTable(group, machine)),
    checkText(group),
  ].join('\n\n');
}

/** The overview's cell of one backend on one machine: its main-configuration training time, or why there is none. */
function overviewCell(model: ModelAnalysis, framework: string, label: string): string {
  const [main, ...others] = model.groups;
  const row = main?.runs.find((r) => r.framework === framework && r.label === label);
  if (row?.trainSeconds) {
    const { score, min, max, n } = row.trainSeconds;
    const time = n === 1 ? seconds(score) : `${seconds(score)} (${significant(min)}–${significant(max)}, ${n} runs)`;
    return row.latestFailure ? `${time} ⚠` : time;
  }
  if (row) return row.status;
  if (model.unavailable.some((r) => r.framework === framework && r.label === label)) return 'unavailable';
  const other = others.findIndex((group) => group.runs.some((r) => r.framework === framework && r.label === label));
  return other >= 0 ? `see ${letter(other + 1)}` : EMPTY;
}

function overview(model: ModelAnalysis): string {
  const main = model.groups[0];
  const frameworks = [...new Set([...model.groups.flatMap((group) => group.runs), ...model.unavailable].map((row) => row.framework))];
  const best = (framework: string) => Math.min(...(main?.runs.filter((row) => row.framework === framework).map((row) => row.trainSeconds?.score ?? Infinity) ?? []), Infinity);
  frameworks.sort((a, b) => best(a) - best(b) || a.localeCompare(b));
  const rows = frameworks.map((framework) => [`**${framework}**`, ...model.labels.map((label) => overviewCell(model, framework, label))]);
  const total = model.groups.reduce((sum, group) => sum + group.runs.length, 0);
  const which = !main
    ? 'no backend ran this model'
    : model.groups.length > 1
      ? `run configuration A, the one most backends share: ${main.runs.length} of the ${total} backend–machine pairs that ran`
      : 'the one run configuration below';
  const warned = main?.runs.some((row) => row.latestFailure !== null) ?? false;
  const intro =
    `**Training time by machine** (${which}): one row per backend, one column per machine. With several runs a cell shows their ` +
    `score and, in brackets, the fastest and the slowest run (see the notes)${warned ? '; ⚠: a later run failed (see its machine’s table)' : ''}.`;
  return [intro, table([['backend', ...model.labels.map((label) => `\`${label}\``)], ...rows], ['l', ...model.labels.map(() => 'r')])].join('\n\n');
}

function inferenceNote(row: BackendRuns): string {
  if (row.inference) return '';
  if (row.softwareAdapter) return 'not timed: a software WebGPU adapter (the CPU emulating a GPU)';
  const missing = row.runs.filter((run) => run.inference === null).length;
  return `not measured: ${missing === row.runs.length ? '' : `${missing} of the ${row.runs.length} runs were `}recorded by a version of \`rosetta train\` that did not time inference`;
}

function inferenceSection(model: ModelAnalysis): string | null {
  const rows = model.groups.flatMap((group, index) => group.runs.filter((row) => row.status === 'ok').map((row) => ({ row, index })));
  if (rows.length === 0) return null;
  const batch = model.groups[0]!.config.batchSize;
  const several = model.groups.length > 1;
  rows.sort((a, b) => a.index - b.index || a.row.label.localeCompare(b.row.label) || (b.row.inference?.samplesPerSecond.score ?? -1) - (a.row.inference?.samplesPerSecond.score ?? -1) || a.row.framework.localeCompare(b.row.framework));
  const header = ['backend', 'machine', ...(several ? ['run configuration'] : []), `throughput, batch ${batch} (samples/s)`, 'latency, batch 1 (median)', 'runs', 'notes'];
  const cells = rows.map(({ row, index }) => [
    `**${row.framework}**`,
    `\`${row.label}\``,
    ...(several ? [letter(index)] : []),
    row.inference ? scoreText(row.inference.samplesPerSecond, rate) : EMPTY,
    row.inference ? scoreText(row.inference.latencyMs, milliseconds) : EMPTY,
    String(row.runs.length),
    inferenceNote(row),
  ]);
  const { warmupBatches, throughputBatches, warmupSamples, latencySamples } = INFERENCE_TIMING;
  const intro =
    `**Inference** (timed by \`rosetta train\` after evaluation, outside the training time, on the trained weights): throughput at ` +
    `batch ${batch} over ${throughputBatches} test batches after ${warmupBatches} warm-up ones, and the median time of one sample alone over ` +
    `${latencySamples} samples after ${warmupSamples} warm-up ones; each time is one \`predict\` call as a user sees it, the copy to the ` +
    'device and the read-back of the logits included. With several runs, the score and the spread as above.';
  return [intro, table([header, ...cells], ['l', 'l', ...(several ? ['l'] : []), 'r', 'r', 'r', 'l'])].join('\n\n');
}

function modelSection(model: ModelAnalysis, headingLevel: number): string {
  const heading = `${'#'.repeat(headingLevel)} ${model.title}`;
  if (model.groups.length === 0 && model.unavailable.length === 0) return `${heading}\n\nNo results yet: run \`rosetta train --model ${model.model}\`.`;
  if (model.groups.length === 0) {
    const machines = model.labels.map((label) => ({ label, rows: model.unavailable.filter((row) => row.label === label), fastestSeconds: null }));
    return [heading, 'No backend ran this model.', ...machines.map((machine) => machineTable(null, machine))].join('\n\n');
  }
  const several = model.groups.length > 1;
  const sections = model.groups.map((group, index) => groupSection(group, several ? letter(index) : null));
  const inference = inferenceSection(model);
  return [
    heading,
    overview(model),
    ...(several ? ['Runs with different configurations are tabulated and checked separately.'] : []),
    ...sections,
    ...(inference ? [inference] : []),
  ].join('\n\n');
}

/** What the accuracy check proves, how repeated runs are scored, and the column meanings, stated once under the tables. */
export const NOTES =
  `*Accuracy check:* two backends agree when their test accuracies differ by at most z = ${AGREEMENT_Z} standard deviations of the ` +
  'difference of two independent binomial test scores, sqrt(2p(1−p)/n); a backend is flagged when it disagrees with ' +
  'more than half of the others (with two, both). Runs also differ by training noise (dropout masks, float ' +
  'summation order) and share one test set, so this catches a broken implementation, not a drift of a point or two; ' +
  '`rosetta parity` is what shows that the backends compute the same training steps. A backend with several runs ' +
  'enters with its mean accuracy and the same tolerance: its runs are scored on the same n test samples, so averaging ' +
  'them removes part of the training noise but none of the test set’s sampling error, which is what the tolerance models.\n\n' +
  `*Repeated runs* (\`rosetta train --repeat N\`; *runs* is N): ${SCORE_RULE}. Every time and rate is scored this way, ` +
  'with the fastest and the slowest run in brackets (min–max); accuracy is the mean ± the standard deviation of the runs.\n\n' +
  'Times as SPEC.md defines them: *training time* is all epochs inside the timer (shuffle, batch assembly, ' +
  'copies, forward, backward, update); *first epoch* holds warm-up and compilation; *steady epoch* is the median ' +
  'of the later epochs (the first when there is only one); *median ms/step* is the median training step; ' +
  '*time vs fastest* divides the training time by the shortest one of the same configuration on the same machine.';

export function renderTables(analysis: Analysis, headingLevel: number): string {
  return [...analysis.models.map((model) => modelSection(model, headingLevel)), NOTES].join('\n\n');
}
