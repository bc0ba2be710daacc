// A cell's published figures from its samples: one place for the mini-model engine (engine.ts) and the generic
// sweep over real engines (sweep/run.ts), so both report perplexity, intervals and needle counts the same way.
import { perplexityInterval, wilson95 } from './stats';
import type { PreviewCell } from './types';

/** The samples a cell collected: per scored chunk NLL sums and predictions (all, and past L0 only), needle outcomes
 * and key units (bytes or tokens) retrieved. */
export interface CellSamples {
  sums: readonly number[];
  counts: readonly number[];
  beyondSums: readonly number[];
  beyondCounts: readonly number[];
  outcomes: readonly { id: string; correct: boolean }[];
  hits: number;
  keyUnits: number;
}

/** A cell's sampling state while a run measures it, the same in both engines: chunk starts and needle indices still
 * to score, the samples so far, and the passes and time spent. */
export interface SamplingState extends CellSamples {
  chunksLeft: number[];
  sums: number[];
  counts: number[];
  beyondSums: number[];
  beyondCounts: number[];
  needlesLeft: number[];
  outcomes: { id: string; correct: boolean }[];
  passes: number;
  ms: number;
  started: boolean;
  final: boolean;
}

/** Writes the perplexity fields (when `ppl`), the past-L0 ones (when `beyond`) and the needle fields (when `needle`). */
export function writeSampleFields(out: PreviewCell, s: CellSamples, want: { ppl: boolean; beyond: boolean; needle: boolean }): void {
  if (want.ppl) {
    out.evalChunks = s.sums.length;
    const all = perplexityInterval(s.sums, s.counts);
    if (all) {
      out.perplexity = all.ppl;
      if (all.ci95) out.perplexityCi95 = all.ci95;
    }
    const beyond = want.beyond ? perplexityInterval(s.beyondSums, s.beyondCounts) : undefined;
    if (beyond) {
      out.perplexityBeyondL0 = beyond.ppl;
      if (beyond.ci95) out.perplexityBeyondL0Ci95 = beyond.ci95;
    }
  }
  if (want.needle) {
    const n = s.outcomes.length;
    const k = s.outcomes.filter((o) => o.correct).length;
    out.needles = n;
    if (n > 0) {
      out.needleAccuracy = k / n;
      out.needleCharAccuracy = s.hits / s.keyUnits;
      out.needleCounts = { correct: k, total: n, ci95: wilson95(k, n) };
      out.needleOutcomes = s.outcomes.slice();
    }
  }
}

/** A cell's state before its first pass: what is left to score, nothing scored yet. */
export function freshSampling(chunksLeft: number[], needlesLeft: number[]): SamplingState {
  return { chunksLeft, sums: [], counts: [], beyondSums: [], beyondCounts: [], needlesLeft, outcomes: [], hits: 0, keyUnits: 0, passes: 0, ms: 0, started: false, final: false };
}
