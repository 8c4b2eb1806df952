/**
 * Conv2DBackpropFilter for the wasm backend, which does not have it.
 *
 * dW[i, j, c, o] = sum over n, y, x of  in[n, y*sh + i - top, x*sw + j - left, c] * dy[n, y, x, o]
 *
 * Stride 1, NHWC (every convolution of the CNN): `shiftedRowProducts`, XNNPACK matrix
 * products over windows of one channel-major copy of x. Otherwise: `asConvolution`, one
 * forward convolution of transposed operands.
 */
import {
  AddN,
  BatchMatMul,
  Concat,
  Conv2D,
  Conv2DBackpropFilter,
  PadV2,
  Slice,
  type backend_util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterInfo } from '../kernel-arguments.js';
import { callWasmKernel, heapView, release, releaseView, transpose, WASM } from './wasm-kernel-calls.js';

/**
 * Positions summed per matrix product (the K of each product): large enough that a
 * product's fixed costs (packing its dy rows, the thread pool's dispatch) are small next
 * to its arithmetic, small enough that the packed dy rows stay in the L2 cache while
 * every row of x streams past them.
 */
const POSITIONS_PER_PRODUCT = 4096;

/**
 * Products with fewer rows than this (kw*C_in) take all the filter's taps instead of a row
 * of them: XNNPACK computes a few rows at a time, so a product of 9 rows runs well below
 * its speed.
 */
const MIN_PRODUCT_ROWS = 32;

/** The filter taps (i, j) in row-major order. */
function taps(kh: number, kw: number): [number, number][] {
  return Array.from({ length: kh * kw }, (_, t) => [Math.floor(t / kw), t % kw]);
}

/**
 * Stride 1, NHWC. Both operands are laid out on one grid of positions q = (image, row,
 * column) with a row stride of Wp = W + max(left, right) and an image stride of
 * R = H + max(top, bottom) rows: dy is zero-padded onto it (PadV2), and x is copied
 * once into channel-major planes on the same grid, with the padding rows and columns
 * zero. Then x at the input position of filter tap (i, j) for output position q sits at
 * q + i*Wp + j of its plane: every tap reads the same planes at a different offset, so
 *
 *   dW[i, j] = (planes shifted by i*Wp + j) [C_in, Q]  x  dy grid [Q, C_out]
 *
 * is one XNNPACK product over a window of memory (`heapView`), and nothing like im2col
 * is built. Taps share a product to make it taller (XNNPACK runs those faster): the kw
 * column taps of a row are one product with kw*C_in rows, over kw copies of the planes
 * shifted by j; with few input channels (the first layer's 3) all kh*kw taps are one
 * product, over kh*kw copies shifted by i*Wp + j. Q is cut into chunks of whole images
 * (POSITIONS_PER_PRODUCT) summed with AddN.
 *
 * Padding is shared: the zero columns after a row are the left padding of the next row,
 * the zero rows after an image the top padding of the next image. A row of a window runs
 * past the end of its plane into the next plane, or the next copy: for a nonzero dy it
 * reads only the zeros that start every plane (the top and left padding of its first
 * image, which cover the bottom and right padding of the last), and where dy is zero the
 * products add nothing whatever x holds there (for finite x). The layout is filled by hand
 * in JS because no stock kernel writes x channel-major onto a padded grid (the stock
 * Transpose is a scalar loop that alone took longer than this whole copy).
 */
