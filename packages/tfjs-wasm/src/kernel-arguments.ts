/**
 * Argument checks of the training kernels that Rosetta registers on more than one TF.js
 * backend (tfjs-cpu and tfjs-wasm implement them differently, but must refuse the same
 * inputs with the same messages). TF.js's own kernels trust their callers; these ones
 * carry gradients, so a wrong shape or id must fail loudly instead of training on garbage.
 *
 * They live here, with the kernels the wasm backend lacks and this package adds. tfjs-cpu,
 * whose faster replacements of the same kernels must agree, reads them through the
 * `@rosetta/tfjs-wasm/kernel-arguments` entry, which loads nothing but tfjs-core. Not the
 * other way round: tfjs-cpu already depended on tfjs-wasm (its tests compare the two
 * backends), so tfjs-wasm cannot depend on tfjs-cpu without a cycle.
 */
import { backend_util, util, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

/** The forward convolution's geometry, after checking that dy is its output's shape. */
export function conv2DBackpropFilterInfo(
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(
      `Conv2DBackpropFilter (${backendName}): x and dy must be rank 4, got x [${x.shape}] and dy [${dy.shape}]`,
    );
  }
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode, false, format);
  if (!util.arraysEqual(dy.shape, info.outShape)) {
    throw new Error(
      `Conv2DBackpropFilter (${backendName}): dy is [${dy.shape}] but x [${x.shape}] with filter [${filterShape}], ` +
        `strides ${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} gives [${info.outShape}]`,
    );
  }
  return info;
}

/** Checks UnsortedSegmentSum's inputs; `ids` are the segment ids' values, each must lie in [0, numSegments). */
export function checkSegmentSum(
  backendName: string,
  x: TensorInfo,
  segmentIds: TensorInfo,
  ids: ArrayLike<number>,
  numSegments: number,
): void {
  const name = `UnsortedSegmentSum (${backendName})`;
  if (segmentIds.dtype !== 'int32') throw new Error(`${name}: segmentIds must be int32, got ${segmentIds.dtype}`);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${name}: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  if (segmentIds.shape.length > x.shape.length || !segmentIds.shape.every((d, i) => d === x.shape[i])) {
    throw new Error(`${name}: segmentIds [${segmentIds.shape}] must be a prefix of x's shape [${x.shape}]`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) throw new Error(`${name}: segmentIds[${i}] = ${id} is outside [0, ${numSegments})`);
  }
}
