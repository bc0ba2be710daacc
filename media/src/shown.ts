// Which numbers the view shows for the current choices (pure, no DOM): reference cells shipped beside the model, the
// live cells of the last run (and of the run under way) over them, and "Yours" cells marked stale once the block
// under the cursor is no longer the one they measured. Also what a Run would still have to measure.
import { planPreview, type PreviewReference } from '../../core/preview/reference';
import { MINI_MODEL } from '../../core/preview/tables';
import type { BlockInfo, FactorPolicy, MethodId, PreviewCell, RunSummary } from './protocol';

export interface ShownCell extends PreviewCell {
  /** A "Yours" cell measured for another block than the one now chosen. */
  stale?: boolean;
}

export interface ShownInput {
  methods: MethodId[];
  /** Mini-model lengths (bytes), ascending. */
  lengths: number[];
  policy: FactorPolicy;
  originalLength: number;
  reference?: PreviewReference;
  /** The last finished run. */
  last?: RunSummary;
  /** Cells streamed by the run under way (latest per cell). */
  running?: PreviewCell[];
  /** blockKey of the block now chosen (undefined: none). */
  blockKey?: string;
}

export interface Shown {
  cells: ShownCell[];
  /** Grid cells with no current number: what a Run measures. */
  missing: { method: MethodId; length: number }[];
  /** Some "Yours" cells are stale (measured for another block). */
  stale: boolean;
  /** The block the stale cells were measured for. */
  staleLabel?: string;
  /** The static factor of this grid (static policy). */
  staticFactor: number;
}

/** Identity of a block for staleness: where it is and what it says. */
export function blockKey(b: BlockInfo | null | undefined): string | undefined {
  return b ? JSON.stringify([b.uri ?? '', b.path, b.key, b.params, b.context.maxPositionEmbeddings?.value ?? null, b.context.originalMaxPositionEmbeddings?.value ?? null]) : undefined;
}

/** The static factor the engine uses for a grid: longest length / L0 (at least 1). */
export function staticFactorOf(lengths: readonly number[], L0: number): number {
  return Math.max(1, (lengths.length ? Math.max(...lengths) : L0) / L0);
}

const key = (c: { method: string; length: number }) => `${c.method}@${c.length}`;

/** Whether a finished run's cells belong to this grid's factor setting. */
function samePolicy(s: RunSummary, policy: FactorPolicy, staticFactor: number): boolean {
  return s.factorPolicy === policy && (policy === 'per-length' || s.staticFactor === staticFactor);
}

export function shownCells(input: ShownInput): Shown {
  const { methods, lengths, policy } = input;
  const staticFactor = staticFactorOf(lengths, input.originalLength);
  const want = new Set(methods.flatMap((m) => lengths.map((L) => `${m}@${L}`)));
  const byKey = new Map<string, ShownCell>();
  if (input.reference) {
    const plan = planPreview({ methods: methods.filter((m) => m !== 'yours'), lengths, factorPolicy: policy, staticFactor }, input.reference, {}, { ...MINI_MODEL, originalLength: input.originalLength });
    for (const c of plan.reference) byKey.set(key(c), c);
  }
  let stale = false;
  let staleLabel: string | undefined;
  const last = input.last;
  if (last && samePolicy(last, policy, staticFactor)) {
    for (const c of last.cells) {
      if (!want.has(key(c)) || c.source === 'reference') continue;
      if (c.method === 'yours' && last.yoursKey !== input.blockKey) {
        stale = true;
        staleLabel = last.yoursLabel;
        byKey.set(key(c), { ...c, stale: true });
      } else byKey.set(key(c), c);
    }
  }
  for (const c of input.running ?? []) if (want.has(key(c))) byKey.set(key(c), c);
  const cells: ShownCell[] = [];
  const missing: { method: MethodId; length: number }[] = [];
  for (const L of lengths) {
    for (const m of methods) {
      const c = byKey.get(`${m}@${L}`);
      if (c) cells.push(c);
      if (!c || c.stale) missing.push({ method: m, length: L });
    }
  }
  const out: Shown = { cells, missing, stale, staticFactor };
  if (staleLabel !== undefined) out.staleLabel = staleLabel;
  return out;
}
