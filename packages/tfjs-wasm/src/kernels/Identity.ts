/**
 * Identity on wasm as a second reference to the same data, as the cpu backend does. The
 * stock kernel allocates and copies; the engine runs Identity to clone every tensor it
 * keeps for the backward pass (a training step of the GRU clones 5,000+ of them, the CNN
 * its activations). TF.js never writes into a tensor's data after the kernel that made it
 * returns, so sharing is safe; the backend's reference count (as its Reshape uses) frees
 * the data when the last tensor on it is disposed. String tensors go to the stock kernel.
 */
import { Identity, type IdentityInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM } from './wasm-kernel-calls.js';

/** `stock` is the wasm backend's own Identity, kept for string tensors. */
export function identityConfig(stock: KernelConfig): KernelConfig {
  const identity = (args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...stock, kernelName: Identity, backendName: WASM, kernelFunc: identity as unknown as KernelFunc };
}
