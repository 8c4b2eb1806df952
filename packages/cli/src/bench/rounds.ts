/**
 * The order and the arithmetic of `rosetta bench`, apart from how a measurement is taken
 * (measure.ts), so that they can be tested on a fake. Measurements go in rounds, every
 * variant once per round in the order given (the reference first), so that the load of
 * a shared machine drifts over all of them alike; a variant's ratio is the median over the
 * rounds of its median step over the base's in the same round.
 */
import { median, type BenchResult, type BenchTiming, type MissingRow, type ModelBench, type ModelName, type ProfileOutcome, type TimedRow, type Variant } from '@rosetta/harness';

export type Measure = (variant: Variant, model: ModelName, profile: boolean) => Promise<BenchResult>;

export interface BenchPlan {
  readonly models: readonly ModelName[];
  /** The reference (if any) first. */
  readonly variants: readonly Variant[];
  readonly rounds: number;
  readonly profile: boolean;
  readonly measure: Measure;
  /** Called with each measurement as it comes (benches take minutes). */
  readonly onMeasurement?: (model: ModelName, round: number, variant: Variant, outcome: BenchResult | Error) => void;
  readonly loadavg: () => number[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function runBench(plan: BenchPlan): Promise<ModelBench[]> {
  const benches: ModelBench[] = [];
  for (const model of plan.models) {
    const loadStart = plan.loadavg();
    /** Each variant's timing per round (undefined: not measured in that round). */
    const timings = new Map<Variant, (BenchTiming | undefined)[]>(plan.variants.map((v) => [v, []]));
    const missing = new Map<Variant, MissingRow>();
    for (let round = 1; round <= plan.rounds; round++) {
      for (const variant of plan.variants) {
        if (missing.has(variant)) continue;
        let outcome: BenchResult | Error;
        try {
          outcome = await plan.measure(variant, model, false);
        } catch (error) {
          outcome = new Error(message(error));
        }
        plan.onMeasurement?.(model, round, variant, outcome);
        if (outcome instanceof Error) missing.set(variant, { status: 'failed', variant, reason: outcome.message });
        else if (outcome.status === 'unavailable') missing.set(variant, { status: 'unavailable', variant, reason: outcome.reason });
        else if (outcome.status === 'ok' && outcome.kind === 'timing') timings.get(variant)![round - 1] = outcome;
        else missing.set(variant, { status: 'failed', variant, reason: `expected a timing, got ${JSON.stringify(outcome)}` });
      }
    }
    const ran = plan.variants.filter((v) => !missing.has(v));
    // A ratio compares like with like: the base of a variant's own batch size and threads.
    const baseOf = (v: Variant): Variant | null => {
      const group = ran.filter((r) => r.batchSize === v.batchSize && r.threads === v.threads);
      return group.find((r) => r.reference) ?? group[0] ?? null;
    };
    const base = ran.length === 0 ? null : baseOf(ran[0]!);
    const rows = plan.variants.map((v) => {
      const b = baseOf(v);
      return missing.get(v) ?? timedRow(v, timings.get(v)!, b === null ? [] : timings.get(b)!);
    });
    const profiles: ProfileOutcome[] = [];
    if (plan.profile) {
      for (const variant of ran) {
        try {
          const result = await plan.measure(variant, model, true);
          profiles.push(
            result.status === 'ok' && result.kind === 'profile'
              ? { status: 'ok', variant, profile: result }
              : result.status === 'unavailable' || result.status === 'unsupported'
                ? { status: result.status, variant, reason: result.reason }
                : { status: 'failed', variant, reason: 'expected a profile, got a timing' },
          );
        } catch (error) {
          profiles.push({ status: 'failed', variant, reason: message(error) });
        }
      }
    }
    benches.push({ model, loadStart, loadEnd: plan.loadavg(), base, rows, profiles });
  }
  return benches;
}

function timedRow(variant: Variant, rounds: readonly (BenchTiming | undefined)[], base: readonly (BenchTiming | undefined)[]): TimedRow {
  const done = rounds.filter((t): t is BenchTiming => t !== undefined);
  const first = done[0]!;
  const roundRatios: number[] = [];
  rounds.forEach((t, i) => {
    const b = base[i];
    if (t !== undefined && b !== undefined) roundRatios.push(t.msPerStepMedian / b.msPerStepMedian);
  });
  return {
    status: 'ok',
    variant,
    backend: first.backend,
    batchSize: first.batchSize,
    stepsPerRun: first.stepsPerRun,
    warmupSteps: first.warmupSteps,
    steps: first.msPerStep.length,
    msPerStepMedian: median(done.flatMap((t) => t.msPerStep)),
    cpuMsPerStepMedian: median(done.flatMap((t) => t.cpuMsPerStep)),
    roundMedians: done.map((t) => t.msPerStepMedian),
    ratio: roundRatios.length === 0 ? null : median(roundRatios),
    roundRatios,
    peakRssBytes: Math.max(...done.map((t) => t.peakRssBytes)),
    deviations: first.deviations,
  };
}

/**
 * The variants of the command line: for each batch size and thread count asked for (a scaling
 * bench; neither by default), the reference first (with what its probe found, e.g.
 * "pytorch (reference BLAS)"), then each framework at each steps-per-run.
 */
export function variants(options: {
  frameworks: readonly string[];
  stepsPerRun?: readonly number[];
  reference?: 'pytorch';
  /** What the reference's label adds, e.g. "reference BLAS". */
  referenceNote?: string;
  batchSizes?: readonly number[];
  threads?: readonly number[];
}): Variant[] {
  const list: Variant[] = [];
  for (const batchSize of options.batchSizes ?? [undefined]) {
    for (const threads of options.threads ?? [undefined]) {
      const config = {
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(threads === undefined ? {} : { threads }),
      };
      const label = (name: string, ...parts: string[]) => {
        const all = [...parts, ...(batchSize === undefined ? [] : [`batch ${batchSize}`]), ...(threads === undefined ? [] : [`${threads} thread${threads === 1 ? '' : 's'}`])];
        return all.length === 0 ? name : `${name} (${all.join(', ')})`;
      };
      if (options.reference !== undefined) {
        list.push({ label: label('pytorch', ...(options.referenceNote === undefined ? [] : [options.referenceNote])), framework: 'pytorch', reference: true, ...config });
      }
      for (const framework of options.frameworks) {
        if (options.stepsPerRun === undefined) list.push({ label: label(framework), framework, reference: false, ...config });
        else for (const k of options.stepsPerRun) list.push({ label: label(framework, `${k}/run`), framework, stepsPerRun: k, reference: false, ...config });
      }
    }
  }
  return list;
}
