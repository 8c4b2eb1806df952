import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integer, modelList, positiveInteger } from './options.js';
import { PRESETS } from './presets.js';

describe('option parsers', () => {
  it('accept what they promise', () => {
    expect(positiveInteger('4096')).toBe(4096);
    expect(integer('-3')).toBe(-3);
    expect(modelList('cnn')).toEqual(['cnn']);
    expect(modelList('rnn,cnn,rnn')).toEqual(['rnn', 'cnn']);
  });

  it('reject the rest with the value in the message', () => {
    for (const bad of ['0', '-1', '1.5', '1e3', 'ten', '']) expect(() => positiveInteger(bad)).toThrow(InvalidArgumentError);
    expect(() => positiveInteger('1.5')).toThrow('expected a positive integer, got "1.5"');
    expect(() => integer('9007199254740993')).toThrow(/expected an integer/);
    expect(() => modelList('cnn,gru')).toThrow('unknown model "gru" (expected cnn, rnn or cnn,rnn)');
  });
});

describe('presets', () => {
  it('full is SPEC.md and quick is one short epoch', () => {
    expect(PRESETS.full.epochs('cnn')).toBe(10);
    expect(PRESETS.full.epochs('rnn')).toBe(3);
    expect(PRESETS.full.trainLimit).toBeUndefined();
    expect(PRESETS.quick.epochs('cnn')).toBe(1);
    expect(PRESETS.quick.trainLimit).toBe(4096);
    expect(PRESETS.quick.testLimit).toBeUndefined();
  });
});
