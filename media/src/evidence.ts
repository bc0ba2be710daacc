// What a cell's numbers rest on, as the view shows it: needle counts k/n with the engine's Wilson interval, the
// perplexity interval, and which cells are tied with the best (intervals overlap), so a difference inside the noise
// is never emphasised as a difference. Pure.
import type { PreviewCell } from './protocol';

export interface Count {
  correct: number;
  total: number;
  /** Absent for cells from an older saved state that carried no interval. */
  ci95?: [number, number];
}

/** The needle counts of a cell: the engine's, else (older saved results) counts recovered from accuracy × n. */
export function needleCount(c: PreviewCell): Count | undefined {
  if (c.needleCounts) return c.needleCounts;
  if (c.needleAccuracy === undefined || c.needles === undefined) return undefined;
  return { correct: Math.round(c.needleAccuracy * c.needles), total: c.needles };
}

/** A value and its 95% interval for one metric of a cell. */
export interface Estimate {
  value: number;
  ci?: [number, number];
}

export type Metric = 'needle' | 'ppl' | 'pplBeyond';

export function estimateOf(c: PreviewCell, metric: Metric): Estimate | undefined {
  switch (metric) {
    case 'needle': {
      if (c.needleAccuracy === undefined) return undefined;
      const ci = needleCount(c)?.ci95;
      return ci ? { value: c.needleAccuracy, ci } : { value: c.needleAccuracy };
    }
    case 'ppl':
      if (c.perplexity === undefined) return undefined;
      return c.perplexityCi95 ? { value: c.perplexity, ci: c.perplexityCi95 } : { value: c.perplexity };
    case 'pplBeyond':
      if (c.perplexityBeyondL0 === undefined) return undefined;
      return c.perplexityBeyondL0Ci95 ? { value: c.perplexityBeyondL0, ci: c.perplexityBeyondL0Ci95 } : { value: c.perplexityBeyondL0 };
  }
}

const higherIsBetter = (m: Metric) => m === 'needle';

/**
 * The cells that count as best for one metric among `cells` (one length): the best value, and every cell whose 95%
 * interval overlaps the best one's (their difference is not resolved at these sample sizes). Without intervals only
 * exact ties count. Empty when fewer than two cells have the metric, or when every cell ties (nothing stands out);
 * with a baseline, empty unless some cell beats it outright (intervals apart).
 */
export function bestOf(cells: readonly PreviewCell[], metric: Metric, baseline?: PreviewCell): Set<PreviewCell> {
  const up = higherIsBetter(metric);
  let rated = cells.map((c) => ({ c, e: estimateOf(c, metric) })).filter((x): x is { c: PreviewCell; e: Estimate } => !!x.e);
  // With a baseline (the window, for perplexity), only a cell that beats it beyond the noise can be best: a method
  // that does not beat "context cut to L₀" gains nothing from the context it was given.
  const b = baseline ? estimateOf(baseline, metric) : undefined;
  if (b) {
    const bLo = b.ci?.[0] ?? b.value;
    const bHi = b.ci?.[1] ?? b.value;
    rated = rated.filter(({ e }) => (up ? (e.ci?.[0] ?? e.value) > bHi : (e.ci?.[1] ?? e.value) < bLo));
    if (rated.length === 1) return new Set([rated[0]!.c]);
  }
  if (rated.length < 2) return new Set();
  const top = rated.reduce((a, b) => ((up ? b.e.value > a.e.value : b.e.value < a.e.value) ? b : a));
  const tied = rated.filter(({ e }) => {
    if (e.value === top.e.value) return true;
    if (!e.ci || !top.e.ci) return false;
    return e.ci[0] <= top.e.ci[1] && top.e.ci[0] <= e.ci[1];
  });
  if (tied.length === rated.length) return new Set();
  // "Best" at 0% retrieval is no achievement.
  if (up && top.e.value <= 0) return new Set();
  return new Set(tied.map((x) => x.c));
}
