// The order every preview run measures in, shared by the mini-model engine (engine.ts) and the real-engine sweep
// (sweep/run.ts): each cell's first answer in order (the whole sample when the run is exact), then refinement rounds
// under the budget until every cell reaches its target or the clock runs out; every cell is emitted final at the end. Also the timings both report.
import type { PreviewCell, PreviewTimings } from './types';

/** Needle prompts in a cell's first answer under a budget. */
export const FIRST_NEEDLES = 2;

export interface RoundHooks<C extends { final: boolean }> {
  exact: boolean;
  /** True once a pass was refused for lack of time. */
  outOfTime(): boolean;
  /** Scores up to `chunks` more eval chunks and `needles` more needle prompts; false when the budget stopped it. */
  advance(c: C, chunks: number, needles: number): Promise<boolean>;
  /** The batch a refinement round gives a cell: [chunks, needles]. */
  refine(c: C): [number, number];
  /** Whether a cell has reached its sample target. */
  reached(c: C): boolean;
  emit(c: C): void;
}

export async function runRounds<C extends { final: boolean }>(cells: readonly C[], h: RoundHooks<C>): Promise<void> {
  for (const c of cells) {
    if (h.outOfTime()) break;
    const ok = h.exact ? await h.advance(c, Infinity, Infinity) : await h.advance(c, 1, FIRST_NEEDLES);
    if (!ok) break;
    c.final = h.reached(c);
    h.emit(c);
  }
  while (!h.outOfTime() && cells.some((c) => !c.final)) {
    for (const c of cells) {
      if (c.final) continue;
      const [chunks, needles] = h.refine(c);
      const ok = await h.advance(c, chunks, needles);
      if (!ok) break;
      c.final = h.reached(c);
      h.emit(c);
    }
  }
  for (const c of cells) {
    if (!c.final) {
      c.final = true;
      h.emit(c);
    }
  }
}

/** Milliseconds to one decimal, as results report them. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A run's timings from its counters (both engines report the same fields the same way). */
export function runTimings(t: {
  totalMs: number;
  firstResultMs: number;
  sessionMs: number;
  forwardPasses: number;
  forwardMs: number;
  maxForwardMs: number;
  outOfTime: boolean;
  budgetMs: number | undefined;
  results: readonly PreviewCell[];
}): PreviewTimings {
  const out: PreviewTimings = {
    totalMs: round1(t.totalMs),
    firstResultMs: round1(Math.max(0, t.firstResultMs)),
    sessionMs: round1(t.sessionMs),
    forwardPasses: t.forwardPasses,
    forwardMs: round1(t.forwardMs),
    reusedCells: t.results.filter((c) => c.reusedFrom).length,
    budgetSpent: t.outOfTime,
    maxForwardMs: round1(t.maxForwardMs),
  };
  if (t.budgetMs !== undefined) out.budgetMs = t.budgetMs;
  return out;
}
