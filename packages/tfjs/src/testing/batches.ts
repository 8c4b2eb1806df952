/** Small deterministic batches in the iterator's formats, for tests. */
import type { ImageBatch, TokenBatch } from '@rosetta/data';

/** mulberry32: a tiny seeded generator, enough for test inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Images with random pixels in [0, 1), given NCHW (for the reference) and as an NHWC batch. */
export function imageBatch(size: number, seed: number): { batch: ImageBatch; nchw: Float32Array[] } {
  const next = random(seed);
  const [c, h, w] = [3, 32, 32];
  const nchw = Array.from({ length: size }, () => Float32Array.from({ length: c * h * w }, next));
  const x = new Float32Array(size * c * h * w);
  nchw.forEach((image, n) => {
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) x[((n * h + y) * w + xx) * c + ch] = image[(ch * h + y) * w + xx]!;
  });
  const y = Int32Array.from({ length: size }, () => Math.floor(next() * 10));
  return { batch: { kind: 'image', index: 0, size, layout: 'NHWC', shape: [size, h, w, c], x, y }, nchw };
}

/** Reviews of random token ids below `vocabulary`, with a zero-padded tail like the iterator's. */
export function tokenBatch(size: number, seed: number, vocabulary = 30_000, length = 150): TokenBatch {
  const next = random(seed);
  const x = new Int32Array(size * length);
  for (let n = 0; n < size; n++) {
    const real = length - Math.floor(next() * 20);
    for (let t = 0; t < real; t++) x[n * length + t] = 1 + Math.floor(next() * (vocabulary - 1));
  }
  const y = Int32Array.from({ length: size }, () => (next() < 0.5 ? 0 : 1));
  return { kind: 'tokens', index: 0, size, shape: [size, length], x, y };
}
