/**
 * Where runs are filed, and the rule that no run ever destroys a good result. With
 * <run> = <framework>.<model>.<configuration> (e.g. tfjs-wasm.cnn.10ep-all):
 *
 *   <out>/<label>/<run>.json              the kept result: the first ok run of the latest
 *                                         invocation that had one (or, before any ok run,
 *                                         the latest run whatever its status)
 *   <out>/<label>/<run>.run<k>.json       further ok runs of that invocation (--repeat)
 *   <out>/<label>/<run>.failed.json       the latest run that failed (or could not run,
 *   <out>/<label>/<run>.unavailable.json  unavailable) after the kept ok result
 *
 * A label names the machine or device (results of several machines live side by side and
 * merge by copying directories); the configuration tag keeps run sizes apart (a quick run
 * never supersedes a full one). A new invocation's first ok run supersedes the older
 * invocation's runs of the same size; a failed or unavailable run is written beside them
 * and never over them. Every write is atomic, so a run killed midway leaves the files as
 * they were.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findWorkspaceRoot, writeFileAtomic } from '@rosetta/data';
import { catalogueEntry } from './catalogue.js';
import { cpuInfo } from './environment.js';
import type { Framework } from './framework.js';
import { detectGpu, type GpuInfo } from './gpu.js';
import { portableStrings } from './portable.js';
import { BENCH_RECORDS_DIR, parseResult, ResultFileError, validateResult, type Environment, type Result } from './results.js';

const NOT_OK = ['failed', 'unavailable'] as const;

/** What a run was asked to do, as far as it changes the result's meaning. */
export interface RunConfiguration {
  readonly epochs: number;
  /** Training / test samples requested (before rounding to full batches); undefined = all. */
  readonly trainLimit?: number;
  readonly testLimit?: number;
  readonly dropout: boolean;
  readonly seed: number;
  /** The dataset file is a subset of the upstream one (the offline mirror's): `all` would claim the full data. */
  readonly subset?: boolean;
}

/**
 * The file-name tag of a run's size: "10ep-all" (the contract's data), "10ep-subset" (all of a
 * subset's), "1ep-4096", "1ep-4096-test1000", "3ep-all-nodropout-seed5" (the default seed, 42,
 * is left out).
 */
export function configurationTag(config: RunConfiguration, defaultSeed = 42): string {
  return [
    `${config.epochs}ep`,
    config.trainLimit !== undefined ? String(config.trainLimit) : config.subset ? 'subset' : 'all',
    ...(config.testLimit === undefined ? [] : [`test${config.testLimit}`]),
    ...(config.dropout ? [] : ['nodropout']),
    ...(config.seed === defaultSeed ? [] : [`seed${config.seed < 0 ? `m${-config.seed}` : config.seed}`]),
  ].join('-');
}

type RunName = Pick<Result, 'framework' | 'model'> & { readonly configuration: string };

function runName({ framework, model, configuration }: RunName): string {
  return `${framework}.${model}.${configuration}`;
}

export function keptFileName(run: RunName): string {
  return `${runName(run)}.json`;
}

function repeatFileName(run: RunName, k: number): string {
  return `${runName(run)}.run${k}.json`;
}

function notOkFileName(run: RunName, status: 'failed' | 'unavailable'): string {
  return `${runName(run)}.${status}.json`;
}

/** Lower-case words of a hardware name, without trademarks, clock speeds and filler: a machine label. */
export function hardwareLabel(name: string): string {
  return name
    .toLowerCase()
    .replace(/\((r|tm)\)|®|™/g, '')
    .replace(/@.*$/, '')
    .replace(/\b(cpu|processor|\d+-core)\b/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The label a run is filed under unless `--label` says otherwise: the GPU for a GPU
 * framework on a machine that has one, otherwise the CPU model and its core count.
 */
export function defaultMachineLabel(device: 'cpu' | 'gpu', env: Pick<Environment, 'cpu'>, gpu: GpuInfo | null): string {
  if (device === 'gpu' && gpu !== null) return hardwareLabel(gpu.name) || 'gpu';
  return `${hardwareLabel(env.cpu.model) || 'cpu'}-${env.cpu.cores}-cores`;
}

/**
 * The default label of a framework's runs on this machine: its own (a WebGPU adapter's), else by
 * its catalogue device (plugins count as CPU frameworks).
 */
export async function machineLabel(framework: Pick<Framework, 'name' | 'machineLabel'>): Promise<string> {
  const own = await framework.machineLabel?.();
  if (own !== undefined) return own;
  const device = catalogueEntry(framework.name)?.device ?? 'cpu';
  return defaultMachineLabel(device, { cpu: cpuInfo() }, device === 'gpu' ? await detectGpu() : null);
}

async function readIfValid(file: string): Promise<Result | 'missing' | 'invalid'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    return parseResult(text, file);
  } catch {
    return 'invalid';
  }
}

