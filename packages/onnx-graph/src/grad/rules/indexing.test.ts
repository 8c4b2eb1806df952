// The embedding gradient at the GRU's real batch shape: 64 reviews x 150 tokens = 9,600 ids with
// heavy repetition (word ranks are Zipf-like). The table is cut to 3,000 rows to keep the test
// small; the rows per id is the real 125.
import { describe, expect, test } from 'vitest';
import * as G from '../../index.js';
import { random, session } from '../../testing/ort.js';

const [vocab, width, count] = [3000, 125, 64 * 150];
const ids = random(5, count).map((u) => Math.min(vocab - 1, Math.floor(Math.exp(((u + 1) / 2) * Math.log(vocab)))));
const dy = Float32Array.from(random(6, count * width));

/** Each row's sum in float64 (its own error, below 1e-12 here, is negligible next to float32's). */
function float64Sums(): Float64Array {
  const table = new Float64Array(vocab * width);
  ids.forEach((id, n) => {
    for (let d = 0; d < width; d++) table[id * width + d]! += dy[n * width + d]!;
  });
  return table;
}

/**
 * How far the rule's float64 prefix sums may be off before rounding to float32: each prefix sum
 * of up to `count` rows carries at most count * 2^-53 * max |prefix| of rounding, and a row's sum
 * is the difference of two. The largest prefix magnitude is bounded by the sum of |dy| per column.
 */
function prefixErrorBound(): number {
  let largest = 0;
  for (let d = 0; d < width; d++) {
    let total = 0;
    for (let n = 0; n < count; n++) total += Math.abs(dy[n * width + d]!);
    largest = Math.max(largest, total);
  }
  return 2 * count * 2 ** -53 * largest;
}

/** Half a float32 ulp of v: the most rounding v to float32 may move it. */
function halfUlp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -150;
  return 2 ** (Math.floor(Math.log2(a)) - 24);
}

describe('Gather gradient (sorted float64 prefix sums, ScatterND)', () => {
  const exact = float64Sums();
  const slack = prefixErrorBound();
  let first: Float64Array | undefined;

  // Every row's sum is the float64 sum rounded once to float32, to within the prefix sums' own
  // rounding. A race or a lost contribution would be off by a whole dy value (~0.5). The result must
  // also be the same bits at 1, 2 and 16 intra-op threads (16 oversubscribe 2 cores, so that thread
  // interleavings vary), run after run: positions sharing an id write identical rows.
  for (const threads of [1, 2, 16]) {
    test(`is the float64 segment sum rounded to float32, the same bits with ${threads} intra-op threads`, async () => {
      const g = new G.Graph('embedding_grad');
      const table = g.input('table', 'float32', [vocab, width]);
      const tokens = g.input('ids', 'int64', [64, 150]);
      const looked = G.gather(table, tokens);
      const seed = g.input('dy', 'float32', [64, 150, width]);
      const [dTable] = G.grad(looked, [table], { seed });
      g.output(dTable!, 'dtable');
      const s = await session(g, { intraOpNumThreads: threads });
      const feeds = {
        table: { dtype: 'float32' as const, shape: [vocab, width], values: new Float32Array(vocab * width) },
        ids: { dtype: 'int64' as const, shape: [64, 150], values: ids },
        dy: { dtype: 'float32' as const, shape: [64, 150, width], values: dy },
      };
      for (let run = 0; run < 2; run++) {
        const got = (await s.run(feeds))['dtable']!;
        const off = got.findIndex((v, i) => !(Math.abs(v - exact[i]!) <= halfUlp32(exact[i]!) + slack));
        expect(off, off < 0 ? '' : `row ${Math.floor(off / width)}: ${got[off]} vs ${exact[off]}`).toBe(-1);
        first ??= got;
        expect(got.findIndex((v, i) => v !== first![i])).toBe(-1);
      }
      await s.release();
    });
  }
});
