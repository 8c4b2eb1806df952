/**
 * The cpu backend keeps every tensor as one flat typed array in its data map; the kernels
 * here read and write those arrays directly, as the backend's own kernels do.
 */
import type { DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

export const CPU = 'cpu';

export function values(backend: MathBackendCPU, info: TensorInfo): TypedArray {
  return backend.data.get(info.dataId).values as TypedArray;
}

export function output(backend: MathBackendCPU, shape: number[], dtype: DataType, data: TypedArray): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, data);
}
