/** Number formats shared by the table, the notebooks and the charts' titles. */
import type { Score, Spread } from './stats.js';

const EMPTY = '—';

export function integer(value: number): string {
  return value.toLocaleString('en-US');
}

export function percent(fraction: number | null, digits = 2): string {
  return fraction === null ? EMPTY : `${(fraction * 100).toFixed(digits)} %`;
}

/** Percentage points, signed, for accuracy differences. */
export function points(fraction: number, digits = 2): string {
  const value = fraction * 100;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)} pp`;
}

/** Three significant digits at most, so 0.812 s and 1,234 s both read well. */
export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return EMPTY;
  return `${significant(value)} s`;
}

export function milliseconds(value: number | null): string {
  return value === null ? EMPTY : `${significant(value)} ms`;
}

export function rate(value: number | null): string {
  return value === null ? EMPTY : significant(value);
}

/** Two decimals, three below 0.1 (so that 0.083 does not read as 0.08). */
export function ratio(value: number | null): string {
  return value === null ? EMPTY : `${value.toFixed(value < 0.1 ? 3 : 2)}×`;
}

export function significant(value: number): string {
  if (value >= 100) return integer(Math.round(value));
  return value.toPrecision(3);
}

/**
 * A score over several runs with their spread, "754 s (740–760)"; one run is just its
 * number. `unit` formats the score, `bare` the spread's ends.
 */
export function scoreText(value: Score | null, unit: (v: number) => string, bare: (v: number) => string = significant): string {
  if (value === null) return EMPTY;
  return value.n === 1 ? unit(value.score) : `${unit(value.score)} (${bare(value.min)}–${bare(value.max)})`;
}

/** Accuracy over several runs as mean ± standard deviation, "30.42 ± 0.31 %"; one run as "30.42 %". */
export function accuracyText(value: Spread | null): string {
  if (value === null) return EMPTY;
  return value.n === 1 ? percent(value.mean) : `${(value.mean * 100).toFixed(2)} ± ${(value.sd * 100).toFixed(2)} %`;
}

/** One line of free text, safe inside a Markdown table cell. */
export function cellText(text: string, max = 240): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/\|/g, '\\|');
}

export { EMPTY };
