// The max-pool gradient where windows tie. Finite differences cannot check that (a tie is a kink),
// so this compares with what MaxPool's own Indices say: MaxUnpool of the output gradient at the
// Indices of a MaxPool over the same input, at the CNN's first pooling shape cut to 8 images, at 1
// and 2 intra-op threads. ReLU outputs on a coarse grid make ties common (a zero window is all ties).
import { describe, expect, test } from 'vitest';
import * as G from '../../index.js';
import { random, session } from '../../testing/ort.js';

const shape = [8, 50, 32, 32];
const pooled = [8, 50, 16, 16];
const count = shape.reduce((a, b) => a * b, 1);
const x = random(11, count).map((u) => Math.max(0, Math.round(u * 4) / 4));
const dy = random(12, count / 4);

describe('MaxPool gradient on ties', () => {
  for (const threads of [1, 2]) {
    test(`goes to the first maximum of each window, where MaxPool's Indices point (${threads} intra-op threads)`, async () => {
      const g = new G.Graph('maxpool_ties');
      const input = g.input('x', 'float32', shape);
      const seed = g.input('dy', 'float32', pooled);
      const [dInput] = G.grad(G.maxPool(input, { kernelShape: [2, 2] }), [input], { seed });
      g.output(dInput!, 'dx');
      const [, indices] = g.addNode('MaxPool', [input], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, [
        { dtype: 'float32', shape: pooled },
        { dtype: 'int64', shape: pooled },
      ]);
      const [unpool] = g.addNode('MaxUnpool', [seed, indices!, G.int64s(g, shape)], { kernel_shape: [2, 2], strides: [2, 2] }, [{ dtype: 'float32', shape }]);
      g.output(unpool!, 'unpooled');
      const s = await session(g, { intraOpNumThreads: threads });
      const out = await s.run({ x: { dtype: 'float32', shape, values: x }, dy: { dtype: 'float32', shape: pooled, values: dy } });
      await s.release();
      const ties = x.filter((v, i) => i % 2 === 0 && v === x[i + 1]).length;
      expect(ties).toBeGreaterThan(count / 8);
      // Exact: the gradient is dY moved, and MaxUnpool moves the same values.
      const [dx, unpooled] = [out['dx']!, out['unpooled']!];
      expect(dx.length).toBe(count);
      expect(dx.findIndex((v, i) => v !== unpooled[i])).toBe(-1);
    });
  }
});
