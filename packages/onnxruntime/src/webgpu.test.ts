/**
 * Every graph the WebGPU provider runs, placed on it whole: the sessions are created with ONNX
 * Runtime's CPU fallback off, which refuses a session that would put any node on the CPU.
 */
import { initialWeights, type ModelName } from '@rosetta/harness';
import { Graph, parseModel, randomWords, serializeModel } from '@rosetta/onnx-graph';
import { adapterReport } from '@rosetta/webgpu';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { buildProgram } from './backend.js';
import { webgpuProvider } from './provider.js';

const report = await adapterReport();
const provider = webgpuProvider(report.adapter, report.limits.maxStorageBuffersPerShaderStage);

async function placesOnWebGpu(graph: Uint8Array): Promise<void> {
  const session = await ort.InferenceSession.create(graph, { ...provider.options, logSeverityLevel: 4 });
  await session.release();
}

// Session creation optimises and places a graph of thousands of nodes (the unrolled GRU).
describe('the graphs on the WebGPU provider', { timeout: 300_000 }, () => {
  test.each(['cnn', 'rnn'] as const)('%s: the training, inference (batch 64 and 1) and evaluation graphs have no node on the CPU', async (model: ModelName) => {
    const program = buildProgram({ model, weights: initialWeights(model, 1), seed: 1, dropout: true }, provider.target);
    await placesOnWebGpu(program.training(provider.stepsPerRun));
    for (const size of [program.batchSize, 1]) await placesOnWebGpu(program.inference(size));
    await placesOnWebGpu(program.evaluation(program.batchSize));
  });

  test('a graph built for the CPU provider is refused: its Dropout, SoftmaxCrossEntropyLoss and Sum nodes have no WebGPU kernel', async () => {
    const program = buildProgram({ model: 'cnn', weights: initialWeights('cnn', 1), seed: 1, dropout: true, batchSize: 2 });
    await expect(placesOnWebGpu(program.training(1))).rejects.toThrow(/assigned to the default CPU EP/);
  });

  test('with the adapter\'s limit on tensors per node, the GRU has no Split or Concat wider than it', () => {
    const program = buildProgram({ model: 'rnn', weights: initialWeights('rnn', 1), seed: 1, dropout: false, batchSize: 2 }, provider.target);
    expect(widestNode(program.training(1))).toBeLessThanOrEqual(report.limits.maxStorageBuffersPerShaderStage);
    expect(widestNode(buildProgram({ model: 'rnn', weights: initialWeights('rnn', 1), seed: 1, dropout: false, batchSize: 2 }).training(1))).toBeGreaterThan(150);
  });
});

describe('the counter-based generator of dropout masks on WebGPU', () => {
  test('gives the same words as on the CPU: int32 arithmetic wraps alike on both', async () => {
    const g = new Graph('words', null, provider.target);
    g.output(randomWords(g, [4096], g.input('key', 'int32', [])), 'words');
    const key = { key: new ort.Tensor('int32', Int32Array.of(1234567), []) };
    const run = async (options: ort.InferenceSession.SessionOptions) => {
      const session = await ort.InferenceSession.create(serializeModel(g), options);
      const { words } = await session.run(key);
      await session.release();
      return words!.data as Int32Array;
    };
    expect(await run(provider.options)).toEqual(await run({ executionProviders: ['cpu'] }));
  });
});

/** The most tensors any node of a model binds: its inputs that are not initialisers (shapes, sizes), and its outputs. */
function widestNode(bytes: Uint8Array): number {
  const graph = parseModel(bytes).graph!;
  const constants = new Set((graph.initializer ?? []).map((t) => t.name));
  return Math.max(...(graph.node ?? []).map((n) => (n.input ?? []).filter((name) => name !== '' && !constants.has(name)).length + (n.output ?? []).length));
}
