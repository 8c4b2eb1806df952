/**
 * Each instruction set's arithmetic peak on this machine, measured in the bench's own run: the
 * best large product through the libraries that have one (Framework.peak: ONNX Runtime's CPU
 * provider for native code, XNNPACK through tfjs-wasm for WebAssembly) and, for native code, the
 * BLAS the PyTorch reference loaded. A row's GFLOP/s is set against its instruction set's peak.
 */
import { arithmeticOf, FRAMEWORKS, type Arithmetic, type Peak, type PeakCandidate, type Variant } from '@rosetta/harness';

export interface PeakSources {
  /** A framework's candidates, measured in a process of its own. */
  readonly framework: (name: string) => Promise<PeakCandidate[]>;
  /** The loaded BLAS's, when the PyTorch reference runs. */
  readonly pytorch?: () => Promise<PeakCandidate[]>;
}

/** The peaks of the instruction sets the variants run on; a source that fails is reported and left out. */
export async function measurePeaks(variants: readonly Variant[], sources: PeakSources, log: (line: string) => void): Promise<Peak[]> {
  const needed = new Set(variants.map(arithmeticOf).filter((a): a is Arithmetic => a !== null));
  const peaks: Peak[] = [];
  for (const arithmetic of (['native', 'webassembly'] as const).filter((a) => needed.has(a))) {
    const candidates: PeakCandidate[] = [];
    for (const framework of FRAMEWORKS.filter((f) => f.arithmetic === arithmetic)) {
      try {
        candidates.push(...(await sources.framework(framework.name)));
      } catch (error) {
        log(`peak: ${framework.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (arithmetic === 'native' && sources.pytorch) candidates.push(...(await sources.pytorch()));
    if (candidates.length === 0) continue;
    const best = candidates.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    peaks.push({ arithmetic, gflops: best.gflops, what: best.what, candidates });
  }
  return peaks;
}
