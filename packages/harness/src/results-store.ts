/**
 * Where runs are filed, and the rule that no run ever destroys a good result.
 *
 *   <out>/<label>/<framework>.<model>.json          the kept result: the first ok run of the
 *                                                   latest invocation that had one (or, before
 *                                                   any ok run, the latest run whatever its status)
 *   <out>/<label>/<framework>.<model>.run<k>.json   further ok runs of that invocation (--repeat)
 *   <out>/<label>/<framework>.<model>.failed.json   the latest run that failed, or could not run
 *   <out>/<label>/<framework>.<model>.unavailable.json  (unavailable), after the kept ok result
 *
 * A label names the machine or device (results of several machines live side by side and
 * merge by copying directories). A new invocation's first ok run supersedes the older
 * invocation's runs; a failed or unavailable run is written beside them and never over
 * them. Every write is atomic, so a run killed midway leaves the files as they were.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findWorkspaceRoot, writeFileAtomic } from '@rosetta/data';
import { catalogueEntry } from './catalogue.js';
import { cpuInfo } from './environment.js';
import { detectGpu, type GpuInfo } from './gpu.js';
import { portableStrings } from './portable.js';
import { parseResult, ResultFileError, validateResult, type Environment, type Result } from './results.js';

const NOT_OK = ['failed', 'unavailable'] as const;

export function keptFileName(framework: string, model: string): string {
  return `${framework}.${model}.json`;
}

function repeatFileName(framework: string, model: string, k: number): string {
  return `${framework}.${model}.run${k}.json`;
}

function notOkFileName(framework: string, model: string, status: 'failed' | 'unavailable'): string {
  return `${framework}.${model}.${status}.json`;
}

/** Lower-case words of a hardware name, without trademarks, clock speeds and filler. */
function slug(name: string): string {
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
  if (device === 'gpu' && gpu !== null) return slug(gpu.name) || 'gpu';
  return `${slug(env.cpu.model) || 'cpu'}-${env.cpu.cores}-cores`;
}

/** The default label of a framework's runs on this machine (plugins count as CPU frameworks). */
export async function machineLabel(framework: string): Promise<string> {
  const device = catalogueEntry(framework)?.device ?? 'cpu';
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
  const { framework, model } = record;
  const keptFile = join(dir, keptFileName(framework, model));
  const kept = await readIfValid(keptFile);
  const text = `${JSON.stringify(record, null, 2)}\n`;

  if (record.status !== 'ok') {
    // A good result, or a file this version cannot read, is never written over by a failure.
    const keep = kept === 'invalid' || (typeof kept === 'object' && kept.status === 'ok');
    const file = keep ? join(dir, notOkFileName(framework, model, record.status)) : keptFile;
    await writeFileAtomic(file, text);
    if (keep) {
      const other = NOT_OK.find((status) => status !== record.status)!;
      await rm(join(dir, notOkFileName(framework, model, other)), { force: true });
    }
    return keep ? { result: record, file, kept: keptFile } : { result: record, file };
  }

  const names = await readdir(dir).catch(() => [] as string[]);
  const repeatFiles = names.filter((name) => new RegExp(`^${escape(framework)}\\.${model}\\.run(\\d+)\\.json$`).test(name));
  if (typeof kept === 'object' && kept.status === 'ok' && kept.run.invocation === record.run.invocation) {
    // Another ok run of the same invocation: beside the first, never over it.
    const taken = new Set(repeatFiles);
    let k = 2;
    while (taken.has(repeatFileName(framework, model, k))) k++;
    const file = join(dir, repeatFileName(framework, model, k));
    await writeFileAtomic(file, text);
    await removeOlderFailures(dir, framework, model, record);
    return { result: record, file };
  }
  // A newer invocation's first ok run supersedes the older invocation's runs: written
  // first, so that a kill between the two steps leaves a good kept result.
  await writeFileAtomic(keptFile, text);
  for (const name of repeatFiles) await rm(join(dir, name), { force: true });
  await removeOlderFailures(dir, framework, model, record);
  return { result: record, file: keptFile };
}

/** A failure older than an ok run is history the ok run answers; a newer one stays. */
async function removeOlderFailures(dir: string, framework: string, model: string, ok: Result): Promise<void> {
  for (const status of NOT_OK) {
    const file = join(dir, notOkFileName(framework, model, status));
    const failure = await readIfValid(file);
    if (typeof failure === 'object' && failure.env.startedAt <= ok.env.startedAt) await rm(file, { force: true });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The previous kept result of a framework and model under a label, if it is ok (for early estimates). */
export async function previousOkResult(outDir: string, label: string, framework: string, model: string): Promise<Result | null> {
  const kept = await readIfValid(join(outDir, label, keptFileName(framework, model)));
  return typeof kept === 'object' && kept.status === 'ok' ? kept : null;
}

/** The runs of one framework and model under one label, as the files hold them. */
export interface RunSet {
  readonly label: string;
  readonly framework: string;
  readonly model: Result['model'];
  /** The kept result's invocation: its ok runs (one per repeat), or the one run that is not ok. */
  readonly runs: readonly Result[];
  /** The files they were read from, relative to the results directory. */
  readonly files: readonly string[];
  /** A run newer than the kept ok runs that failed or could not run, shown beside them. */
  readonly latestFailure: Result | null;
}

const RUN_FILE = /^(?<framework>[a-z0-9-]+)\.(?<model>cnn|rnn)(?:\.run(?<k>\d+)|\.(?<status>failed|unavailable))?\.json$/;

/**
 * Reads a results directory (`<dir>/<label>/*.json`). Every file is validated first: one
 * malformed or misnamed file rejects the whole read, named with its problem, rather than
 * quietly dropping a row.
 */
export async function readResultsDirectory(dir: string): Promise<RunSet[]> {
  let labels: string[];
  try {
    labels = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
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
        problems.push(`${file}: not a results file name (<framework>.<cnn|rnn>[.run<k>|.failed|.unavailable].json)`);
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
        result.framework !== match['framework'] || result.model !== match['model'] || result.label !== label
          ? `holds ${result.framework}/${result.model} labelled "${result.label}"`
          : match['status'] !== undefined && result.status !== match['status']
            ? `holds a run with status "${result.status}"`
            : (match['k'] !== undefined && result.status !== 'ok')
              ? `holds a run with status "${result.status}", but repeats are ok runs`
              : null;
      if (misfiled) {
        problems.push(`${file}: ${misfiled}, which its name and directory do not match`);
        continue;
      }
      const key = `${label}\u0000${result.framework}\u0000${result.model}`;
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
    sets.push({ label: kept.label, framework: kept.framework, model: kept.model, runs, files, latestFailure });
  }
  return sets.sort((a, b) => a.label.localeCompare(b.label) || a.framework.localeCompare(b.framework) || a.model.localeCompare(b.model));
}
