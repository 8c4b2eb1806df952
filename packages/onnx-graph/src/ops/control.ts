import type { Graph, Tensor } from '../graph.js';
import { scalar } from './constants.js';

export interface LoopStep {
  /** Values carried to the next iteration, in the order of the loop's initial values. */
  carried: readonly Tensor[];
  /** Per-iteration values the loop stacks along a new first axis. */
  scanned?: readonly Tensor[];
}

export interface LoopResult {
  carried: Tensor[];
  scanned: Tensor[];
}

/**
 * An ONNX Loop that runs `body` `tripCount` times. The body is built in a subgraph: it receives
 * the iteration number (int64 scalar) and the carried values, and may read any tensor of the
 * enclosing graphs directly (outer-scope capture: e.g. a chunk of K batches, sliced per iteration).
 *
 * This is how a training step runs K times in one `session.run`: parameters and optimiser state
 * are the carried values, so they stay where the execution provider keeps them between steps.
 */
export function loop(
  graph: Graph,
  tripCount: number,
  initial: readonly Tensor[],
  body: (iteration: Tensor, carried: Tensor[], bodyGraph: Graph) => LoopStep,
): LoopResult {
  const bodyGraph = graph.subgraph(`${graph.name}_loop_body`);
  // Fresh names (a suffix where taken), so one graph can hold several loops.
  const fresh = (base: string): string => bodyGraph.unusedName(`${graph.name}_loop_${base}`);
  const iteration = bodyGraph.input(fresh('iteration'), 'int64', []);
  const condition = bodyGraph.input(fresh('condition'), 'bool', []);
  const carriedIn = initial.map((t, i) => bodyGraph.input(fresh(`carried_${i}`), t.dtype, t.shape));
  const step = body(iteration, carriedIn, bodyGraph);
  if (step.carried.length !== initial.length) {
    throw new Error(`onnx-graph: loop body returned ${step.carried.length} carried values for ${initial.length} initial ones`);
  }
  bodyGraph.output(condition);
  step.carried.forEach((t, i) => {
    const expected = initial[i]!;
    if (t.dtype !== expected.dtype || t.shape.join() !== expected.shape.join()) {
      throw new Error(`onnx-graph: loop carried value ${i} changes from ${expected.dtype} [${expected.shape.join(', ')}] to ${t.dtype} [${t.shape.join(', ')}]`);
    }
    bodyGraph.output(t);
  });
  const scanned = step.scanned ?? [];
  for (const t of scanned) bodyGraph.output(t);

  const outputs = [
    ...initial.map((t) => ({ dtype: t.dtype, shape: t.shape })),
    ...scanned.map((t) => ({ dtype: t.dtype, shape: [tripCount, ...t.shape] })),
  ];
  const results = graph.addNode('Loop', [scalar(graph, tripCount, 'int64'), null, ...initial], { body: bodyGraph }, outputs);
  return { carried: results.slice(0, initial.length), scanned: results.slice(initial.length) };
}
