/**
 * The results tables in Markdown: one per model and run configuration, each with the
 * configuration stated above it and the accuracy check (its tolerance and what it proves)
 * below it. The same text goes into results/README.md and the root README's section.
 */
import { markdownTable } from 'markdown-table';
import type { Result } from '@rosetta/harness';
import { AGREEMENT_Z, type AgreementCheck } from './agreement.js';
import type { Analysis, GroupAnalysis, ModelAnalysis } from './analysis.js';
import { cellText, EMPTY, integer, milliseconds, percent, points, rate, ratio, seconds } from './format.js';
import { describeConfig } from './run-config.js';

const HEADER = [
  'backend',
  'device',
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
const ALIGN = ['l', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];

function backendCell(result: Result): string {
  const backend = result.env.backend && result.env.backend !== result.framework ? ` (${cellText(result.env.backend, 80)})` : '';
  return `**${result.framework}**${backend}`;
}

function notesCell(result: Result, latestFailure?: Result): string {
  if (result.status !== 'ok') return `**${result.status}**: ${cellText(result.reason ?? 'no reason recorded')}`;
  const failure = latestFailure
    ? [`⚠ **a later run ${latestFailure.status === 'failed' ? 'failed' : 'could not run'}** (${latestFailure.env.startedAt.slice(0, 16).replace('T', ' ')} UTC): ${cellText(latestFailure.reason ?? 'no reason recorded')}; this result is the last ok one`]
    : [];
  return [...failure, ...result.deviations.map((deviation) => cellText(deviation, 120))].join('; ');
}

function latestFailureOf(result: Result, failures: readonly Result[]): Result | undefined {
  return failures.find((f) => f.framework === result.framework && f.model === result.model && f.label === result.label);
}

function ranRow(result: Result, group: GroupAnalysis, failures: readonly Result[]): string[] {
  const verdict = group.check?.verdicts.find((v) => v.framework === result.framework);
  const checkCell = !verdict ? EMPTY : verdict.flagged ? `⚠ **disagrees** with ${verdict.disagreesWith.join(', ')}` : '✓ agrees';
  const relative = result.status === 'ok' && result.trainSeconds !== null && group.fastestSeconds ? result.trainSeconds / group.fastestSeconds : null;
  return [
    backendCell(result),
    cellText(result.env.device, 60),
    percent(result.testAccuracy),
    verdict ? points(verdict.delta) : EMPTY,
    checkCell,
    seconds(result.trainSeconds),
    seconds(result.epochSeconds[0]),
    seconds(result.steadyEpochSeconds),
    milliseconds(result.msPerStepMedian),
    rate(result.samplesPerSecond),
    ratio(relative),
    notesCell(result, latestFailureOf(result, failures)),
  ];
}

function unavailableRow(result: Result): string[] {
  return [backendCell(result), cellText(result.env.device, 60), ...Array<string>(HEADER.length - 3).fill(EMPTY), notesCell(result)];
}

function checkText(check: AgreementCheck | null, runs: number): string {
  if (!check) return `**Accuracy check:** ${runs === 0 ? 'no run finished' : 'only one run finished'}, so there is nothing to compare.`;
  const p = check.reference;
  const flagged = check.verdicts.filter((verdict) => verdict.flagged).map((verdict) => verdict.framework);
  return (
    `**Accuracy check:** tolerance z·sqrt(2p(1−p)/n) = ${check.z}·sqrt(2·${p.toFixed(3)}·${(1 - p).toFixed(3)}/${integer(check.testSamples)}) = ` +
    `**${(check.tolerance * 100).toFixed(2)} pp** (p = median accuracy, n = test samples): ` +
    (flagged.length === 0 ? 'every run agrees' : `**${flagged.join(', ')} disagree${flagged.length === 1 ? 's' : ''}**`) +
    '. It catches a broken implementation, not a drift of a point or two (see the note under the tables).'
  );
}

function groupSection(group: GroupAnalysis, unavailable: readonly Result[], label: string | null, failures: readonly Result[]): string {
  const rows = [...group.runs.map((run) => ranRow(run, group, failures)), ...unavailable.map(unavailableRow)];
  return [
    `**Run configuration${label ? ` ${label}` : ''}:** ${describeConfig(group.config)}`,
    markdownTable([HEADER, ...rows], { align: ALIGN, alignDelimiters: false }),
    checkText(group.check, group.runs.filter((run) => run.status === 'ok').length),
  ].join('\n\n');
}

function modelSection(model: ModelAnalysis, headingLevel: number, failures: readonly Result[]): string {
  const heading = `${'#'.repeat(headingLevel)} ${model.title}`;
  if (model.groups.length === 0 && model.unavailable.length === 0) return `${heading}\n\nNo results yet: run \`rosetta train --model ${model.model}\`.`;
  if (model.groups.length === 0) {
    const rows = model.unavailable.map(unavailableRow);
    return `${heading}\n\nNo backend ran this model.\n\n${markdownTable([HEADER, ...rows], { align: ALIGN, alignDelimiters: false })}`;
  }
  // Unavailable backends did not run any configuration; they are listed once, with the main one.
  const sections = model.groups.map((group, index) =>
    groupSection(group, index === 0 ? model.unavailable : [], model.groups.length > 1 ? String.fromCharCode(65 + index) : null, failures),
  );
  const intro = model.groups.length > 1 ? ['Runs with different configurations are tabulated and checked separately.'] : [];
  return [heading, ...intro, ...sections].join('\n\n');
}

/** What the accuracy check proves, and the column meanings, stated once under the tables. */
export const NOTES =
  `*Accuracy check:* two runs agree when their test accuracies differ by at most z = ${AGREEMENT_Z} standard deviations of the ` +
  'difference of two independent binomial test scores, sqrt(2p(1−p)/n); a backend is flagged when it disagrees with ' +
  'more than half of the others (with two runs, both). Runs also differ by training noise (dropout masks, float ' +
  'summation order) and share one test set, so this catches a broken implementation, not a drift of a point or two; ' +
  '`rosetta parity` is what shows that the backends compute the same training steps.\n\n' +
  'Times as SPEC.md defines them: *training time* is all epochs inside the timer (shuffle, batch assembly, ' +
  'copies, forward, backward, update); *first epoch* holds warm-up and compilation; *steady epoch* is the median ' +
  'of the later epochs (the first when there is only one); *median ms/step* is the median training step; ' +
  '*time vs fastest* divides the training time by the shortest one of the same configuration.';

export function renderTables(analysis: Analysis, headingLevel: number): string {
  return [...analysis.models.map((model) => modelSection(model, headingLevel, analysis.latestFailures ?? [])), NOTES].join('\n\n');
}
