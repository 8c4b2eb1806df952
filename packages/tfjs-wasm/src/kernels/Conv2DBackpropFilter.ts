/**
 * Conv2DBackpropFilter for the wasm backend, which does not have it.
 *
 * dW[i, j, c, o] = sum over n, y, x of  in[n, y*sh + i - top, x*sw + j - left, c] * dy[n, y, x, o]
 *
 * Read with c as the batch, (H, W) as space and n as the channel, that is one forward
 * convolution: the input transposed to [C_in, H, W, N] is convolved with dy transposed to
 * [OH, OW, N, C_out] used as the filter, stride 1, dilation = the original stride, and
 * the original top/left padding. Its output [C_in, kh, kw, C_out] is transposed back to the
 * filter layout [kh, kw, C_in, C_out]. All the arithmetic runs in XNNPACK's Conv2D.
 */
import {
  Conv2D,
  Conv2DBackpropFilter,
  Slice,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterInfo } from '@rosetta/tfjs';
import { callWasmKernel, release, transpose, WASM } from './wasm-kernel-calls.js';

function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = conv2DBackpropFilterInfo(WASM, x, dy, attrs);
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  // Padding that makes the dilated dy window end exactly on the last filter tap. It is
  // negative when the forward pass never reached the last rows/columns of x (valid
  // padding with a stride that does not divide evenly): those are cropped instead.
  const bottom = filterHeight + (info.outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (info.outWidth - 1) * strideWidth - inWidth - left;

  const channelsLast = info.dataFormat === 'channelsLast';
  const xT = transpose(x, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0], backend); // [C_in, H, W, N]
  const dyT = transpose(dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1], backend); // [OH, OW, N, C_out]
  let input = xT;
  if (bottom < 0 || right < 0) {
    input = callWasmKernel(Slice, { x: xT }, backend, {
      begin: [0, 0, 0, 0],
      size: [-1, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), -1],
    });
    release(backend, xT);
  }
  const grad = callWasmKernel(Conv2D, { x: input, filter: dyT }, backend, {
    strides: [1, 1],
    dilations: [strideHeight, strideWidth],
    pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
    dataFormat: 'NHWC',
  }); // [C_in, kh, kw, C_out]
  release(backend, input, dyT);
  const dW = transpose(grad, [1, 2, 0, 3], backend);
  release(backend, grad);
  return dW;
}


export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
