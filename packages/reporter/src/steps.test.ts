import { describe, expect, it } from 'vitest';
import { extractSteps, STEPS, StepMarkerError } from './steps.js';
import { fixtureSource } from './testing/fixtures.js';

describe('extractSteps', () => {
  it('cuts every step, in order, verbatim out of the source', () => {
    const text = fixtureSource('tfjs', 'cnn');
    const { steps, preamble } = extractSteps(text, 'packages/tfjs/src/cnn.ts');
    expect([...steps.keys()]).toEqual(STEPS.map((step) => step.name));
    for (const code of steps.values()) expect(text).toContain(code);
    expect(steps.get('predict')).toBe("  const step4 = something('tfjs', 'cnn', 4); // `predict`\n\n  console.log(step4);");
    expect(preamble.startsWith('/** tfjs cnn')).toBe(true);
    expect(preamble).not.toContain('#region');
  });

  it('names the file and the missing marker', () => {
    const text = fixtureSource('tfjs', 'rnn').replace(/  \/\/ #region evaluate\n[^]*?\/\/ #endregion\n/, '');
    expect(() => extractSteps(text, 'packages/tfjs/src/rnn.ts')).toThrow(StepMarkerError);
    expect(() => extractSteps(text, 'packages/tfjs/src/rnn.ts')).toThrow(/packages\/tfjs\/src\/rnn\.ts: missing step marker "\/\/ #region evaluate"/);
  });

  it('rejects steps out of order, unknown, unclosed or nested, with file and line', () => {
    const swapped = fixtureSource('onnxruntime', 'cnn').replace('#region build model', '#region TEMP').replace('#region load data', '#region build model').replace('#region TEMP', '#region load data');
    expect(() => extractSteps(swapped, 'a.ts')).toThrow(/^a\.ts:5: step "build model" is out of order; expected "#region load data"/);
    expect(() => extractSteps('// #region load the data\n// #endregion\n', 'b.ts')).toThrow(/^b\.ts:1: unknown step "#region load the data"/);
    expect(() => extractSteps('// #region load data\nx\n', 'c.ts')).toThrow(/^c\.ts:1: "#region load data" is never closed/);
    expect(() => extractSteps('// #region load data\n// #region build model\n', 'd.ts')).toThrow(/^d\.ts:2: .* opens inside region "load data"/);
    expect(() => extractSteps('// #endregion\n', 'e.ts')).toThrow(/^e\.ts:1: "#endregion" without an open "#region"/);
  });
});
