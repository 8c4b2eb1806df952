/**
 * Named run sizes. `full` is SPEC.md; `quick` is what to try first: a full run is minutes
 * on a GPU but hours on two CPU cores. Explicit --epochs / --train-limit / --test-limit
 * override the preset's values.
 */
import { MODEL_SPECS, type ModelName } from '@rosetta/harness';

export interface Preset {
  readonly description: string;
  epochs(model: ModelName): number;
  /** Samples taken from the start of each split; undefined means all. */
  readonly trainLimit?: number;
  readonly testLimit?: number;
}

export const PRESETS: Readonly<Record<'quick' | 'full', Preset>> = {
  quick: {
    description: '1 epoch on the first 4,096 training samples (64 steps), evaluated on every test sample',
    epochs: () => 1,
    trainLimit: 4096,
  },
  full: {
    description: 'SPEC.md: every sample, 10 epochs for the CNN and 3 for the GRU',
    epochs: (model: ModelName) => MODEL_SPECS[model].epochs,
  },
};

export type PresetName = keyof typeof PRESETS;

export function presetNames(): PresetName[] {
  return Object.keys(PRESETS) as PresetName[];
}

export function presetHelp(): string {
  return presetNames()
    .map((name) => `  ${name.padEnd(6)} ${PRESETS[name].description}`)
    .join('\n');
}
