/**
 * Moves canonical weights (packages/harness/src/weights.ts) into the layers of a TF.js
 * model and back, through the bindings of layout.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor, Weights } from '@rosetta/harness';
import type { WeightBinding } from './layout.js';

export function setCanonicalWeights(
  model: tfl.LayersModel,
  bindings: readonly WeightBinding[],
  weights: Weights,
): void {
  const unbound = new Set(weights.keys());
  for (const [layerName, layerBindings] of groupByLayer(bindings)) {
    const layer = model.getLayer(layerName);
    const current = layer.getWeights();
    if (current.length !== layerBindings.length) {
      throw new Error(`layer ${layerName}: has ${current.length} weights, the layout binds ${layerBindings.length}`);
    }
    const values = layerBindings.map((binding) => {
      const canonical = weights.get(binding.canonical);
      if (canonical === undefined) throw new Error(`initial weights: missing tensor "${binding.canonical}"`);
      unbound.delete(binding.canonical);
      const converted = binding.toTfjs(canonical);
      const expected = current[binding.index]!.shape;
      if (!sameShape(converted.shape, expected)) {
        throw new Error(
          `initial weights: "${binding.canonical}" has shape [${canonical.shape.join(', ')}], ` +
            `which converts to [${converted.shape.join(', ')}] but layer ${layerName} expects [${expected.join(', ')}]`,
        );
      }
      return tf.tensor(converted.data, [...converted.shape], 'float32');
    });
    // setWeights assigns by reference counting, so the temporaries can go right away.
    layer.setWeights(values);
    tf.dispose(values);
  }
  if (unbound.size > 0) throw new Error(`initial weights: tensors the model does not have: ${[...unbound].join(', ')}`);
}

export async function getCanonicalWeights(
  model: tfl.LayersModel,
  bindings: readonly WeightBinding[],
): Promise<Map<string, Tensor>> {
  const result = new Map<string, Tensor>();
  for (const binding of bindings) {
    // getWeights returns the layer's variables themselves: read them, never dispose them.
    const variable = model.getLayer(binding.layer).getWeights()[binding.index]!;
    // A copy, read asynchronously: the cpu backend hands out the variable's own storage, and
    // a GPU backend (webgpu) cannot read synchronously in Node.js.
    const tfjs: Tensor = { shape: variable.shape, data: new Float32Array(await variable.data()) };
    result.set(binding.canonical, binding.fromTfjs(tfjs));
  }
  return result;
}

function groupByLayer(bindings: readonly WeightBinding[]): Map<string, WeightBinding[]> {
  const groups = new Map<string, WeightBinding[]>();
  for (const binding of bindings) {
    const group = groups.get(binding.layer) ?? [];
    group[binding.index] = binding;
    groups.set(binding.layer, group);
  }
  return groups;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
