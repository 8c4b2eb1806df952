/** Option parsers shared by the subcommands, so every command rejects bad numbers alike. */
import { InvalidArgumentError } from 'commander';
import type { ModelName } from '@rosetta/harness';

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return number;
}

export function nonNegativeInteger(value: string): number {
  return value === '0' ? 0 : positiveInteger(value);
}

export function integer(value: string): number {
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return number;
}

/** "cnn", "rnn" or a comma-separated list of them, in the order given, without repeats. */
export function modelList(value: string): ModelName[] {
  const models = value.split(',').map((m) => m.trim());
  for (const model of models) {
    if (model !== 'cnn' && model !== 'rnn') throw new InvalidArgumentError(`unknown model "${model}" (expected cnn, rnn or cnn,rnn)`);
  }
  return [...new Set(models as ModelName[])];
}

/** A comma-separated list of names, in order, without repeats. */
export function nameList(value: string): string[] {
  const names = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  if (names.length === 0) throw new InvalidArgumentError(`expected one or more comma-separated names, got "${value}"`);
  return names;
}
