import { describe, expect, it } from 'vitest';
import { nameList } from '../options.js';
import { benchCommand, positiveIntegerList } from './bench.js';

/** The options commander hands to the action, without running it. */
function parse(...args: string[]): Record<string, unknown> {
  const command = benchCommand().exitOverride().configureOutput({ writeErr: () => {} });
  let seen: Record<string, unknown> = {};
  command.action((options: Record<string, unknown>) => {
    seen = options;
  });
  command.parse(args, { from: 'user' });
  return seen;
}

describe('rosetta bench options', () => {
  it('has defaults for everything but the frameworks', () => {
    expect(parse('--framework', 'tfjs-wasm,onnxruntime-cpu')).toEqual({
      framework: ['tfjs-wasm', 'onnxruntime-cpu'], model: ['cnn', 'rnn'], steps: 16, warmup: 16, rounds: 3, seed: 42,
      python: 'python3', allowReferenceBlas: false, profile: false, top: 15,
    });
  });

  it('reads every option', () => {
    expect(
      parse('--framework', 'onnxruntime-cpu', '--model', 'rnn', '--steps', '8', '--warmup', '0', '--rounds', '1', '--batch-size', '16,32',
        '--threads', '1,2', '--seed', '7', '--steps-per-run', '1,8', '--reference', 'pytorch', '--python', '/usr/bin/python3',
        '--allow-reference-blas', '--profile', '--top', '5'),
    ).toEqual({
      framework: ['onnxruntime-cpu'], model: ['rnn'], steps: 8, warmup: 0, rounds: 1, batchSize: [16, 32], threads: [1, 2], seed: 7, stepsPerRun: [1, 8],
      reference: 'pytorch', python: '/usr/bin/python3', allowReferenceBlas: true, profile: true, top: 5,
    });
  });

  it('rejects what it cannot bench', () => {
    expect(() => parse()).toThrow(/required option '--framework <names>' not specified/);
    expect(() => parse('--framework', 'a', '--reference', 'tensorflow')).toThrow(/Allowed choices are pytorch/);
    expect(() => parse('--framework', 'a', '--steps', '0')).toThrow(/expected a positive integer, got "0"/);
    expect(() => parse('--framework', 'a', '--rounds', 'two')).toThrow(/expected a positive integer/);
  });

  it('splits lists, without repeats', () => {
    expect(nameList(' a, b,a ')).toEqual(['a', 'b']);
    expect(() => nameList(' , ')).toThrow('expected one or more comma-separated names');
    expect(positiveIntegerList('8,1,8')).toEqual([8, 1]);
    expect(() => positiveIntegerList('1,0')).toThrow('expected a positive integer, got "0"');
  });
});
