// Sampling uncertainty of the preview's figures: the Wilson score interval for needle counts and a t interval of
// per-chunk mean NLL for perplexity. Every number the preview shows carries one of these.

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/** Wilson score interval (95%) for k successes in n trials, as fractions; [0, 1] when n = 0. */
export function wilson95(k: number, n: number): [number, number] {
  if (n <= 0) return [0, 1];
  const z2 = Z95 * Z95;
  const p = k / n;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Half the width of the Wilson interval (fraction). */
export function wilsonHalfWidth(k: number, n: number): number {
  const [lo, hi] = wilson95(k, n);
  return (hi - lo) / 2;
}

/** Needle samples are added until the Wilson half-width is at most this (15 points). */
export const TARGET_HALF_WIDTH = 0.15;

// Two-sided 95% Student t quantiles for 1..30 degrees of freedom (beyond: the normal quantile is within 2%).
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function t95(df: number): number {
  if (df < 1) return Infinity;
  return df <= T95.length ? T95[df - 1]! : Z95;
}

/**
 * Perplexity with its 95% interval from per-chunk NLL sums and prediction counts: exp of the pooled mean NLL, and
 * exp of the Student t interval of the per-chunk mean NLLs (chunks are the independent units). No interval from
 * fewer than 2 chunks.
 */
export function perplexityInterval(sums: readonly number[], counts: readonly number[]): { ppl: number; ci95?: [number, number] } | undefined {
  let S = 0;
  let N = 0;
  for (let i = 0; i < sums.length; i++) {
    S += sums[i]!;
    N += counts[i]!;
  }
  if (N === 0) return undefined;
  const mean = S / N;
  const k = sums.length;
  const out: { ppl: number; ci95?: [number, number] } = { ppl: Math.exp(mean) };
  if (k >= 2) {
    const means = sums.map((s, i) => s / counts[i]!);
    const m = means.reduce((a, b) => a + b, 0) / k;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) * (b - m), 0) / (k - 1));
    const h = (t95(k - 1) * sd) / Math.sqrt(k);
    out.ci95 = [Math.exp(mean - h), Math.exp(mean + h)];
  }
  return out;
}

export const PERPLEXITY_INTERVAL_NOTE =
  'intervals are 95%: needles, the Wilson score interval of k/n; perplexity, exp of the Student t interval of the per-chunk mean NLL (chunks of L bytes are the independent units)';
