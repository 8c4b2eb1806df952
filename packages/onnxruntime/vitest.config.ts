import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Each test file builds ONNX Runtime sessions that already use every core (intra-op threads =
// cores): running the files side by side would only make them contend.
export default mergeConfig(shared, { test: { fileParallelism: false } });
