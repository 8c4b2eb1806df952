import { describe, expect, it } from 'vitest';
import { AGREEMENT_Z, checkAgreement } from './agreement.js';

describe('checkAgreement', () => {
  it('uses z * sqrt(2 p (1 - p) / n) at the median accuracy', () => {
    const check = checkAgreement(
      [
        { name: 'a', accuracy: 0.49 },
        { name: 'b', accuracy: 0.5 },
        { name: 'c', accuracy: 0.52 },
      ],
      1000,
    );
    expect(check.z).toBe(AGREEMENT_Z);
    expect(check.reference).toBe(0.5);
    expect(check.sd).toBeCloseTo(Math.sqrt(0.5 / 1000), 12);
    expect(check.tolerance).toBeCloseTo(3 * 0.0223607, 6);
    expect(check.verdicts.map((v) => v.flagged)).toEqual([false, false, false]);
  });

  it('flags only the outlier when the others agree', () => {
    const check = checkAgreement(
      [
        { name: 'tfjs-cpu', accuracy: 0.28 },
        { name: 'tfjs-wasm', accuracy: 0.1 },
        { name: 'onnxruntime-cpu', accuracy: 0.29 },
      ],
      1017,
    );
    expect(check.verdicts.filter((v) => v.flagged).map((v) => v.name)).toEqual(['tfjs-wasm']);
    expect(check.verdicts.find((v) => v.name === 'tfjs-wasm')!.disagreesWith).toEqual(['onnxruntime-cpu', 'tfjs-cpu']);
  });

  it('flags both of two runs that disagree, since neither is the reference', () => {
    const check = checkAgreement(
      [
        { name: 'x', accuracy: 0.7 },
        { name: 'y', accuracy: 0.5 },
      ],
      1000,
    );
    expect(check.verdicts.every((v) => v.flagged)).toBe(true);
  });

  it('accepts a difference just inside the tolerance and rejects one just outside', () => {
    const n = 10_000;
    const tolerance = 3 * Math.sqrt((2 * 0.5 * 0.5) / n);
    const inside = checkAgreement([{ name: 'a', accuracy: 0.5 - tolerance * 0.49 }, { name: 'b', accuracy: 0.5 + tolerance * 0.49 }], n);
    const outside = checkAgreement([{ name: 'a', accuracy: 0.5 - tolerance * 0.51 }, { name: 'b', accuracy: 0.5 + tolerance * 0.51 }], n);
    expect(inside.verdicts.some((v) => v.flagged)).toBe(false);
    expect(outside.verdicts.every((v) => v.flagged)).toBe(true);
  });
});
