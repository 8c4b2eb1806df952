import { describe, expect, test } from 'vitest';
import { forwardFlops, trainingStepFlops } from './flops.js';

describe('FLOPs of a training step', () => {
  // Worked by hand from SPEC.md: conv1 32*32*50*3*9, conv2 32*32*50*50*9, conv3 16*16*100*50*9,
  // conv4 16*16*100*100*9, dense1 6400*512, dense2 512*10 multiply-adds.
  test('the CNN: 124.5 MFLOP per image forward, 23.7 GFLOP per training step of 64', () => {
    expect(forwardFlops('cnn')).toBe(2 * (1_382_400 + 23_040_000 + 11_520_000 + 23_040_000 + 3_276_800 + 5_120));
    expect(trainingStepFlops('cnn', 64)).toBe(64 * (3 * forwardFlops('cnn') - 2 * 1_382_400));
    expect(trainingStepFlops('cnn', 64) / 1e9).toBeCloseTo(23.73, 2);
  });

  // 150 steps of x W (125 x 300) and h R (100 x 300), and the dense head (100 x 2); no input
  // gradient for h_0 R_zr (100 x 200), h_0 being the zero state.
  test('the GRU: 20.3 MFLOP per review forward, 3.9 GFLOP per training step of 64', () => {
    expect(forwardFlops('rnn')).toBe(2 * (150 * 125 * 300 + 150 * 100 * 300 + 200));
    expect(trainingStepFlops('rnn', 64)).toBe(64 * (3 * forwardFlops('rnn') - 2 * 100 * 200));
    expect(trainingStepFlops('rnn', 64) / 1e9).toBeCloseTo(3.89, 2);
  });
});
