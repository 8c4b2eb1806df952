import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from './families.js';
import { readSteps, STEPS } from './steps.js';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('FAMILIES', () => {
  it('maps backend names to the family whose sources they run', () => {
    const owner = (framework: string) => FAMILIES.filter((family) => family.runs(framework)).map((family) => family.id);
    expect(['tfjs-cpu', 'tfjs-wasm', 'tfjs-node-gpu'].map(owner)).toEqual([['tfjs'], ['tfjs'], ['tfjs']]);
    expect(['onnxruntime-cpu', 'onnxruntime-cuda'].map(owner)).toEqual([['onnxruntime'], ['onnxruntime']]);
    expect(owner('tfjsx-cpu')).toEqual([]);
  });

  // The notebooks are cut from these files: a source that loses a marker must fail here,
  // not only when someone next runs `rosetta report`.
  it.each(FAMILIES.flatMap((family) => (['cnn', 'rnn'] as const).map((model) => family.sources[model])))('%s carries every step marker, in order', async (source) => {
    const { steps } = await readSteps(join(workspaceRoot, source), source);
    expect([...steps.keys()]).toEqual(STEPS.map((step) => step.name));
  });
});