function shiftedRowProducts(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, backend: BackendWasm): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cIn, outChannels: cOut } = info;
  const { outHeight, outWidth, filterHeight: kh, filterWidth: kw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const wp = w + Math.max(left, right);
  const rows = h + Math.max(top, bottom);
  const imagesPerChunk = Math.min(n, Math.max(1, Math.round(POSITIONS_PER_PRODUCT / (rows * wp))));
  const chunks = Math.ceil(n / imagesPerChunk);
  const q = imagesPerChunk * rows * wp; // positions per chunk
  const plane = q; // a channel's plane within a chunk
  const block = cIn * plane; // one copy of the planes
  const allTaps = kw * cIn < MIN_PRODUCT_ROWS;
  // tap (i, j) = copy shifted by `shifts[..]`, read from `offsets[..]` on
  const shifts = allTaps ? taps(kh, kw).map(([i, j]) => i * wp + j) : taps(1, kw).map(([, j]) => j);
  const offsets = allTaps ? [0] : taps(kh, 1).map(([i]) => i * wp);
  const chunkLength = shifts.length * block;
  const lead = top * wp + left; // zeros before a plane's first value
  // The last window of the last chunk runs up to (kh - 1) * wp + kw - 1 past its end.
  const planes = backend.makeOutput([chunks * chunkLength + kh * wp + kw], 'float32');
  const dyGrid = callWasmKernel(PadV2, { x: dy }, backend, {
    paddings: [[0, chunks * imagesPerChunk - n], [0, rows - outHeight], [0, wp - outWidth], [0, 0]],
    constantValue: 0,
  });
  // Views only after the allocations: they may grow the heap and detach older views.
  const xs = backend.typedArrayFromHeap(x);
  const out = backend.typedArrayFromHeap(planes);
  out.fill(0); // every padding value, and the tail past the last chunk
  for (let image = 0; image < n; image++) {
    const chunk = Math.floor(image / imagesPerChunk);
    const imageStart = chunk * chunkLength + lead + (image - chunk * imagesPerChunk) * rows * wp;
    for (let r = 0; r < h; r++) {
      let from = (image * h + r) * w * cIn;
      for (let s = 0, rowStart = imageStart + r * wp; s < w; s++, from += cIn) {
        for (let c = 0, to = rowStart + s; c < cIn; c++, to += plane) out[to] = xs[from + c]!;
      }
    }
  }
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * chunkLength;
    // Copy t: the planes shifted by shifts[t]. Its last shifts[t] values stay zero, as
    // the next chunk's first planes start with zeros.
    shifts.forEach((shift, t) => {
      if (t > 0) out.copyWithin(start + t * block, start + shift, start + block);
    });
  }
  const partials: TensorInfo[][] = offsets.map(() => []);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const dyRows = heapView(backend, dyGrid, chunk * q * cOut, [1, q, cOut]);
    offsets.forEach((offset, k) => {
      const xRows = heapView(backend, planes, chunk * chunkLength + offset, [1, shifts.length * cIn, q]);
      partials[k]!.push(callWasmKernel(BatchMatMul, { a: xRows, b: dyRows }, backend, { transposeA: false, transposeB: false }));
      releaseView(backend, xRows);
    });
    releaseView(backend, dyRows); // also drops XNNPACK's packed copy of these dy rows
  }
  release(backend, planes, dyGrid);
  const sums = partials.map((products) => {
    if (products.length === 1) return products[0]!;
    const sum = callWasmKernel(AddN, products, backend);
    release(backend, ...products);
    return sum;
  }); // each [1, taps * C_in, C_out]: dW[i] for a row of taps, or all of dW
  const dW = sums.length === 1 ? sums[0]! : callWasmKernel(Concat, sums, backend, { axis: 0 });
  if (sums.length > 1) release(backend, ...sums);
  return { ...dW, shape: [kh, kw, cIn, cOut] };
}

/**
 * Any stride or layout. Read with c as the batch, (H, W) as space and n as the channel,
 * the sum is one forward convolution: the input transposed to [C_in, H, W, N] convolved
 * with dy transposed to [OH, OW, N, C_out] used as the filter, stride 1, dilation = the
 * original stride, and the original top/left padding. Its output [C_in, kh, kw, C_out] is
 * transposed back to the filter layout [kh, kw, C_in, C_out].
 */
function asConvolution(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, backend: BackendWasm): TensorInfo {
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

interface Args {
  inputs: Conv2DBackpropFilterInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}

/** `asConvolution` for every case, as this kernel was before: kernel-bench-main compares the two. */
export function conv2DBackpropFilterAsConvolution(args: Args): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  return asConvolution(x, dy, conv2DBackpropFilterInfo(WASM, x, dy, args.attrs), args.backend);
}

function conv2DBackpropFilter(args: Args): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = conv2DBackpropFilterInfo(WASM, x, dy, attrs);
  const { top, bottom, left, right } = info.padInfo;
  // The grid holds dy's rows and columns if the smaller padding of each axis is less than
  // the filter (always so for 'same' and 'valid').
  const onGrid =
    info.inHeight + Math.max(top, bottom) >= info.outHeight && info.inWidth + Math.max(left, right) >= info.outWidth;
  const shifted =
    info.dataFormat === 'channelsLast' &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    onGrid;
  return (shifted ? shiftedRowProducts : asConvolution)(x, dy, info, backend);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
