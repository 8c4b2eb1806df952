// The embedding gradient at the GRU's real batch shape: 64 reviews x 150 tokens = 9,600 ids with
// heavy repetition (word ranks are Zipf-like). The table is cut to 3,000 rows to keep the test
// small; the rows per id is the real 125.
import { describe, expect, test } from 'vitest';
import * as G from '../../index.js';
import { random, session } from '../../testing/ort.js';

const [vocab, width, count] = [3000, 125, 64 * 150];
const ids = random(5, count).map((u) => Math.min(vocab - 1, Math.floor(Math.exp(((u + 1) / 2) * Math.log(vocab)))));
const dy = Float32Array.from(random(6, count * width));

/** The sum each table row must get, accumulated in float32 in id order, as a sequential loop would. */
function sequentialFloat32Sums(): Float32Array {
  const table = new Float32Array(vocab * width);
  ids.forEach((id, n) => {
    for (let d = 0; d < width; d++) table[id * width + d] = Math.fround(table[id * width + d]! + dy[n * width + d]!);
  });
  return table;
}

describe('Gather gradient (ScatterElements with reduction add)', () => {
  const expected = sequentialFloat32Sums();

  // A data race would drop or duplicate contributions to frequent rows (row 0 here gets ~1/8 of
  // all ids). Oversubscribing 2 cores with 16 threads makes interleavings likely. Bit-for-bit
  // equality with the sequential sum also shows each element's updates are added in id order.
  for (const threads of [1, 2, 16]) {
    test(`equals the sequential float32 segment sum bit for bit with ${threads} intra-op threads`, async () => {
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
        let mismatches = 0;
        for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) mismatches++;
        expect(mismatches).toBe(0);
      }
      await s.release();
    });
  }
});
