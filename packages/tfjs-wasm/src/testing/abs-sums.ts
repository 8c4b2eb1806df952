/**
 * S = sum of |products| for every output element of the kernels under test, in float64,
 * straight from each operation's definition. It scales the float32 bound
 * (float32-bound.ts); it is not the reference result, which comes from the cpu backend.
 */
import type { HostTensor } from './backends.js';

function dims4(t: HostTensor): [number, number, number, number] {
  const [a, b, c, d] = t.shape;
  if (d === undefined || t.shape.length !== 4) throw new Error(`expected rank 4, got [${t.shape}]`);
  return [a!, b!, c!, d];
}

export interface ConvGeometry {
  readonly strides: readonly [number, number];
  readonly top: number;
  readonly left: number;
}

/**
 * Every (output position, kernel tap) pair of a convolution that lands inside the input, as
 * flat row offsets: dyRow into dy [n, oh, ow, co], xRow into x [n, h, w, ci], and the tap
 * (i, j). Both gradients' sums walk the same pairs.
 */
function forEachTap(
  [n, h, w]: readonly number[], [oh, ow, co]: readonly number[], [kh, kw, ci]: readonly number[], g: ConvGeometry,
  visit: (dyRow: number, xRow: number, i: number, j: number) => void,
): void {
  for (let b = 0; b < n!; b++) {
    for (let y = 0; y < oh!; y++) {
      for (let xx = 0; xx < ow!; xx++) {
        const dyRow = ((b * oh! + y) * ow! + xx) * co!;
        for (let i = 0; i < kh!; i++) {
          const r = y * g.strides[0] + i - g.top;
          if (r < 0 || r >= h!) continue;
          for (let j = 0; j < kw!; j++) {
            const col = xx * g.strides[1] + j - g.left;
            if (col < 0 || col >= w!) continue;
            visit(dyRow, ((b * h! + r) * w! + col) * ci!, i, j);
          }
        }
      }
    }
  }
}

/** For Conv2DBackpropFilter, NHWC: S[i, j, c, o] = sum |x[n, y*sh+i-top, x*sw+j-left, c]| |dy[n, y, x, o]|. */
export function filterGradAbsSums(
  x: HostTensor, dy: HostTensor, kh: number, kw: number, g: ConvGeometry,
): Float64Array {
  const [n, h, w, ci] = dims4(x);
  const [, oh, ow, co] = dims4(dy);
  const out = new Float64Array(kh * kw * ci * co);
  forEachTap([n, h, w], [oh, ow, co], [kh, kw, ci], g, (dyRow, xRow, i, j) => {
    for (let c = 0; c < ci; c++) {
      const xv = Math.abs(x.data[xRow + c]!);
      const base = ((i * kw + j) * ci + c) * co;
      for (let o = 0; o < co; o++) out[base + o]! += xv * Math.abs(dy.data[dyRow + o]!);
    }
  });
  return out;
}

/** For Conv2DBackpropInput, NHWC: every |dy[n, y, x, o]| |W[i, j, c, o]| lands on dx[n, y*sh+i-top, x*sw+j-left, c]. */
export function inputGradAbsSums(
  dy: HostTensor, filter: HostTensor, inputShape: readonly number[], g: ConvGeometry,
): Float64Array {
  const [n, oh, ow, co] = dims4(dy);
  const [kh, kw, ci] = dims4(filter);
  const [, h, w] = inputShape as [number, number, number, number];
  const out = new Float64Array(n * h * w * ci);
  forEachTap([n, h, w], [oh, ow, co], [kh, kw, ci], g, (dyRow, outRow, i, j) => {
    for (let c = 0; c < ci; c++) {
      const wRow = ((i * kw + j) * ci + c) * co;
      let s = 0;
      for (let o = 0; o < co; o++) s += Math.abs(dy.data[dyRow + o]! * filter.data[wRow + o]!);
      out[outRow + c]! += s;
    }
  });
  return out;
}

/** For a rank-3 BatchMatMul (batch 1 broadcasts): S = |op(a)| |op(b)|. */
export function matMulAbsSums(a: HostTensor, b: HostTensor, transposeA: boolean, transposeB: boolean): Float64Array {
  const [ba, ra, ca] = a.shape as [number, number, number];
  const [bb, rb, cb] = b.shape as [number, number, number];
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const nOut = transposeB ? rb : cb;
  const batch = Math.max(ba, bb);
  const out = new Float64Array(batch * m * nOut);
  const at = (t: HostTensor, bt: number, rows: number, cols: number, r: number, c: number, flip: boolean) =>
    Math.abs(t.data[(bt * rows + (flip ? c : r)) * cols + (flip ? r : c)]!);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          s += at(a, ba === 1 ? 0 : p, ra, ca, i, q, transposeA) * at(b, bb === 1 ? 0 : p, rb, cb, q, j, transposeB);
        }
        out[(p * m + i) * nOut + j] = s;
      }
    }
  }
  return out;
}

/** For UnsortedSegmentSum of rows: S[s, :] = sum of |x[i, :]| over i with ids[i] = s; also the largest count. */
export function segmentAbsSums(
  x: HostTensor, ids: Int32Array, numSegments: number,
): { absSums: Float64Array; maxCount: number } {
  const width = x.data.length / ids.length;
  const absSums = new Float64Array(numSegments * width);
  const counts = new Int32Array(numSegments);
  ids.forEach((id, i) => {
    counts[id]!++;
    for (let c = 0; c < width; c++) absSums[id * width + c]! += Math.abs(x.data[i * width + c]!);
  });
  return { absSums, maxCount: Math.max(...counts) };
}

export interface PoolGeometry {
  readonly filter: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly top: number;
  readonly left: number;
}

/**
 * For MaxPoolGrad, NHWC: every |dy| lands on the first maximum of its window (row-major
 * window order, strictly greater: the cpu backend's rule); also the largest number of
 * windows that send to one element (K of the bound).
 */
export function maxPoolGradAbsSums(
  x: HostTensor, dy: HostTensor, g: PoolGeometry,
): { absSums: Float64Array; maxCount: number } {
  const [n, h, w, c] = dims4(x);
  const [, oh, ow] = dims4(dy);
  const absSums = new Float64Array(x.data.length);
  const counts = new Int32Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < g.filter[0]; i++) {
            const r = y * g.strides[0] + i - g.top;
            if (r < 0 || r >= h) continue;
            for (let j = 0; j < g.filter[1]; j++) {
              const col = xx * g.strides[1] + j - g.left;
              if (col < 0 || col >= w) continue;
              const index = ((b * h + r) * w + col) * c + ch;
              if (x.data[index]! > best) {
                best = x.data[index]!;
                at = index;
              }
            }
          }
          if (at < 0) continue;
          absSums[at]! += Math.abs(dy.data[((b * oh + y) * ow + xx) * c + ch]!);
          counts[at]!++;
        }
      }
    }
  }
  return { absSums, maxCount: counts.reduce((a, b) => Math.max(a, b), 1) };
}
