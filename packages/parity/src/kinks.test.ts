import { describe, expect, it } from 'vitest';
import { expectedFlips, kinkAllowance, kinkLayers } from './kinks.js';

describe('ReLU kink allowance', () => {
  const layers = kinkLayers('cnn', 64);

  it('expects N sqrt(2n) u / pi flips per layer', () => {
    const conv2 = layers.find((l) => l.name === 'conv2')!;
    expect(conv2.channels * conv2.positions).toBe(64 * 32 * 32 * 50);
    expect(expectedFlips(conv2)).toBeCloseTo((64 * 32 * 32 * 50 * Math.sqrt(900) * 2 ** -24) / Math.PI, 12);
    expect(expectedFlips(layers.find((l) => l.name === 'dense2')!)).toBe(0);
  });

  it('counts the flips at or above a tensor\'s layer, over its C x M gradient terms', () => {
    const above = layers.slice(3).reduce((sum, l) => sum + expectedFlips(l), 0);
    expect(kinkAllowance(layers, 'conv4.bias', 1)).toBeCloseTo(Math.sqrt(above + 4 * Math.sqrt(above) + 1) / Math.sqrt(100 * 64 * 256), 12);
    // conv1 sees the flips of every layer above it; dense2 is above every ReLU.
    expect(kinkAllowance(layers, 'conv1.weight', 1)).toBeGreaterThan(0);
    expect(kinkAllowance(layers, 'dense2.weight', 1)).toBe(0);
    expect(kinkAllowance(layers, 'conv1.weight', 20)).toBeGreaterThan(kinkAllowance(layers, 'conv1.weight', 1));
  });

  it('has nothing to allow in the GRU (sigmoid and tanh are smooth)', () => {
    expect(kinkLayers('rnn', 64)).toEqual([]);
    expect(kinkAllowance([], 'gru.kernel', 1)).toBe(0);
  });
});
