import type { DType } from './dtype.js';
import { checkTarget, DEFAULT_TARGET, type Target } from './target.js';

/** A dimension: a number when known while building, a name (ONNX dim_param) when it is only known at run time. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** Constant values accepted by the builder; the typed array decides nothing, `dtype` does. */
export type TensorValues = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | readonly number[];

export type AttributeValue =
  | number
  | readonly number[]
  | string
  | { kind: 'float'; value: number }
  | { kind: 'tensor'; value: ConstantValue }
  | Graph;

/**
 * Attributes as written by op functions. Plain numbers are ONNX INT / INTS; a FLOAT must be marked
 * with `float()` because JavaScript cannot tell 1 from 1.0.
 */
export type Attributes = Record<string, AttributeValue | undefined>;

export function float(value: number): AttributeValue {
  return { kind: 'float', value };
}

export interface ConstantValue {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: TensorValues;
}

/** One ONNX node as the builder keeps it: tensors, not names, so autodiff can walk the graph. */
export interface Node {
  readonly opType: string;
  /** `null` stands for an omitted optional input. */
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attributes: Attributes;
}

/**
 * A symbolic tensor: a name in an ONNX graph plus its element type and shape. It knows the graph it
 * lives in and the node that produced it (`null` for graph inputs and initialisers).
 */
export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly producer: Node | null,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** The shape as numbers; throws where a dimension is only known at run time. */
  staticShape(): number[] {
    return this.shape.map((dim) => {
      if (typeof dim !== 'number') {
        throw new Error(`onnx-graph: tensor ${this.name} needs a static shape here, but has [${this.shape.join(', ')}]`);
      }
      return dim;
    });
  }

  size(): number {
    return this.staticShape().reduce((a, b) => a * b, 1);
  }
}

/**
 * Builds one ONNX graph. Nodes are appended in creation order, which is a topological order:
 * a node can only use tensors that exist already. A graph created by `subgraph()` (a Loop body)
 * shares its parent's name counter, because ONNX needs names that are unique across nested graphs,
 * and may use the parent's tensors directly (ONNX outer-scope capture). It is built for its parent's
 * target (target.ts): the provider that will run it.
 */
export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  readonly initializers: { tensor: Tensor; value: ConstantValue }[] = [];
  private readonly names: Set<string>;
  private readonly counter: { next: number };

  readonly target: Target;

  constructor(
    readonly name: string,
    readonly parent: Graph | null = null,
    target: Target = parent?.target ?? DEFAULT_TARGET,
  ) {
    this.names = parent?.names ?? new Set();
    this.counter = parent?.counter ?? { next: 0 };
    this.target = checkTarget(target);
  }

  /** A graph nested in this one (for Loop bodies); it may read this graph's tensors. */
  subgraph(name: string): Graph {
    return new Graph(name, this);
  }

  /** Whether this graph's target has a kernel for `opType` (target.ts). */
  supports(opType: string): boolean {
    return !this.target.unsupported.has(opType);
  }

  /** True when `other` is this graph or one of its ancestors, i.e. its tensors are visible here. */
  sees(other: Graph): boolean {
    for (let g: Graph | null = this; g !== null; g = g.parent) if (g === other) return true;
    return false;
  }

  input(name: string, dtype: DType, shape: Shape): Tensor {
    const tensor = new Tensor(this, this.claim(name), dtype, shape, null);
    this.inputs.push(tensor);
    return tensor;
  }

  /**
   * Marks a tensor as a graph output under `name`. An Identity node gives it that name, so a graph
   * input or a tensor already used as an output can be returned again (ORT needs distinct names).
   */
  output(tensor: Tensor, name?: string): Tensor {
    if (!this.sees(tensor.graph)) throw new Error(`onnx-graph: ${tensor.name} is not visible in graph ${this.name}`);
    const needsIdentity =
      name !== undefined || tensor.graph !== this || tensor.producer === null || this.outputs.includes(tensor);
    const out = needsIdentity ? this.addNode('Identity', [tensor], {}, [{ dtype: tensor.dtype, shape: tensor.shape, name }])[0]! : tensor;
    this.outputs.push(out);
    return out;
  }

  /** A constant stored as an initialiser (large or small; ORT folds them either way). */
  constant(value: ConstantValue, name?: string): Tensor {
    const expected = value.shape.reduce((a, b) => a * b, 1);
    if (value.values.length !== expected) {
      throw new Error(`onnx-graph: constant ${name ?? ''} has ${value.values.length} values for shape [${value.shape.join(', ')}]`);
    }
    const tensor = new Tensor(this, this.claim(name, 'const'), value.dtype, value.shape, null);
    this.initializers.push({ tensor, value });
    return tensor;
  }

  /** The value of a constant (initialiser) tensor of this graph, as gradient rules need for axes or sizes. */
  constantValue(tensor: Tensor): ConstantValue {
    const found = this.initializers.find((entry) => entry.tensor === tensor);
    if (found === undefined) throw new Error(`onnx-graph: ${tensor.name} is not a constant of graph ${this.name}`);
    return found.value;
  }

  /**
   * Appends a node and returns its output tensors. Op functions call this after working out the
   * output types; `name` in an output spec fixes the tensor's name (otherwise it is generated).
   */
  addNode(
    opType: string,
    inputs: readonly (Tensor | null)[],
    attributes: Attributes,
    outputs: readonly { dtype: DType; shape: Shape; name?: string | undefined }[],
  ): Tensor[] {
    for (const input of inputs) {
      if (input !== null && !this.sees(input.graph)) {
        throw new Error(`onnx-graph: ${opType} in graph ${this.name} uses ${input.name} from a graph it cannot see`);
      }
    }
    const created: Tensor[] = [];
    const node: Node = { opType, inputs, outputs: created, attributes };
    for (const spec of outputs) {
      created.push(new Tensor(this, this.claim(spec.name, opType.toLowerCase()), spec.dtype, spec.shape, node));
    }
    this.nodes.push(node);
    return created;
  }

  /** `base` if no tensor of this graph family has that name yet, else `base_N` for the next free N. */
  unusedName(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${this.counter.next++}`;
    return name;
  }

  /** Reserves a name: a chosen one exactly (it must be new), a generated one as `base_N`. */
  private claim(chosen: string | undefined, base = 'tensor'): string {
    let name = chosen;
    while (name === undefined || (chosen === undefined && this.names.has(name))) name = `${base}_${this.counter.next++}`;
    if (this.names.has(name)) throw new Error(`onnx-graph: tensor name ${name} is already used`);
    this.names.add(name);
    return name;
  }
}

/**
 * The graph an op on these tensors belongs in: the innermost one. Tensors of outer graphs are
 * visible in inner ones (Loop bodies), never the other way round.
 */
export function graphOf(...tensors: readonly (Tensor | null | undefined)[]): Graph {
  let inner: Graph | null = null;
  for (const t of tensors) {
    if (t === null || t === undefined) continue;
    if (inner === null || t.graph.sees(inner)) inner = t.graph;
    else if (!inner.sees(t.graph)) throw new Error(`onnx-graph: ${t.name} belongs to an unrelated graph`);
  }
  if (inner === null) throw new Error('onnx-graph: an op needs at least one tensor input');
  return inner;
}
