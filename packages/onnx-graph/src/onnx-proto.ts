// onnx-proto ships the ONNX schema (onnx.proto of ONNX 1.10, IR version 8) as protobufjs static code
// in a CommonJS module. Node cannot see its named exports from ESM, so the value comes through the
// default import; files that need only its types import them from 'onnx-proto' directly.
import pkg from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export const onnx: typeof OnnxNamespace = pkg.onnx;