export interface RecordedRun {
  /** The result as written: every string made portable. */
  readonly result: Result;
  /** The file written. */
  readonly file: string;
  /** For a run that is not ok: the earlier ok result it was written beside, untouched. */
  readonly kept?: string;
}

/**
 * Writes a run's result under `<outDir>/<result.label>/` by the rules above, with every
 * string made portable (no absolute path of this machine). Returns the file written.
 */
export async function recordRun(outDir: string, result: Result, root: string = findWorkspaceRoot()): Promise<RecordedRun> {
  const record = validateResult(portableStrings(result, root));
  const dir = join(outDir, record.label);
  const name: RunName = { framework: record.framework, model: record.model, configuration: record.run.configuration };
  const keptFile = join(dir, keptFileName(name));
  const kept = await readIfValid(keptFile);
  const text = `${JSON.stringify(record, null, 2)}\n`;

  if (record.status !== 'ok') {
    // A good result, or a file this version cannot read, is never written over by a failure.
    const keep = kept === 'invalid' || (typeof kept === 'object' && kept.status === 'ok');
    const file = keep ? join(dir, notOkFileName(name, record.status)) : keptFile;
    await writeFileAtomic(file, text);
    if (keep) {
      const other = NOT_OK.find((status) => status !== record.status)!;
      await rm(join(dir, notOkFileName(name, other)), { force: true });
    }
    return keep ? { result: record, file, kept: keptFile } : { result: record, file };
  }

  const names = await readdir(dir).catch(() => [] as string[]);
  const repeatFiles = names.filter((file) => file.startsWith(`${runName(name)}.run`) && RUN_FILE.exec(file)?.groups?.['k'] !== undefined);
  if (typeof kept === 'object' && kept.status === 'ok' && kept.run.invocation === record.run.invocation) {
    // Another ok run of the same invocation: beside the first, never over it.
    const taken = new Set(repeatFiles);
    let k = 2;
    while (taken.has(repeatFileName(name, k))) k++;
    const file = join(dir, repeatFileName(name, k));
    await writeFileAtomic(file, text);
    await removeOlderFailures(dir, name, record);
    return { result: record, file };
  }
  // A newer invocation's first ok run supersedes the older invocation's runs: written
  // first, so that a kill between the two steps leaves a good kept result.
  await writeFileAtomic(keptFile, text);
  for (const file of repeatFiles) await rm(join(dir, file), { force: true });
  await removeOlderFailures(dir, name, record);
  return { result: record, file: keptFile };
}

/** A failure older than an ok run is history the ok run answers; a newer one stays. */
async function removeOlderFailures(dir: string, name: RunName, ok: Result): Promise<void> {
  for (const status of NOT_OK) {
    const file = join(dir, notOkFileName(name, status));
    const failure = await readIfValid(file);
    if (typeof failure === 'object' && failure.env.startedAt <= ok.env.startedAt) await rm(file, { force: true });
  }
}

/** The previous kept result of a run under a label, if it is ok (for early estimates). */
export async function previousOkResult(outDir: string, label: string, run: RunName): Promise<Result | null> {
  const kept = await readIfValid(join(outDir, label, keptFileName(run)));
  return typeof kept === 'object' && kept.status === 'ok' ? kept : null;
}

