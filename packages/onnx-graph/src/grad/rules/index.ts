import type { GradConfig } from '../registry.js';
import * as elementwise from './elementwise.js';
import * as indexing from './indexing.js';
import * as linalg from './linalg.js';
import * as nn from './nn.js';
import * as reduce from './reduce.js';
import * as shapeOps from './shape-ops.js';

/** Every gradient rule, by op type. */
export const gradients: ReadonlyMap<string, GradConfig> = new Map(
  [elementwise, indexing, linalg, nn, reduce, shapeOps]
    .flatMap((module) => Object.values(module) as GradConfig[])
    .map((config) => [config.opType, config]),
);
