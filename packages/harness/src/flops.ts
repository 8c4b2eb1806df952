/**
 * The arithmetic of one training step, counted from SPEC.md's shapes: what a backend's achieved
 * GFLOP/s (`rosetta bench`) divides by. A FLOP is a multiply or an add, so a multiply-add of a
 * convolution or matrix product counts 2. Only those products are counted: activations, pooling,
 * dropout, the loss and the optimiser's update touch each element a few times (memory-bound, under
 * 1 % of the CNN's arithmetic), and no backend's time is judged by them.
 *
 * A layer computing y = x W (a dense layer, a convolution over its output positions, a GRU's
 * products with its kernels) costs F = 2 * (multiply-adds) forward; training adds the weight
 * gradient dW = x^T dy, another F, and the input gradient dx = dy W^T, another F where x needs a
 * gradient. The data needs none: conv1 has no input gradient (nor the embedding lookup, whose
 * gradient is a scatter of rows, no product), and neither has the GRU's first product with its
 * state, h_0 R_zr, h_0 being the zero state (the product (r h_0) R_h keeps its input gradient, through
 * which the reset gate's flows). packages/onnxruntime's flops.test.ts counts the products of the
 * generated training graphs and finds exactly this.
 */
import { CNN_SPEC, RNN_SPEC, type ModelName } from './spec.js';

export interface LayerFlops {
  readonly layer: string;
  /** Multiply-adds of the forward pass per sample, and so of the weight gradient. */
  readonly multiplyAdds: number;
  /** Multiply-adds of the input gradient per sample: as many, or fewer where the input needs none. */
  readonly inputGradient: number;
}

export function layerFlops(model: ModelName): LayerFlops[] {
  if (model === 'cnn') {
    const { imageSize: size, channels, kernelSize, blockFilters: [f1, f2], flattenSize, denseUnits, classes } = CNN_SPEC;
    const taps = kernelSize * kernelSize;
    const half = size / 2;
    const layer = (name: string, multiplyAdds: number, input = true): LayerFlops => ({ layer: name, multiplyAdds, inputGradient: input ? multiplyAdds : 0 });
    return [
      layer('conv1', size * size * f1 * channels * taps, false),
      layer('conv2', size * size * f1 * f1 * taps),
      layer('conv3', half * half * f2 * f1 * taps),
      layer('conv4', half * half * f2 * f2 * taps),
      layer('dense1', flattenSize * denseUnits),
      layer('dense2', denseUnits * classes),
    ];
  }
  const { sequenceLength: steps, embeddingSize, units, classes } = RNN_SPEC;
  const [zr, h] = [2 * units, units];
  return [
    // The gates' products with the input (x W) and with the state (h R), every time step.
    { layer: 'gru input kernel', multiplyAdds: steps * embeddingSize * (zr + h), inputGradient: steps * embeddingSize * (zr + h) },
    { layer: 'gru recurrent kernel (z, r)', multiplyAdds: steps * units * zr, inputGradient: (steps - 1) * units * zr },
    { layer: 'gru recurrent kernel (h)', multiplyAdds: steps * units * h, inputGradient: steps * units * h },
    { layer: 'dense', multiplyAdds: units * classes, inputGradient: units * classes },
  ];
}

/** FLOPs of one sample's forward pass. */
export function forwardFlops(model: ModelName): number {
  return layerFlops(model).reduce((sum, l) => sum + 2 * l.multiplyAdds, 0);
}

/** FLOPs of one training step of `batchSize` samples: forward, backward and nothing else. */
export function trainingStepFlops(model: ModelName, batchSize: number): number {
  return batchSize * layerFlops(model).reduce((sum, l) => sum + 2 * (2 * l.multiplyAdds + l.inputGradient), 0);
}
