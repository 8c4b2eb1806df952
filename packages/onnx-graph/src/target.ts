/**
 * What the execution provider that will run a graph can run, where that changes how the graph is
 * written. A graph is built for one target (`new Graph(name, null, target)`; Loop bodies inherit
 * their parent's). Most ops have one formulation; the few op helpers and gradient rules that have a
 * second one, for providers without a kernel for their first, ask `supports` or `nodeTensorLimit`.
 * The default target runs every ONNX op of the opset and any number of tensors per node, as ONNX
 * Runtime's CPU and CUDA providers do for the ops used here.
 */
export interface Target {
  /** For messages, e.g. "webgpu". */
  readonly name: string;
  /** ONNX op types the provider has no kernel for (an op helper or rule then uses another form). */
  readonly unsupported: ReadonlySet<string>;
  /**
   * The most tensors one node may read and write together: a WebGPU kernel binds each as a storage
   * buffer, and an adapter allows only so many per shader stage. Splits and Concats with more pieces
   * are built as a tree of smaller ones.
   */
  readonly nodeTensorLimit: number;
}

export const DEFAULT_TARGET: Target = { name: 'default', unsupported: new Set(), nodeTensorLimit: Infinity };

/** Throws unless a node needs at most `limit` tensors: the smallest useful tree needs 3. */
export function checkTarget(target: Target): Target {
  if (!(target.nodeTensorLimit >= 3)) throw new Error(`onnx-graph: target ${target.name} allows ${target.nodeTensorLimit} tensors per node; at least 3 are needed`);
  return target;
}
