/**
 * The smallest graph that proves an execution provider runs: y = x + x. Built with the same
 * library as the models, so the check also covers the serialiser's output on that provider.
 */
import { add, Graph, serializeModel } from '@rosetta/onnx-graph';

export function probeModel(): Uint8Array {
  const g = new Graph('probe');
  const x = g.input('x', 'float32', [2]);
  g.output(add(x, x), 'y');
  return serializeModel(g);
}
