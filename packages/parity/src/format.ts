/** The parity report as text: what ran, the tolerances and where they come from, one table per pair. */
import type { LossComparison, PairComparison, TensorComparison } from './compare.js';
import { expectedFlips } from './kinks.js';
import type { ParityReport } from './parity.js';
import { FLOAT32_UNIT_ROUNDOFF } from './float32.js';
import { chainLength, roundingTolerance, STANDARD_DEVIATIONS, type Reduction } from './tolerance.js';

function sci(x: number | null): string {
  if (x === null) return 'n/a';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function chain(reductions: readonly Reduction[]): string {
  return reductions.map((r) => `${r.what} ${count(r.length)}`).join(' + ');
}

function lossRows(losses: readonly LossComparison[]): string[][] {
  return [
    ['step', 'loss a', 'loss b', '|a-b|', '|a-b|/|b|', 'tolerance', ''],
    ...losses.map((l) => [String(l.step), l.a.toFixed(7), l.b.toFixed(7), sci(l.absolute), sci(l.relative), sci(l.tolerance), l.passed ? 'ok' : 'FAIL']),
  ];
}

function tensorRows(tensors: readonly TensorComparison[], columns: Columns, judged: boolean): string[][] {
  const { adam, kinks } = columns;
  return [
    ['tensor', 'size', ...(adam ? ['Adam-unsaturated (left out)'] : []), 'weights ||a-b||/||b||', 'tolerance', 'update ||Δa-Δb||/||Δb||', 'tolerance', 'resolution r', ...(kinks ? ['kinks k'] : []), ''],
    ...tensors.map((t) => [
      t.name,
      count(t.size),
      ...(adam ? [count(t.adamUnsaturated)] : []),
      sci(t.weights),
      sci(t.weightsTolerance),
      t.update === null ? 'n/a (update below float32 resolution)' : sci(t.update),
      sci(t.updateTolerance),
      sci(t.resolution),
      ...(kinks ? [sci(t.kink)] : []),
      judged ? (t.passed ? 'ok' : 'FAIL') : t.passed ? '(within)' : '(beyond)',
    ]),
  ];
}

/** Optional columns: Adam's left-out elements (GRU), the ReLU-kink allowance (CNN). */
export interface Columns {
  readonly adam: boolean;
  readonly kinks: boolean;
}

export function formatPair(pair: PairComparison, columns: Columns): string[] {
  const failing = [...pair.losses.filter((l) => !l.passed).map((l) => `loss at step ${l.step}`), ...pair.tensors.filter((t) => !t.passed).map((t) => t.name)];
  const final = pair.finalTensors;
  return [
    `${pair.a} (a) vs ${pair.b} (b, reference)`,
    ...table(lossRows(pair.losses)).map((line) => `  ${line}`),
    '',
    '  after step 1 (judged):',
    ...table(tensorRows(pair.tensors, columns, true)).map((line) => `  ${line}`),
    ...(final === null
      ? []
      : [
          '',
          `  after step ${pair.losses.length} (shown, not judged: training amplifies differences faster than linear accumulation; the losses above are judged):`,
          ...table(tensorRows(final, columns, false)).map((line) => `  ${line}`),
        ]),
    `  ${pair.passed ? 'PASS' : `FAIL: ${failing.join(', ')}`}`,
  ];
}

export function formatTolerances(report: ParityReport): string[] {
  const { chains } = report.tolerances;
  const lossN = chainLength(chains.loss);
  const updateN = chainLength(chains.update);
  const perStep = roundingTolerance(updateN);
  return [
    `Tolerances (derived from float32 rounding, not tuned; packages/parity/src/tolerance.ts):`,
    `  u = 2^-24 = ${sci(FLOAT32_UNIT_ROUNDOFF)}. A chain of sums of n products in total carries a relative error of about sqrt(n) u;`,
    `  two implementations round independently, so they differ by about sqrt(2 n) u; allowed: ${STANDARD_DEVIATIONS} x sqrt(2 n) u.`,
    `  loss:    n = ${count(lossN)} (${chain(chains.loss)})`,
    `           -> ${sci(roundingTolerance(lossN))} at step 1, plus ${sci(perStep)} per earlier step (their weight differences)`,
    `  update:  n = ${count(updateN)} (${chain(chains.update)})`,
    `           -> t = ${sci(perStep)} for the first step's update (judged); float32 weights of spacing q show it as`,
    `           sqrt(t^2 + t r), r = ||q||/||Δb|| (resolution); r >= 1: the update is below what the weights can show: n/a, weights judge`,
    ...(report.tolerances.kinks.length > 0
      ? [
          `  kinks:   a ReLU input within rounding of 0 can be active in one backend and not in the other, moving a gradient`,
          `           by a whole term. Expected flips per step N sqrt(2n) u / pi (N units, n their sum length): ${report.tolerances.kinks
            .filter((l) => l.relu)
            .map((l) => `${l.name} ${expectedFlips(l).toFixed(2)}`)
            .join(', ')}.`,
          `           A tensor whose gradient sums C x M terms moves 1/sqrt(C M) per flip; with K flips expected at or above its`,
          `           layer: k = sqrt(K + 4 sqrt(K) + 1) / sqrt(C M), added to the update tolerance (packages/parity/src/kinks.ts).`,
        ]
      : []),
    `  weights: ((t + k) ||Δb|| + ||q||) / ||b||, since a - b = Δa - Δb from the same start`,
    ...(report.tolerances.adam
      ? [
          `  Adam:    its first update is -lr phi(g), phi = g/(|g| + 1e-8), which answers a relative gradient change rho with`,
          `           (1 - |phi|) rho. Rounding bounds rho per tensor, not per element: a nearly-zero gradient (cancelling terms)`,
          `           can have any rho. Judged where Adam saturated, 1 - |phi| <= t: elements that moved at least (1 - t) lr in`,
          `           either backend (|g| >= 1e-8/t); the others are left out of both checks and counted ("Adam-unsaturated").`,
        ]
      : []),
  ];
}

export function formatReport(report: ParityReport): string {
  const lines = [
    `rosetta parity: ${report.model}, ${report.steps} training step(s) of batch ${report.batchSize}, seed ${report.seed}`,
    `Dropout is OFF in every backend: dropout masks are framework-private and cannot be shared.`,
    `Initial weights: the shared initialiser (weights file sha256 ${report.weightsSha256}); batches: the shared iterator.`,
    ...report.runs.map((r) => `  ran:         ${r.framework}: ${r.info.backend} (${r.info.device}), ${r.seconds.toFixed(1)} s`),
    ...report.unavailable.map((u) => `  unavailable: ${u.framework}: ${u.reason}`),
    ...report.failed.map((f) => `  FAILED:      ${f.framework}: ${f.reason}`),
    '',
    ...formatTolerances(report),
  ];
  const columns = { adam: report.tolerances.adam !== undefined, kinks: report.tolerances.kinks.length > 0 };
  for (const pair of report.pairs) lines.push('', ...formatPair(pair, columns));
  lines.push('');
  if (report.runs.length < 2) lines.push(`FAIL: ${report.runs.length} backend(s) ran; parity needs at least two.`);
  else if (report.failed.length > 0) lines.push(`FAIL: ${report.failed.map((f) => f.framework).join(', ')} failed to train.`);
  else if (!report.passed) lines.push(`FAIL: ${report.pairs.filter((p) => !p.passed).map((p) => `${p.a} vs ${p.b}`).join('; ')} beyond tolerance.`);
  else lines.push(`PASS: ${report.pairs.length} pair(s) of ${report.runs.length} backends agree within float32 rounding.`);
  return lines.join('\n');
}
