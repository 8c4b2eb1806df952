/**
 * Conv2DBackpropInput on wasm is slow (measured about 1.2 s per call of the CNN); written
 * as a forward convolution it takes about 0.12 s. For stride 1:
 *
 * dx[n, h, w, c] = sum over i, j, o of  dy[n, h + top - i, w + left - j, o] * W[i, j, c, o]
 *
 * which is dy convolved with W rotated by 180 degrees (Reverse over kh, kw) and with its
 * channel axes swapped (Transpose to [kh, kw, C_out, C_in]), padded kh-1-top above and
 * kh-1-bottom below (likewise for the width). Strided, NCHW or over-padded cases go to
 * the stock kernel, which this replaces in the registry.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  Reverse,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callWasmKernel, release, transpose, WASM } from './wasm-kernel-calls.js';

type Shape4 = [number, number, number, number];

/** `stock` is the wasm backend's own Conv2DBackpropInput, kept for the cases not handled. */
export function conv2DBackpropInputConfig(stock: KernelConfig): KernelConfig {
  const stockKernel = stock.kernelFunc;
  const conv2DBackpropInput = (args: {
    inputs: Conv2DBackpropInputInputs;
    backend: BackendWasm;
    attrs: Conv2DBackpropInputAttrs;
  }): TensorInfo | TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const format = backend_util.convertConv2DDataFormat(dataFormat);
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode, false, format,
    );
    const { filterHeight: kh, filterWidth: kw, padInfo } = info;
    const padding = [
      kh - 1 - padInfo.top, kh - 1 - padInfo.bottom, kw - 1 - padInfo.left, kw - 1 - padInfo.right,
    ] as const;
    const handled =
      format === 'channelsLast' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      padding.every((p) => p >= 0);
    if (!handled) return stockKernel(args as never);

    const rotated = callWasmKernel(Reverse, { x: filter }, backend, { dims: [0, 1] });
    const flipped = transpose(rotated, [0, 1, 3, 2], backend); // [kh, kw, C_out, C_in]
    release(backend, rotated);
    const [top, bottom, left, right] = padding;
    const dx = callWasmKernel(Conv2D, { x: dy, filter: flipped }, backend, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
    });
    release(backend, flipped);
    return dx;
  };
  return { ...stock, backendName: WASM, kernelFunc: conv2DBackpropInput as unknown as KernelFunc };
}
