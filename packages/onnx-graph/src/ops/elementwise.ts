import { dtypeToProto, isFloat, type DType } from '../dtype.js';
import { graphOf, type Tensor } from '../graph.js';
import { broadcastShapes } from '../shape.js';
import { scalar } from './constants.js';

/** A tensor, or a plain number that becomes a scalar constant of the other operand's dtype. */
export type Operand = Tensor | number;

function binary(opType: string, a: Operand, b: Operand, outDtype?: DType): Tensor {
  const ref = typeof a === 'number' ? b : a;
  if (typeof ref === 'number') throw new Error(`onnx-graph: ${opType} needs at least one tensor operand`);
  const g = graphOf(ref, typeof b === 'number' ? null : b);
  const ta = typeof a === 'number' ? scalar(g, a, ref.dtype) : a;
  const tb = typeof b === 'number' ? scalar(g, b, ref.dtype) : b;
  if (ta.dtype !== tb.dtype) throw new Error(`onnx-graph: ${opType} of ${ta.name} (${ta.dtype}) and ${tb.name} (${tb.dtype})`);
  return g.addNode(opType, [ta, tb], {}, [{ dtype: outDtype ?? ta.dtype, shape: broadcastShapes(ta.shape, tb.shape) }])[0]!;
}

function unary(opType: string, x: Tensor, requireFloat = true): Tensor {
  if (requireFloat && !isFloat(x.dtype)) throw new Error(`onnx-graph: ${opType} needs a float tensor, got ${x.name} (${x.dtype})`);
  return x.graph.addNode(opType, [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binary('Pow', a, b);
export const greater = (a: Operand, b: Operand): Tensor => binary('Greater', a, b, 'bool');
export const equal = (a: Operand, b: Operand): Tensor => binary('Equal', a, b, 'bool');
/** Logical and of two bool tensors. */
export const and = (a: Tensor, b: Tensor): Tensor => binary('And', a, b, 'bool');

export const neg = (x: Tensor): Tensor => unary('Neg', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const exp = (x: Tensor): Tensor => unary('Exp', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
export const identity = (x: Tensor): Tensor => unary('Identity', x, false);

/** Sum of any number of same-dtype tensors (ONNX Sum, with broadcasting). */
export function sum(terms: readonly Tensor[]): Tensor {
  const [first, ...rest] = terms;
  if (first === undefined) throw new Error('onnx-graph: sum of no tensors');
  if (rest.length === 0) return first;
  const shape = rest.reduce<readonly (number | string)[]>((s, t) => broadcastShapes(s, t.shape), first.shape);
  return graphOf(...terms).addNode('Sum', terms, {}, [{ dtype: first.dtype, shape }])[0]!;
}

/** Elementwise choice: `condition ? a : b`. */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const ref = typeof a === 'number' ? b : a;
  if (typeof ref === 'number') throw new Error('onnx-graph: Where needs at least one tensor value');
  const g = graphOf(condition, ref, typeof b === 'number' ? null : b);
  const ta = typeof a === 'number' ? scalar(g, a, ref.dtype) : a;
  const tb = typeof b === 'number' ? scalar(g, b, ref.dtype) : b;
  const shape = broadcastShapes(condition.shape, broadcastShapes(ta.shape, tb.shape));
  return g.addNode('Where', [condition, ta, tb], {}, [{ dtype: ta.dtype, shape }])[0]!;
}

export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  return x.graph.addNode('Cast', [x], { to: dtypeToProto(to) }, [{ dtype: to, shape: x.shape }])[0]!;
}
