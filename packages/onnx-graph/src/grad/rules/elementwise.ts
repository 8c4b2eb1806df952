// Gradients of elementwise ops. Binary ops broadcast, so each operand's gradient is summed back
// to the operand's own shape (sumToShape).
import { cast, div, mul, sub, where, greater } from '../../ops/elementwise.js';
import { isFloat } from '../../dtype.js';
import { sumToShape } from '../unbroadcast.js';
import { ifNeeded, negatedShare, operand, type GradConfig } from '../registry.js';

export const addGrad: GradConfig = {
  opType: 'Add',
  gradFunc: (node, [dy], { needs }) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    return [ifNeeded(needs[0], () => sumToShape(dy!, a.shape)), ifNeeded(needs[1], () => sumToShape(dy!, b.shape))];
  },
};

export const subGrad: GradConfig = {
  opType: 'Sub',
  gradFunc: (node, [dy], { needs }) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    return [ifNeeded(needs[0], () => sumToShape(dy!, a.shape)), ifNeeded(needs[1], () => negatedShare(sumToShape(dy!, b.shape)))];
  },
};

export const mulGrad: GradConfig = {
  opType: 'Mul',
  gradFunc: (node, [dy], { needs }) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    return [ifNeeded(needs[0], () => sumToShape(mul(dy!, b), a.shape)), ifNeeded(needs[1], () => sumToShape(mul(dy!, a), b.shape))];
  },
};

/** y = a / b: dy/da = 1 / b, dy/db = -a / b^2 = -y / b. */
export const divGrad: GradConfig = {
  opType: 'Div',
  gradFunc: (node, [dy], { needs }) => {
    const [a, b] = [operand(node.inputs, 0, node), operand(node.inputs, 1, node)];
    const y = operand(node.outputs, 0, node);
    const dyOverB = div(dy!, b);
    return [ifNeeded(needs[0], () => sumToShape(dyOverB, a.shape)), ifNeeded(needs[1], () => negatedShare(sumToShape(mul(dyOverB, y), b.shape)))];
  },
};

export const sumGrad: GradConfig = {
  opType: 'Sum',
  gradFunc: (node, [dy], { needs }) => node.inputs.map((x, i) => ifNeeded(needs[i], () => sumToShape(dy!, x!.shape))),
};

export const negGrad: GradConfig = { opType: 'Neg', gradFunc: (_node, [dy]) => [negatedShare(dy!)] };

export const identityGrad: GradConfig = { opType: 'Identity', gradFunc: (_node, [dy]) => [dy!] };

/**
 * Relu passes the gradient where its output is positive (the kink at 0 gets 0): dy times the
 * 0/1 mask (y > 0) cast to dy's type. Not Where(y > 0, dy, 0): ONNX Runtime's CPU Where is a
 * single-threaded loop, 4.5 ms at the CNN's largest activation [64, 50, 32, 32] with one or two
 * intra-op threads, where Greater, Cast and Mul take 3.3 and 2.5 (README.md).
 */
export const reluGrad: GradConfig = {
  opType: 'Relu',
  gradFunc: (node, [dy]) => [mul(dy!, cast(greater(operand(node.outputs, 0, node), 0), dy!.dtype))],
};

/** sigmoid' = y (1 - y), written with the output so the forward value is reused. */
export const sigmoidGrad: GradConfig = {
  opType: 'Sigmoid',
  gradFunc: (node, [dy]) => {
    const y = operand(node.outputs, 0, node);
    return [mul(dy!, mul(y, sub(1, y)))];
  },
};

/** tanh' = 1 - y^2. */
export const tanhGrad: GradConfig = {
  opType: 'Tanh',
  gradFunc: (node, [dy]) => {
    const y = operand(node.outputs, 0, node);
    return [mul(dy!, sub(1, mul(y, y)))];
  },
};

export const expGrad: GradConfig = {
  opType: 'Exp',
  gradFunc: (node, [dy]) => [mul(dy!, operand(node.outputs, 0, node))],
};

/** log' = 1 / x. */
export const logGrad: GradConfig = {
  opType: 'Log',
  gradFunc: (node, [dy]) => [div(dy!, operand(node.inputs, 0, node))],
};

/** sqrt' = 1 / (2 y). */
export const sqrtGrad: GradConfig = {
  opType: 'Sqrt',
  gradFunc: (node, [dy]) => [div(dy!, mul(operand(node.outputs, 0, node), 2))],
};

/** A cast between float types passes the gradient back in the input's type; integer inputs get none. */
export const castGrad: GradConfig = {
  opType: 'Cast',
  gradFunc: (node, [dy]) => {
    const x = operand(node.inputs, 0, node);
    return [isFloat(x.dtype) ? cast(dy!, x.dtype) : null];
  },
};

/** Where routes the gradient to the branch that was chosen; the condition gets none. */
export const whereGrad: GradConfig = {
  opType: 'Where',
  gradFunc: (node, [dy], { needs }) => {
    const [c, a, b] = [0, 1, 2].map((i) => operand(node.inputs, i, node));
    return [null, ifNeeded(needs[1], () => sumToShape(where(c!, dy!, 0), a!.shape)), ifNeeded(needs[2], () => sumToShape(where(c!, 0, dy!), b!.shape))];
  },
};
