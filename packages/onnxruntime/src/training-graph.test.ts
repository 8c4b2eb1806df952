import { initialWeights, type ModelName } from '@rosetta/harness';
import { parseModel } from '@rosetta/onnx-graph';
import { describe, expect, test } from 'vitest';
import { buildProgram } from './backend.js';

/**
 * Op types of the default domain that ONNX Runtime 1.29's CUDA provider has kernels for, among
 * those the training graphs use (its docs/OperatorKernels.md, CUDAExecutionProvider section; not
 * there, for example: MaxUnpool). The CUDA sessions run with the CPU fallback off, so a node
 * outside this list fails session creation on the GPU machine, which these tests cannot reach: an
 * op newly used by a graph has to be looked up there and added.
 */
const CUDA_KERNELS = new Set([
  'Add', 'And', 'ArgMax', 'Cast', 'Concat', 'ConstantOfShape', 'Conv', 'CumSum', 'Div', 'Dropout', 'Equal', 'Exp', 'Expand', 'Flatten',
  'Gather', 'Gemm', 'Greater', 'Identity', 'Loop', 'MatMul', 'MaxPool', 'Mul', 'Neg', 'Pad', 'Pow', 'ReduceMean', 'ReduceSum', 'Relu',
  'ReduceMax', 'Reshape', 'ScatterElements', 'ScatterND', 'Sigmoid', 'Slice', 'SoftmaxCrossEntropyLoss', 'Split', 'Sqrt', 'Squeeze', 'Sub',
  'Sum', 'Tanh', 'TopK', 'Transpose', 'Unsqueeze', 'Where',
]);

/** Every op type in the training graphs (1 and 8 steps per run, Loop bodies included) and the inference and evaluation graphs. */
function opTypes(model: ModelName): Set<string> {
  const program = buildProgram({ model, weights: initialWeights(model, 1), seed: 1, dropout: true, batchSize: 2 });
  const found = new Set<string>();
  type GraphProto = NonNullable<ReturnType<typeof parseModel>['graph']>;
  const walk = (graph: GraphProto): void => {
    for (const node of graph.node ?? []) {
      found.add(node.opType!);
      for (const attribute of node.attribute ?? []) if (attribute.g) walk(attribute.g);
    }
  };
  for (const k of [1, 8]) walk(parseModel(program.training(k)).graph!);
  for (const graph of [program.inference(2), program.evaluation(2)]) walk(parseModel(graph).graph!);
  return found;
}

describe('the graphs on the CUDA provider', () => {
  test.each(['cnn', 'rnn'] as const)('%s: every op has a CUDA kernel', (model) => {
    expect([...opTypes(model)].filter((op) => !CUDA_KERNELS.has(op))).toEqual([]);
  });
});
