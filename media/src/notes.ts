// The notes printed under the charts (pure): the formula dynamic NTK runs with under the chosen factor policy, what
// the window baseline is, and how the intervals are computed. The engine's own notes (from the run or the reference
// file) win, so the view states what was measured; the fallbacks say the same in case a note is missing.
import { modelNotes } from '../../core/preview/notes';
import type { FactorPolicy, MethodId } from './protocol';

const DYNAMIC_PER_LENGTH =
  "Dynamic NTK, per length: transformers' dynamic with factor 1, base' = base·(L/L₀)^(d/(d−2)) at length L > L₀ (d = 32), unchanged at L ≤ L₀: the same tables as NTK-aware with s = L/L₀.";
const dynamicStatic = (s: number) =>
  `Dynamic NTK, static ×${s}: base' = base·((s·L/L₀) − (s−1))^(d/(d−2)) at length L > L₀ (d = 32), unchanged at L ≤ L₀.`;
const WINDOW =
  'Window baseline: the unscaled model predicts each byte from only the L₀ bytes before it. A method uses context past L₀ only where its perplexity past L₀ beats this line.';

const first = (notes: readonly string[], ok: (n: string) => boolean) => notes.find((n) => ok(n.trim().toLowerCase()));

/** The method legend's notes (dynamic NTK's formula, the window baseline, what the fine-tuned and other-encoding
 * models are: the engine's own wording, core/preview/notes.ts): shown under the charts. */
export function methodNotes(policy: FactorPolicy, staticFactor: number, methods: readonly MethodId[], engineNotes: readonly string[]): string[] {
  const out: string[] = [];
  if (methods.includes('dynamic')) {
    const note =
      policy === 'per-length'
        ? first(engineNotes, (n) => n.startsWith('dynamic') && n.includes('factor 1'))
        : first(engineNotes, (n) => n.startsWith('dynamic') && n.includes(`s = ${staticFactor}`));
    out.push(note ?? (policy === 'per-length' ? DYNAMIC_PER_LENGTH : dynamicStatic(staticFactor)));
  }
  if (methods.includes('window')) out.push(first(engineNotes, (n) => n.startsWith('window')) ?? WINDOW);
  out.push(...modelNotes(methods));
  return out;
}

/** How the intervals and sample sizes were computed (the engine's notes), for a collapsed "how measured" list. */
export function intervalNotes(engineNotes: readonly string[]): string[] {
  return [...new Set(engineNotes.filter((n) => /interval|wilson|sample size/i.test(n)))];
}
