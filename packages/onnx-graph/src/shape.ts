import type { Dim, Shape } from './graph.js';

/** Numpy-style broadcast of two shapes (what ONNX Add, Mul, Where, Expand... do). */
export function broadcastShapes(a: Shape, b: Shape): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === 1) out.push(db);
    else if (db === 1 || da === db) out.push(da);
    else throw new Error(`onnx-graph: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`onnx-graph: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Multiplies dims that may be symbolic; a symbolic factor makes the result symbolic. */
export function dimProduct(dims: Shape): Dim {
  if (dims.every((d) => typeof d === 'number')) return product(dims as number[]);
  return dims.join('*');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
