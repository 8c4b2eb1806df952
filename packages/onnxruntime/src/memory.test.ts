/**
 * Many epochs must not cost more memory than one: the ONNX Runtime trainer on the CPU
 * provider, trained through the runner's epoch code on small synthetic data, two chunks of
 * STEPS_PER_RUN.cpu steps and one batch left over for the step graph. The JS side (heap and
 * the array buffers that hold every run's outputs) is allowed the growth of a leak budget
 * (harness memory.ts); the RSS, where ONNX Runtime's own allocations show, the outputs of one
 * epoch's runs.
 */
import { initialWeights, median } from '@rosetta/harness';
import { allowedGrowthBytes, memoryByEpoch } from '@rosetta/harness/testing';
import { describe, expect, test } from 'vitest';
import { buildProgram } from './backend.js';
import { cpuFramework } from './framework.js';
import { STEPS_PER_RUN } from './provider.js';

const EPOCHS = 8;
const BATCHES = 2 * STEPS_PER_RUN.cpu + 1;
const BATCH = 2;

describe('onnxruntime-cpu memory over epochs', () => {
  test.each(['cnn', 'rnn'] as const)('%s: the JS heap within the leak budget, the RSS within one epoch of run outputs', async (model) => {
    const epochs = await memoryByEpoch(cpuFramework, { model, batchSize: BATCH, batches: BATCHES, epochs: EPOCHS, probe: () => null });
    const js = (i: number) => epochs[i]!.memory.heapUsed + epochs[i]!.memory.arrayBuffers;
    expect(js(EPOCHS - 1) - js(1)).toBeLessThan(allowedGrowthBytes(model, (EPOCHS - 2) * BATCHES));
    // A run hands back the whole state (parameters and optimiser slots); an epoch is 3 runs.
    // Transient peaks move the RSS of single epochs by tens of MB, so halves are compared by
    // their medians: a leak of every run's outputs would add 4 epochs' worth between them.
    const program = buildProgram({ model, weights: initialWeights(model, 1), seed: 1, dropout: true, batchSize: BATCH });
    const stateBytes = program.initialState().reduce((sum, s) => sum + s.data.byteLength, 0);
    const rss = epochs.map((e) => e.memory.rss);
    const half = EPOCHS / 2;
    expect(median(rss.slice(half)) - median(rss.slice(0, half))).toBeLessThan(3 * stateBytes);
  }, 600_000);
});
