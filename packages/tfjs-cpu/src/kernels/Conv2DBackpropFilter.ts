/**
 * Conv2DBackpropFilter for the cpu backend. The stock kernel reads every element through
 * TensorBuffer.get (a rest-argument call per multiply): about 900 s per CNN step at batch 64.
 *
 * dW[i, j, c, o] = sum over n, y, x of  in[n, y*sh + i - top, x*sw + j - left, c] * dy[n, y, x, o]
 *
 * One pass over the output positions in the order the forward Conv2D of this backend uses,
 * so the innermost loop runs over contiguous output channels of dy and dW (NHWC). The
 * sums are kept in float64 and rounded once, as the stock kernel does: the result equals
 * it up to float64 summation order (far below one float32 rounding). Composing the
 * gradient as one cpu Conv2D of transposed operands (the wasm package's algebra) was
 * measured no faster, needs two full transposes of x and dy, and sums in float32.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { CPU, output, values } from './cpu-values.js';

type Shape4 = [number, number, number, number];

/** Element strides of a rank-4 tensor as [batch, row, column, channel]. */
function strides4(shape: number[], channelsLast: boolean): Shape4 {
  const [b, s1, s2] = util.computeStrides(shape) as [number, number, number];
  return channelsLast ? [b, s1, s2, 1] : [b, s2, 1, s1];
}

function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: MathBackendCPU;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`Conv2DBackpropFilter (cpu): x and dy must be rank 4, got x [${x.shape}] and dy [${dy.shape}]`);
  }
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode, false, format,
  );
  if (!util.arraysEqual(dy.shape, info.outShape)) {
    throw new Error(
      `Conv2DBackpropFilter (cpu): dy is [${dy.shape}] but x [${x.shape}] with filter [${filterShape}], ` +
        `strides ${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} gives [${info.outShape}]`,
    );
  }
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const channelsLast = format === 'channelsLast';
  const [xB, xR, xC, xD] = strides4(x.shape, channelsLast);
  const [dyB, dyR, dyC, dyD] = strides4(dy.shape, channelsLast);
  const xVals = values(backend, x);
  const dyVals = values(backend, dy);
  const sums = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);

  for (let b = 0; b < batchSize; ++b) {
    for (let yR = 0; yR < outHeight; ++yR) {
      for (let wR = 0; wR < filterHeight; ++wR) {
        const row = yR * strideHeight + wR - top;
        if (row < 0 || row >= inHeight) continue;
        for (let yC = 0; yC < outWidth; ++yC) {
          const dyOffset = b * dyB + yR * dyR + yC * dyC;
          for (let wC = 0; wC < filterWidth; ++wC) {
            const col = yC * strideWidth + wC - left;
            if (col < 0 || col >= inWidth) continue;
            const xOffset = b * xB + row * xR + col * xC;
            let wOffset = (wR * filterWidth + wC) * inChannels * outChannels;
            for (let d1 = 0; d1 < inChannels; ++d1, wOffset += outChannels) {
              const xVal = xVals[xOffset + d1 * xD]!;
              for (let d2 = 0; d2 < outChannels; ++d2) {
                const at = wOffset + d2;
                sums[at] = sums[at]! + xVal * dyVals[dyOffset + d2 * dyD]!;
              }
            }
          }
        }
      }
    }
  }
  return output(backend, info.filterShape, 'float32', Float32Array.from(sums));
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: CPU,
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
