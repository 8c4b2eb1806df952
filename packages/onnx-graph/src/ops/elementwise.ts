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
export const greaterOrEqual = (a: Operand, b: Operand): Tensor => binary('GreaterOrEqual', a, b, 'bool');
export const less = (a: Operand, b: Operand): Tensor => binary('Less', a, b, 'bool');
export const equal = (a: Operand, b: Operand): Tensor => binary('Equal', a, b, 'bool');
/** Logical and of two bool tensors. */
export const and = (a: Tensor, b: Tensor): Tensor => binary('And', a, b, 'bool');

export const neg = (x: Tensor): Tensor => unary('Neg', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const exp = (x: Tensor): Tensor => unary('Exp', x);
export const log = (x: Tensor): Tensor => unary('Log', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
export const identity = (x: Tensor): Tensor => unary('Identity', x, false);

/**
 * Sum of any number of same-dtype tensors (ONNX Sum, with broadcasting). On a target without a Sum
 * kernel, pairs of terms are added level by level, a balanced tree of Adds.
 */
export function sum(terms: readonly Tensor[]): Tensor {
  const [first, ...rest] = terms;
  if (first === undefined) throw new Error('onnx-graph: sum of no tensors');
  if (rest.length === 0) return first;
  const g = graphOf(...terms);
  if (!g.supports('Sum')) {
    const pairs: Tensor[] = [];
    for (let i = 0; i < terms.length; i += 2) pairs.push(i + 1 < terms.length ? add(terms[i]!, terms[i + 1]!) : terms[i]!);
    return sum(pairs);
  }
  const shape = rest.reduce<readonly (number | string)[]>((s, t) => broadcastShapes(s, t.shape), first.shape);
  return g.addNode('Sum', terms, {}, [{ dtype: first.dtype, shape }])[0]!;
}

const gradientStops = new WeakSet<Tensor>();

/**
 * `x`, as a value the gradient does not flow through (tf.stop_gradient): an Identity node whose
 * output `grad` treats as a constant. For shifts that change no derivative, such as the maximum
 * subtracted before an exponential.
 */
export function stopGradient(x: Tensor): Tensor {
  const y = x.graph.addNode('Identity', [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0]!;
  gradientStops.add(y);
  return y;
}

export function isGradientStop(t: Tensor): boolean {
  return gradientStops.has(t);
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
