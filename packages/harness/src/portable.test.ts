import { describe, expect, it } from 'vitest';
import { portablePath, portableStrings, portableText } from './portable.js';

const root = '/home/ada/src/rosetta';
const home = '/home/ada';

describe('portable records', () => {
  it('makes paths workspace-relative, home-relative, or keeps only their last two parts', () => {
    expect(portablePath('/home/ada/src/rosetta/results/x.json', root, home)).toBe('results/x.json');
    expect(portablePath('/home/ada/src/rosetta', root, home)).toBe('.');
    expect(portablePath('/home/ada/src/shared/datasets/imdb/a.npz', root, home)).toBe('../shared/datasets/imdb/a.npz');
    expect(portablePath('/home/ada/.cache/x/lib.so', root, home)).toBe('~/.cache/x/lib.so');
    expect(portablePath('/tmp/rosetta-e2e-abc/mirror/cifar10/c.tar.gz', root, home)).toBe('…/cifar10/c.tar.gz');
    expect(portablePath('/usr/lib/x86_64-linux-gnu/libcudnn.so.8', root, home)).toBe('/usr/lib/x86_64-linux-gnu/libcudnn.so.8');
  });

  it('finds the paths in loader messages and command lines, and leaves words, units and URLs alone', () => {
    const message =
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /home/ada/src/rosetta/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. Please run';
    expect(portableText(message, root, home)).toBe(
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. Please run',
    );
    expect(portableText('rosetta train --out /tmp/r1/out --model cnn', root, home)).toBe('rosetta train --out …/r1/out --model cnn');
    expect(portableText('Failed to load /opt/x/libonnxruntime_providers_cuda.so: invalid ELF header', root, home)).toBe(
      'Failed to load …/x/libonnxruntime_providers_cuda.so: invalid ELF header',
    );
    const untouched = 'Debian GNU/Linux 12 (Linux 6.1), 215 ms/step, https://storage.googleapis.com/tensorflow/imdb.npz, 1/2, a / b';
    expect(portableText(untouched, root, home)).toBe(untouched);
  });

  it('rewrites every string of a record, however deep', () => {
    const record = { reason: 'missing /home/ada/x', list: ['/home/ada/src/rosetta/a'], nested: { n: 3, s: '/srv/data/imdb/f.npz' } };
    expect(portableStrings(record, root, home)).toEqual({ reason: 'missing ~/x', list: ['a'], nested: { n: 3, s: '…/imdb/f.npz' } });
  });
});
