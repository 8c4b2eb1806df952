import { describe, expect, it } from 'vitest';
import { CNN_SPEC, RNN_SPEC } from './spec.js';

describe('SPEC.md constants', () => {
  it('CNN: the flatten size and parameter count follow from the layer sizes (SPEC.md: 3,441,592)', () => {
    const { channels, kernelSize: k, blockFilters: [f1, f2], imageSize, poolSize, denseUnits, classes } = CNN_SPEC;
    const pooled = imageSize / poolSize ** 2;
    expect(CNN_SPEC.flattenSize).toBe(f2 * pooled * pooled);
    const conv = (inputs: number, filters: number) => filters * inputs * k * k + filters;
    const convs = [conv(channels, f1), conv(f1, f1), conv(f1, f2), conv(f2, f2)];
    expect(convs).toEqual([1_400, 22_550, 45_100, 90_100]);
    const denses = [CNN_SPEC.flattenSize * denseUnits + denseUnits, denseUnits * classes + classes];
    expect(denses).toEqual([3_277_312, 5_130]);
    expect([...convs, ...denses].reduce((a, b) => a + b)).toBe(CNN_SPEC.parameters);
  });

  it('RNN: token markers below the vocabulary, in the Keras order', () => {
    const { startToken, outOfVocabulary, indexFrom, vocabularySize } = RNN_SPEC;
    expect([startToken, outOfVocabulary, indexFrom]).toEqual([1, 2, 3]);
    expect(indexFrom).toBeLessThan(vocabularySize);
  });
});
