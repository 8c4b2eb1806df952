import { describe, expect, test } from 'vitest';
import { Graph } from '../graph.js';
import { session } from '../testing/ort.js';
import { dropout } from './nn.js';
import { keepThreshold, randomWords } from './random.js';

/** The generator's function in plain JavaScript int32 arithmetic: what the graph must compute. */
function squares32(index: number, key: number): number {
  const odd = (key * 2 + 1) | 0;
  const y = Math.imul(index, odd);
  const z = (y + odd) | 0;
  let x = y;
  for (const term of [y, z, y, z]) {
    const square = (Math.imul(x, x) + term) | 0;
    x = (Math.imul(square, 65536) + Math.trunc(square / 65536)) | 0;
  }
  return x;
}

const SIZE = 1 << 16;

async function words(key: number): Promise<Float64Array> {
  const g = new Graph('words');
  g.output(randomWords(g, [SIZE], g.input('key', 'int32', [])), 'words');
  const s = await session(g);
  const out = (await s.run({ key: { dtype: 'int32', shape: [], values: [key] } }))['words']!;
  await s.release();
  return out;
}

describe('the counter-based generator', () => {
  test('computes its Squares-style function exactly, from int32 arithmetic alone', async () => {
    for (const key of [0, 1, -7, 0x632be5ab]) {
      const got = await words(key);
      for (let i = 0; i < SIZE; i += 97) expect(got[i], `key ${key}, index ${i}`).toBe(squares32(i, key));
    }
  });

  // Bounds for 2^16 words that a working generator meets with probability above 1 - 1e-4 each.
  // Chi-square with 63 degrees of freedom lies in [29, 114] with probability 1 - 2e-4: too even
  // a spread fails as well as too uneven a one (x = x * x + y without the mix between rounds
  // spreads its low bits perfectly evenly, chi-square 0, a lattice, not random words).
  test('gives words whose high and low bits are uniform, uncorrelated, and new for a new key', async () => {
    const raw = await words(11);
    const chiSquare = (bin: (w: number) => number) => {
      const bins = new Array<number>(64).fill(0);
      for (const w of raw) bins[bin(w)]!++;
      return bins.reduce((sum, b) => sum + (b - SIZE / 64) ** 2 / (SIZE / 64), 0);
    };
    for (const chi2 of [chiSquare((w) => Math.floor((w / 2 ** 32 + 0.5) * 64)), chiSquare((w) => w & 63)]) {
      expect(chi2).toBeGreaterThan(29);
      expect(chi2).toBeLessThan(114);
    }
    const u = Array.from(raw, (w) => w / 2 ** 32 + 0.5);
    let lag1 = 0;
    for (let i = 1; i < SIZE; i++) lag1 += (u[i]! - 0.5) * (u[i - 1]! - 0.5);
    expect(Math.abs((12 * lag1) / SIZE)).toBeLessThan(4 * Math.sqrt(1 / SIZE)); // correlation, 4 standard errors
    const next = Array.from(await words(12), (w) => w / 2 ** 32 + 0.5);
    const agree = u.filter((v, i) => v >= 0.25 === next[i]! >= 0.25).length / SIZE;
    expect(Math.abs(agree - 0.625)).toBeLessThan(4 * Math.sqrt(0.625 * 0.375 / SIZE)); // independent masks agree 0.75^2 + 0.25^2 of the time
  });

  test('keepThreshold keeps a share 1 - ratio of uniform words', () => {
    for (const ratio of [0.25, 0.5]) expect((2 ** 31 - keepThreshold(ratio)) / 2 ** 32).toBeCloseTo(1 - ratio, 9);
  });
});

describe('dropout on a target without a Dropout kernel', () => {
  const target = { name: 'no-dropout', unsupported: new Set(['Dropout']), nodeTensorLimit: Infinity };

  test('zeroes about `ratio` of the elements, scales the rest, and draws a new mask every step', async () => {
    const g = new Graph('dropout', null, target);
    const x = g.input('x', 'float32', [SIZE]);
    g.output(dropout(x, 0.25, { training: true, seed: 3, step: g.input('step', 'float32', []) }), 'y');
    const s = await session(g);
    const run = async (step: number) =>
      (await s.run({ x: { dtype: 'float32', shape: [SIZE], values: new Float32Array(SIZE).fill(1) }, step: { dtype: 'float32', shape: [], values: [step] } }))['y']!;
    const [a, b, again] = [await run(1), await run(2), await run(1)];
    await s.release();
    expect(new Set(a)).toEqual(new Set([0, 1 / 0.75].map(Math.fround)));
    const kept = a.filter((v) => v !== 0).length / SIZE;
    expect(Math.abs(kept - 0.75)).toBeLessThan(4 * Math.sqrt(0.75 * 0.25 / SIZE));
    expect(a.filter((v, i) => (v === 0) === (b[i] === 0)).length / SIZE).toBeLessThan(0.7);
    expect(again).toEqual(a);
  });

  test('needs the step number', () => {
    const g = new Graph('dropout', null, target);
    expect(() => dropout(g.input('x', 'float32', [4]), 0.5, { training: true })).toThrow(/needs the step number/);
  });
});