/** The runs of one framework, model and configuration under one label, as the files hold them. */
export interface RunSet {
  readonly label: string;
  readonly framework: string;
  readonly model: Result['model'];
  readonly configuration: string;
  /** The kept result's invocation: its ok runs (one per repeat), or the one run that is not ok. */
  readonly runs: readonly Result[];
  /** The files they were read from, relative to the results directory. */
  readonly files: readonly string[];
  /** A run newer than the kept ok runs that failed or could not run, shown beside them. */
  readonly latestFailure: Result | null;
}

const RUN_FILE = /^(?<framework>[a-z0-9-]+)\.(?<model>cnn|rnn)\.(?<configuration>\d+ep-[a-z0-9-]+?)(?:\.run(?<k>\d+)|\.(?<status>failed|unavailable))?\.json$/;

/**
 * Reads a results directory (`<dir>/<label>/*.json`). Every file is validated first: one
 * malformed or misnamed file rejects the whole read, named with its problem, rather than
 * quietly dropping a row.
 */
export async function readResultsDirectory(dir: string): Promise<RunSet[]> {
  let labels: string[];
  try {
    labels = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== BENCH_RECORDS_DIR)
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new ResultFileError(`results directory ${dir}: cannot be read (${(error as Error).message}); run \`rosetta train\` first`);
  }
  const problems: string[] = [];
  const groups = new Map<string, { kept?: Result; keptFile?: string; repeats: [Result, string][]; failures: Result[] }>();
  for (const label of labels) {
    const names = (await readdir(join(dir, label))).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
    for (const name of names) {
      const file = join(dir, label, name);
      const match = RUN_FILE.exec(name)?.groups;
      if (!match) {
        problems.push(`${file}: not a results file name (<framework>.<cnn|rnn>.<configuration>[.run<k>|.failed|.unavailable].json)`);
        continue;
      }
      let result: Result;
      try {
        result = parseResult(await readFile(file, 'utf8'), file);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      const misfiled =
        result.framework !== match['framework'] || result.model !== match['model'] || result.label !== label || result.run.configuration !== match['configuration']
          ? `holds ${runName({ ...result, configuration: result.run.configuration })} labelled "${result.label}"`
          : match['status'] !== undefined && result.status !== match['status']
            ? `holds a run with status "${result.status}"`
            : (match['k'] !== undefined && result.status !== 'ok')
              ? `holds a run with status "${result.status}", but repeats are ok runs`
              : null;
      if (misfiled) {
        problems.push(`${file}: ${misfiled}, which its name and directory do not match`);
        continue;
      }
      const key = `${label}\u0000${runName({ ...result, configuration: result.run.configuration })}`;
      const group = groups.get(key) ?? { repeats: [], failures: [] };
      groups.set(key, group);
      if (match['status'] !== undefined) group.failures.push(result);
      else if (match['k'] !== undefined) group.repeats.push([result, `${label}/${name}`]);
      else {
        group.kept = result;
        group.keptFile = `${label}/${name}`;
      }
    }
  }
  if (problems.length > 0) {
    throw new ResultFileError(`rejected ${problems.length} results file${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const sets: RunSet[] = [];
  for (const group of groups.values()) {
    const { kept, keptFile } = group;
    if (!kept || !keptFile) continue; // leftovers of a run that was superseded and not cleaned up
    const sameInvocation = kept.status === 'ok' ? group.repeats.filter(([r]) => r.run.invocation === kept.run.invocation) : [];
    const ordered = [[kept, keptFile] as [Result, string], ...sameInvocation].sort(([a], [b]) => a.run.repeat - b.run.repeat);
    const runs = ordered.map(([r]) => r);
    const files = ordered.map(([, f]) => f);
    const newest = runs.map((r) => r.env.startedAt).sort().at(-1)!;
    const latestFailure = kept.status === 'ok' ? group.failures.filter((f) => f.env.startedAt > newest).sort((a, b) => (a.env.startedAt < b.env.startedAt ? 1 : -1))[0] ?? null : null;
    sets.push({ label: kept.label, framework: kept.framework, model: kept.model, configuration: kept.run.configuration, runs, files, latestFailure });
  }
  return sets.sort(
    (a, b) => a.label.localeCompare(b.label) || a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model) || a.configuration.localeCompare(b.configuration),
  );
}
