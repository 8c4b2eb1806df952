import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '@rosetta/harness';
import { framework } from './index.js';

/** Where tfjs-node-gpu looks for its native addon (lib/napi-v<N>/tfjs_binding.node). */
function addonInstalled(): boolean {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json'));
  } catch {
    return false;
  }
  return [8, 9, 10].some((napi) => existsSync(join(root, 'lib', `napi-v${napi}`, 'tfjs_binding.node')));
}

describe('tfjs-node-gpu framework', () => {
  it('is installed as a package (its install script is denied, so npm keeps it offline)', () => {
    const require = createRequire(import.meta.url);
    expect(() => require.resolve('@tensorflow/tfjs-node-gpu/package.json')).not.toThrow();
  });

  it('without the native addon, load() is unavailable with the loader\'s own message', async () => {
    if (addonInstalled()) {
      // A machine with the addon (libtensorflow downloaded): load either works on a GPU or
      // says why not; both are BackendUnavailableError-or-success, never a crash.
      const outcome = await framework.load().then(
        (backend) => backend.info.backend,
        (error: unknown) => error,
      );
      expect(typeof outcome === 'string' || outcome instanceof BackendUnavailableError).toBe(true);
      return;
    }
    const attempt = framework.load();
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toThrow(/@tensorflow\/tfjs-node-gpu could not be loaded: .*tfjs_binding\.node.* can not be found/s);
  });
});
