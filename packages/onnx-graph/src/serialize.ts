import type { onnx as P } from 'onnx-proto';
import { dtypeToProto, type DType } from './dtype.js';
import { Graph, type AttributeValue, type ConstantValue, type Shape, type Tensor, type TensorValues } from './graph.js';
import { onnx } from './onnx-proto.js';

/**
 * Opset 17 of the default domain: every op here has its training-friendly form in it (Split and
 * ReduceSum take their sizes/axes as inputs, ScatterElements has `reduction`), and onnx-proto's
 * schema (IR version 8) is the IR that opset 17 belongs to. ORT 1.29 runs it on CPU and CUDA.
 */
export const OPSET = 17;
export const IR_VERSION = 8;

export interface ModelOptions {
  producerName?: string;
  docString?: string;
}

/** The graph as an ONNX ModelProto message (plain protobufjs object). */
export function toModelProto(graph: Graph, options: ModelOptions = {}): P.ModelProto {
  if (graph.parent !== null) throw new Error(`onnx-graph: ${graph.name} is a subgraph; serialise its root graph`);
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: options.producerName ?? '@rosetta/onnx-graph',
    docString: options.docString ?? '',
    graph: graphProto(graph),
  });
}

export function serializeModel(graph: Graph, options: ModelOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(toModelProto(graph, options)).finish();
}

/** Decodes model bytes; int64 fields come back as numbers. */
export function parseModel(bytes: Uint8Array): P.IModelProto {
  const message = onnx.ModelProto.decode(bytes);
  // Bytes fields stay as the decoder made them (Buffer, a Uint8Array, under Node).
  return onnx.ModelProto.toObject(message, { longs: Number });
}

function graphProto(graph: Graph): P.IGraphProto {
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  for (const out of graph.outputs) {
    if (!produced.has(out)) throw new Error(`onnx-graph: output ${out.name} of graph ${graph.name} is not produced in it`);
  }
  return {
    name: graph.name,
    node: graph.nodes.map((node) => ({
      opType: node.opType,
      input: node.inputs.map((t) => t?.name ?? ''),
      output: node.outputs.map((t) => t.name),
      attribute: Object.entries(node.attributes)
        .filter((entry): entry is [string, AttributeValue] => entry[1] !== undefined)
        .map(([name, value]) => attributeProto(name, value)),
    })),
    input: graph.inputs.map(valueInfo),
    output: graph.outputs.map(valueInfo),
    initializer: graph.initializers.map(({ tensor, value }) => tensorProto(tensor.name, value)),
  };
}

function valueInfo(tensor: Tensor): P.IValueInfoProto {
  return {
    name: tensor.name,
    type: { tensorType: { elemType: dtypeToProto(tensor.dtype), shape: shapeProto(tensor.shape) } },
  };
}

function shapeProto(shape: Shape): P.ITensorShapeProto {
  return { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
}

const A = onnx.AttributeProto.AttributeType;

function attributeProto(name: string, value: AttributeValue): P.IAttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`onnx-graph: attribute ${name}=${value} is not an integer; wrap floats in float()`);
    return { name, type: A.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (value instanceof Graph) return { name, type: A.GRAPH, g: graphProto(value) };
  if (isNumberArray(value)) return { name, type: A.INTS, ints: [...value] };
  switch (value.kind) {
    case 'float':
      return { name, type: A.FLOAT, f: value.value };
    case 'tensor':
      return { name, type: A.TENSOR, t: tensorProto('', value.value) };
  }
}

function isNumberArray(value: AttributeValue): value is readonly number[] {
  return Array.isArray(value);
}

function tensorProto(name: string, value: ConstantValue): P.ITensorProto {
  const data = typedArray(value.dtype, value.values);
  return {
    name,
    dataType: dtypeToProto(value.dtype),
    dims: [...value.shape],
    // raw_data is little-endian, like every platform Node runs on.
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The values as the typed array that ONNX stores for `dtype`. */
function typedArray(dtype: DType, values: TensorValues): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array {
  const list = values as ArrayLike<number | bigint>;
  switch (dtype) {
    case 'float32':
      return values instanceof Float32Array ? values : Float32Array.from(list, Number);
    case 'float64':
      return values instanceof Float64Array ? values : Float64Array.from(list, Number);
    case 'int64':
      return values instanceof BigInt64Array ? values : BigInt64Array.from(list, (v) => BigInt(v));
    case 'int32':
      return values instanceof Int32Array ? values : Int32Array.from(list, Number);
    case 'bool':
      return values instanceof Uint8Array ? values : Uint8Array.from(list, (v) => (v ? 1 : 0));
  }
}
