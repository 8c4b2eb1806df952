import { describe, expect, it } from 'vitest';
import { compareLosses, comparePair, compareTensor, relativeDifference } from './compare.js';
import { float32Spacing } from './float32.js';
import { chainLength, reductionChains, roundingTolerance, tolerances } from './tolerance.js';

/** A fixed tolerance of 1e-4 everywhere, to test the decisions apart from the derivation. */
const flat = { chains: reductionChains('cnn', 64), loss: () => 1e-4, update: (steps: number) => steps * 1e-4, kinks: [], kink: () => 0 };

function tensor(values: ArrayLike<number>, shape: readonly number[] = [values.length]) {
  return { shape, data: Float32Array.from(values) };
}

/** Deterministic values in (-1, 1), so tests need no seed library. */
function values(n: number, phase: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + phase) * 0.5);
}

describe('relativeDifference', () => {
  it('is ||a - b|| / ||b||, exactly on small vectors', () => {
    expect(relativeDifference([3, 4], [3, 4])).toBe(0);
    expect(relativeDifference([3, 5], [3, 4])).toBeCloseTo(1 / 5, 15);
    expect(relativeDifference([0, 0], [0, 0])).toBe(0);
    expect(relativeDifference([1e-30, 0], [0, 0])).toBe(Infinity);
    expect(() => relativeDifference([1], [1, 2])).toThrow(/1 values with 2/);
  });
});

describe('float32Spacing', () => {
  it('is the gap to the next float32 away from zero', () => {
    expect(float32Spacing(1)).toBe(2 ** -23);
    expect(float32Spacing(-1.5)).toBe(2 ** -23);
    expect(float32Spacing(0.75)).toBe(2 ** -24);
    expect(float32Spacing(1024)).toBe(2 ** -13);
  });
});

describe('compareLosses', () => {
  it('passes differences up to the tolerance and fails beyond it, naming the step', () => {
    const rows = compareLosses([2.3, 2.3 * (1 + 5e-5), 2.3 * (1 + 3e-4)], [2.3, 2.3, 2.3], flat);
    expect(rows.map((r) => r.passed)).toEqual([true, true, false]);
    expect(rows[1]!.relative).toBeCloseTo(5e-5, 9);
    expect(rows[2]!.step).toBe(3);
    expect(compareLosses([Number.NaN], [2.3], flat)[0]!.passed).toBe(false);
  });
});

describe('compareTensor', () => {
  const before = tensor(values(1000, 0));
  const deltaB = values(1000, 1).map((v) => v * 1e-2);
  const b = tensor(before.data.map((w, i) => w + deltaB[i]!));

  it('passes an update that differs within the tolerance', () => {
    const a = tensor(before.data.map((w, i) => w + deltaB[i]! * (1 + 2e-5)));
    const row = compareTensor('w', before, a, b, 1, flat);
    expect(row.update).toBeGreaterThan(0);
    expect(row.update!).toBeLessThan(row.updateTolerance!);
    expect(row.passed).toBe(true);
  });

  it('fails an update in the wrong direction even though the weights stay close', () => {
    // Two swapped gradient entries out of 1000: a small change to weights a hundred times
    // larger than their update, a large one to the update.
    const swapped = [...deltaB];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    const a = tensor(before.data.map((w, i) => w + swapped[i]!));
    const row = compareTensor('w', before, a, b, 1, flat);
    expect(row.update!).toBeGreaterThan(1e-3);
    expect(row.weights).toBeLessThan(row.update! / 10);
    expect(row.passed).toBe(false);
  });

  it('widens the update tolerance by the weights\' float32 spacing, as sqrt(t^2 + t r)', () => {
    const row = compareTensor('w', before, b, b, 1, flat);
    expect(row.update).toBe(0);
    expect(row.resolution).toBeGreaterThan(0);
    expect(row.updateTolerance).toBeCloseTo(Math.sqrt(1e-8 + 1e-4 * row.resolution), 12);
  });

  it('reports n/a for an update below the weights\' resolution and judges by the weights', () => {
    // Weights of size 1 move by less than one float32 spacing: Δb is 0 in float32.
    const big = tensor(Array.from({ length: 10 }, () => 1));
    const tiny = tensor(Array.from({ length: 10 }, (_, i) => (i === 0 ? 1 + 2 ** -23 : 1)));
    const row = compareTensor('bias', big, tiny, big, 1, flat);
    expect(row.update).toBeNull();
    expect(row.resolution).toBe(Infinity);
    // One spacing in one element is within (t ||Δb|| + ||q||) / ||b||.
    expect(row.passed).toBe(true);
    const far = tensor(Array.from({ length: 10 }, (_, i) => (i === 0 ? 1.01 : 1)));
    expect(compareTensor('bias', big, far, big, 1, flat).passed).toBe(false);
  });

  it('rejects tensors of different sizes', () => {
    expect(() => compareTensor('w', before, tensor([1]), b, 1, flat)).toThrow(/"w": a has 1 values/);
  });
});

