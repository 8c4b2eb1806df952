import type { onnx as P } from 'onnx-proto';
import { onnx } from './onnx-proto.js';

/** Element types the builder knows. Floating types are differentiable; the rest are indices, masks and shapes. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

const protoCodes: Record<DType, P.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

export function dtypeToProto(dtype: DType): P.TensorProto.DataType {
  return protoCodes[dtype];
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
