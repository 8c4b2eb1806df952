import type { Node, Tensor } from '../graph.js';

/**
 * The gradient rule of one op type, in the spirit of TF.js gradient configs: given the forward
 * node and the gradients of the loss with respect to its outputs (`null` where an output does not
 * reach the loss), emit the nodes that compute the gradients with respect to its inputs and return
 * them, one per input (`null` for inputs that are not differentiable: indices, shapes, masks).
 */
export interface GradConfig {
  opType: string;
  gradFunc: (node: Node, dys: readonly (Tensor | null)[]) => (Tensor | null)[];
}

/** Reads a forward node's input or output that a rule relies on, with a clear error if it is absent. */
export function operand(list: readonly (Tensor | null)[], index: number, node: Node): Tensor {
  const t = list[index];
  if (t === null || t === undefined) throw new Error(`onnx-graph: ${node.opType} gradient needs operand ${index}`);
  return t;
}
