export { type DType, isFloat } from './dtype.js';
export { Graph, Tensor, graphOf, float, type Attributes, type AttributeValue, type ConstantValue, type Dim, type Node, type Shape, type TensorValues } from './graph.js';
export { OPSET, IR_VERSION, toModelProto, serializeModel, parseModel, typedArray, type ModelOptions } from './serialize.js';
export * from './ops/index.js';
export { grad } from './grad/grad.js';
export { gradients } from './grad/rules/index.js';
export type { GradConfig } from './grad/registry.js';
export { sgdMomentum, type SgdMomentumOptions, type SgdMomentumUpdate } from './optim/sgd.js';
export { adam, type AdamOptions, type AdamUpdate } from './optim/adam.js';
