// Axis ticks for the view's charts (pure, no DOM). Log axes get 1–2–5 ticks and a domain widened to the nearest
// tick on each side, so both ends of the data carry a label (perplexity 3–6 used to sit below the first label).

/** Ticks and the (possibly widened) domain they span. */
export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

const clean = (v: number) => Number(v.toPrecision(12));

/** Linear ticks at 1–2–2.5–5 × 10^k steps, about `target` of them, domain widened to whole steps. */
export function linearAxis(lo: number, hi: number, target = 4): Axis {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return linearAxis(lo - pad, hi + pad, target);
  }
  const step0 = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0 * 0.999) ?? step0;
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step * 1e-9; v += step) ticks.push(clean(v));
  return { lo: clean(first), hi: clean(last), ticks };
}

/** 1, 2, 5, 10, 20, 50, … up to (and including) the first value ≥ hi, from the last value ≤ lo. */
function oneTwoFive(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
    for (const m of [1, 2, 5]) out.push(clean(m * 10 ** e));
  }
  const start = out.filter((v) => v <= lo * (1 + 1e-9)).pop() ?? out[0]!;
  const end = out.find((v) => v >= hi * (1 - 1e-9)) ?? out[out.length - 1]!;
  return out.filter((v) => v >= start && v <= end);
}

/**
 * A log axis over positive data [lo, hi]: 1–2–5 ticks when the data spans a factor of 3 or more; inside a
 * narrower span those would leave one or two labels, so linear 1–2–5 steps are used on the log scale instead.
 * Either way the domain ends on a labelled tick.
 */
export function logAxis(lo: number, hi: number): Axis {
  lo = Math.max(lo, 1e-6);
  if (!(hi > lo)) hi = lo;
  if (hi / lo >= 3) {
    const ticks = oneTwoFive(lo, hi);
    return { lo: ticks[0]!, hi: ticks[ticks.length - 1]!, ticks };
  }
  const a = linearAxis(lo, hi, 4);
  if (a.lo > 0) return a;
  // The widened domain reached 0 (impossible on a log scale): keep the data's own floor.
  const ticks = a.ticks.filter((t) => t > 0);
  return { lo: Math.min(ticks[0] ?? lo, lo), hi: a.hi, ticks };
}

/** Ticks over a fixed domain (accuracy 0–1), no widening. */
export function fixedAxis(lo: number, hi: number, target = 4): Axis {
  return { lo, hi, ticks: linearAxis(lo, hi, target).ticks.filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9) };
}