describe('comparePair', () => {
  it('fails the pair when one tensor fails and names it; passes identical runs', () => {
    const initial = new Map([['k', tensor(values(100, 0))], ['c', tensor(values(10, 2))]]);
    const stepped = (scale: number) =>
      new Map([...initial].map(([name, t]) => [name, tensor([...t.data].map((w, i) => w + (name === 'k' ? scale : 1) * 1e-2 * Math.cos(i)))]));
    const run = (framework: string, scale: number) => ({ framework, losses: [2.3], firstStep: stepped(scale), weights: stepped(scale) });
    expect(comparePair(initial, run('a', 1), run('b', 1), flat).passed).toBe(true);
    const pair = comparePair(initial, run('a', 1.01), run('b', 1), flat);
    expect(pair.passed).toBe(false);
    expect(pair.tensors.filter((t) => !t.passed).map((t) => t.name)).toEqual(['k']);
    expect(pair.finalTensors).toBeNull();
  });

  it('judges the tensors after the first step and only shows them after the last', () => {
    const initial = new Map([['k', tensor(values(100, 0))]]);
    const stepped = (scale: number) => new Map([['k', tensor(initial.get('k')!.data.map((w, i) => w + scale * 1e-2 * Math.cos(i)))]]);
    const b = { framework: 'b', losses: [2.3, 2.2], firstStep: stepped(1), weights: stepped(2) };
    const a = { framework: 'a', losses: [2.3, 2.2], firstStep: stepped(1), weights: stepped(2.5) };
    const pair = comparePair(initial, a, b, flat);
    expect(pair.finalTensors![0]!.passed).toBe(false);
    expect(pair.passed).toBe(true);
    expect(comparePair(initial, { ...a, firstStep: stepped(1.01) }, b, flat).passed).toBe(false);
  });
});

describe('tolerances', () => {
  it('derive from the longest chain of sums: 4 sqrt(2 n) 2^-24', () => {
    const cnn = reductionChains('cnn', 64);
    // forward 27 + 450 + 450 + 900 + 6400 + 512 + 10, batch mean 64
    expect(chainLength(cnn.loss)).toBe(8813);
    // forward 8749, back to conv1 10 + 512 + 900 + 900 + 450, conv1 kernel gradient 64 * 32 * 32
    expect(chainLength(cnn.update)).toBe(8749 + 2772 + 65536);
    expect(roundingTolerance(10_000)).toBeCloseTo(4 * Math.sqrt(20_000) * 2 ** -24, 15);
    const t = tolerances('rnn', 64);
    expect(t.update(20)).toBeCloseTo(20 * t.update(1), 15);
    expect(t.loss(3)).toBeCloseTo(t.loss(1) + 2 * t.update(1), 15);
  });

  it('shrink with the batch, whose sums get shorter', () => {
    expect(tolerances('cnn', 2).update(1)).toBeLessThan(tolerances('cnn', 64).update(1));
  });
});

describe('Adam where it has not saturated', () => {
  const adam = { ...flat, adam: { learningRate: 1e-3 } };
  const before = tensor(Array.from({ length: 6 }, () => 0.5));
  // Saturated updates of +-lr, two unsaturated (|Δ| < (1 - t) lr) and one unchanged.
  const moved = [1e-3, -1e-3, 1e-3, 2e-5, -3e-5, 0];

  it('leaves unsaturated elements out of both checks and counts them', () => {
    const b = tensor(before.data.map((w, i) => w + moved[i]!));
    // The unsaturated elements differ by 30 % and 100 %: gradient noise magnified by up to 1/epsilon.
    const a = tensor(before.data.map((w, i) => w + moved[i]! * (i === 3 ? 1.3 : i === 4 ? 0 : 1)));
    const row = compareTensor('gru.bias', before, a, b, 1, adam);
    // The two unsaturated elements and the one neither backend moved.
    expect(row.adamUnsaturated).toBe(3);
    expect(row.update).toBe(0);
    expect(row.passed).toBe(true);
    // Without Adam (SGD), the same differences fail.
    expect(compareTensor('gru.bias', before, a, b, 1, flat).passed).toBe(false);
  });

  it('still fails a saturated element with the wrong sign, or a full step where the reference did not move', () => {
    const b = tensor(before.data.map((w, i) => w + moved[i]!));
    const flipped = tensor(before.data.map((w, i) => w + moved[i]! * (i === 0 ? -1 : 1)));
    expect(compareTensor('gru.bias', before, flipped, b, 1, adam).passed).toBe(false);
    const woke = tensor(before.data.map((w, i) => w + (i === 5 || i === 3 ? 1e-3 : moved[i]!)));
    const row = compareTensor('gru.bias', before, woke, b, 1, adam);
    expect(row.adamUnsaturated).toBe(1);
    expect(row.passed).toBe(false);
  });
});
