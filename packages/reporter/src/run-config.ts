/**
 * A run configuration: what must be equal for two runs' accuracies and times to be
 * comparable. Results are grouped by it, and every table states it, because a short run
 * (`--epochs 1 --train-limit ...`) is not the SPEC.md experiment and must not read as one.
 */
import { MODEL_SPECS, type ModelName, type Result } from '@rosetta/harness';
import { integer } from './format.js';

export interface RunConfig {
  readonly model: ModelName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly seed: number;
  readonly dropout: boolean;
  readonly dataset: Result['dataset'];
}

export interface RunGroup<T> {
  readonly config: RunConfig;
  /** The members that ran (ok or failed) with this configuration, in the order given. */
  readonly members: readonly T[];
}

export function runConfig(result: Result): RunConfig {
  const { model, epochs, batchSize, trainSamples, testSamples, seed, dropout, dataset } = result;
  return { model, epochs, batchSize, trainSamples, testSamples, seed, dropout, dataset };
}

function key(config: RunConfig): string {
  const { model, epochs, batchSize, trainSamples, testSamples, seed, dropout, dataset } = config;
  return JSON.stringify([model, epochs, batchSize, trainSamples, testSamples, seed, dropout, dataset?.sha256 ?? null]);
}

/**
 * Groups what ran (ok or failed; each member by its first run) by configuration. The main
 * configuration, the one the overview tabulates, comes first: the one most members share;
 * on a tie the SPEC.md run, then the longer run (epochs x training samples, then test samples).
 */
export function groupByConfig<T extends { readonly runs: readonly Result[] }>(members: readonly T[]): RunGroup<T>[] {
  const groups = new Map<string, { config: RunConfig; members: T[] }>();
  for (const member of members) {
    const first = member.runs[0];
    if (!first || first.status === 'unavailable') continue;
    const config = runConfig(first);
    const id = key(config);
    const group = groups.get(id) ?? { config, members: [] };
    group.members.push(member);
    groups.set(id, group);
  }
  const work = (c: RunConfig) => c.epochs * c.trainSamples;
  return [...groups.values()].sort(
    (a, b) =>
      b.members.length - a.members.length ||
      Number(isSpecRun(b.config)) - Number(isSpecRun(a.config)) ||
      work(b.config) - work(a.config) ||
      b.config.testSamples - a.config.testSamples,
  );
}

/** Full upstream sizes and the batches SPEC.md trains on, for the "not the SPEC" note. */
const SPEC_SIZES: Record<ModelName, { train: number; test: number }> = {
  cnn: { train: 50_000, test: 10_000 },
  rnn: { train: 25_000, test: 25_000 },
};

/** True when this configuration is the full SPEC.md experiment. */
export function isSpecRun(config: RunConfig): boolean {
  const spec = MODEL_SPECS[config.model];
  const sizes = SPEC_SIZES[config.model];
  const fullBatches = (count: number) => Math.floor(count / spec.batchSize) * spec.batchSize;
  return (
    config.epochs === spec.epochs &&
    config.batchSize === spec.batchSize &&
    config.dataset?.subset === false &&
    config.trainSamples >= fullBatches(sizes.train) &&
    config.testSamples >= fullBatches(sizes.test)
  );
}

/** One sentence: what ran, on which data, and how it differs from SPEC.md. */
export function describeConfig(config: RunConfig): string {
  const spec = MODEL_SPECS[config.model];
  const sizes = SPEC_SIZES[config.model];
  const dataset = config.dataset
    ? `${config.dataset.name} (${config.dataset.subset ? 'subset' : 'full upstream'}, ${config.dataset.format}, from \`${config.dataset.source}\`)`
    : 'no dataset recorded';
  const what =
    `${config.epochs} epoch${config.epochs === 1 ? '' : 's'} × batch ${config.batchSize}, ` +
    `${integer(config.trainSamples)} training / ${integer(config.testSamples)} test samples, ${dataset}, ` +
    `seed ${config.seed}, dropout ${config.dropout ? 'on' : 'off'}.`;
  const specText = `SPEC.md: ${spec.epochs} epochs × batch ${spec.batchSize} on the full ${integer(sizes.train)} / ${integer(sizes.test)} samples`;
  return isSpecRun(config) ? `${what} This is the ${specText.replace('SPEC.md: ', 'SPEC.md run: ')}.` : `${what} **Not the SPEC.md run** (${specText}): compare these numbers with each other, not with the reference results.`;
}
