// Reference measurements shipped beside the model (media/model/preview-reference.json, written by
// scripts/gen-preview-reference.ts): every built-in method and the window baseline at 1–16 × L0 under both factor
// policies, and the methods with a model of their own (models.ts) once, measured with large samples. Hosts show these
// at once (no forward pass) and measure live only what the reference lacks. Each cell names the sha-256 of the model
// it was measured on; a cell whose model file changed is dropped (measured live), the others stay.
import { BASE_MODEL_FILE, modelOf, policyFree } from './models';
import { modelNotes, policyNotes } from './notes';
import { parseLength } from './request';
import { MINI_MODEL, type MiniModelSpec } from './tables';
import { ALL_PROBES, BASELINE_METHODS, BUILTIN_METHODS, MODEL_METHODS, PreviewError, type FactorPolicy, type PreviewCell, type PreviewMethod, type PreviewRequest, type PreviewResult } from './types';

export const REFERENCE_FORMAT = 'ropelens-preview-reference/1';
export const REFERENCE_FILE = 'preview-reference.json';

/** A reference cell: the measured figures and the sha-256 of the model file it was measured on (models.ts modelOf;
 * absent in older files: the base model's, PreviewReference.modelSha256). */
export type ReferenceCell = PreviewCell & { modelSha256?: string };

/** One measured sweep (one factor policy) of the reference. Methods whose cells do not depend on the policy
 * (models.ts policyFree) are stored in one run only and answer either policy. */
export interface ReferenceRun {
  factorPolicy: FactorPolicy;
  /** static policy: the factor every length used. */
  staticFactor?: number;
  lengths: number[];
  results: ReferenceCell[];
}

/** An incremental `npm run reference`: the cells it measured (missing or stale ones) and what that took. */
export interface ReferenceUpdate {
  generated: string;
  cells: string[];
  wallSeconds: number;
  jobs: number;
}

export interface PreviewReference {
  format: typeof REFERENCE_FORMAT;
  /** The base model file's name and sha-256 (hex): the model of every cell that names none of its own. */
  model: string;
  modelSha256: string;
  /** The runtime that produced the table (recomputing on it gives identical needle outcomes). */
  runtime: string;
  /** The command that regenerates the file. */
  command: string;
  /** Sample sizes per cell. */
  needles: number;
  evalBytes: number;
  /** When it was measured (ISO date) and how long it took. */
  generated: string;
  wallSeconds: number;
  /** Measuring time of each job (child process) and how many ran in parallel. */
  jobSeconds?: number[];
  jobs?: number;
  /** Incremental runs since the last full build (generated/wallSeconds/jobs describe that build). */
  updates?: ReferenceUpdate[];
  originalLength: number;
  /** The engine's notes of the runs (definitions of methods, interval method). */
  notes: string[];
  runs: ReferenceRun[];
}

/** sha-256 of bytes as lower-case hex (Web Crypto: Node ≥ 20 and the webview). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: { digest(a: string, d: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle) throw new PreviewError('runtime', 'Web Crypto (crypto.subtle) is not available to hash the model');
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Validates a parsed reference file (shape only; the hash is checked by loadReference). */
export function parseReference(doc: unknown): PreviewReference {
  const bad = (why: string): never => {
    throw new PreviewError('assets-invalid', `${REFERENCE_FILE}: ${why}`);
  };
  if (typeof doc !== 'object' || doc === null) bad('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d['format'] !== REFERENCE_FORMAT) bad(`unknown format ${JSON.stringify(d['format'])} (expected "${REFERENCE_FORMAT}")`);
  if (typeof d['modelSha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(d['modelSha256'])) bad('"modelSha256" must be 64 hex digits');
  if (!Array.isArray(d['runs'])) bad('"runs" must be a list');
  for (const r of d['runs'] as Record<string, unknown>[]) {
    if (r?.['factorPolicy'] !== 'per-length' && r?.['factorPolicy'] !== 'static') bad('a run has no factorPolicy');
    if (!Array.isArray(r['results'])) bad('a run has no results');
    for (const c of r['results'] as Record<string, unknown>[]) {
      if (typeof c?.['method'] !== 'string' || typeof c['length'] !== 'number') bad('a result has no method or length');
      if (c['modelSha256'] !== undefined && (typeof c['modelSha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(c['modelSha256']))) bad('a result\'s "modelSha256" must be 64 hex digits');
    }
  }
  return doc as PreviewReference;
}

export interface LoadedReference {
  /** Absent when there is no usable reference (missing, malformed, or every cell measured on other model files). */
  reference?: PreviewReference;
  /** Why the reference is not used, or what it is (for the result notes). */
  note: string;
}

/**
 * sha-256 of the other model files (models.ts), by file name: a hex digest, null when the file is not there (its
 * cells are dropped), absent when the host has not read it yet (its cells are kept, checked when it loads).
 */
export type ModelShas = Record<string, string | null | undefined>;

/** The sha-256 a reference cell was measured on. */
export function cellSha(ref: PreviewReference, c: ReferenceCell): string {
  return c.modelSha256 ?? ref.modelSha256;
}

/**
 * The reference for these models, or none with a note: a missing or malformed file means everything is measured
 * live; a cell whose model's sha-256 differs from the one it was measured on (a retrained or replaced model) is
 * dropped and measured live, the other cells stay.
 */
export async function loadReference(doc: unknown, model: Uint8Array, others: ModelShas = {}): Promise<LoadedReference> {
  if (doc === undefined || doc === null) return { note: 'no reference measurements beside the model: every cell is measured live' };
  let ref: PreviewReference;
  try {
    ref = parseReference(doc);
  } catch (e) {
    return { note: `reference measurements ignored (${(e as Error).message}): every cell is measured live` };
  }
  const shas: ModelShas = { ...others, [BASE_MODEL_FILE]: await sha256Hex(model) };
  /** Per dropped model file: the sha it was measured on and the one here. */
  const dropped = new Map<string, { was: string; now: string | null }>();
  let kept = 0;
  const runs = ref.runs.map((run) => ({
    ...run,
    results: run.results.filter((c) => {
      const file = modelOf(c.method).file;
      const now = shas[file];
      const was = cellSha(ref, c);
      if (now === undefined || now === was) {
        kept++;
        return true;
      }
      dropped.set(file, { was, now });
      return false;
    }),
  }));
  const why = [...dropped].map(([file, d]) => (d.now === null ? `${file} is not there` : `${file} is ${d.now.slice(0, 12)}… (measured on ${d.was.slice(0, 12)}…)`));
  if (kept === 0 && (dropped.size > 0 || shas[BASE_MODEL_FILE] !== ref.modelSha256)) {
    const base = dropped.get(BASE_MODEL_FILE) ?? { was: ref.modelSha256, now: shas[BASE_MODEL_FILE]! };
    return {
      note:
        dropped.size <= 1 && base.now !== null
          ? `reference measurements dropped: they were measured on a model with sha-256 ${base.was.slice(0, 12)}…, this model is ${base.now.slice(0, 12)}…; every cell is measured live (regenerate with \`${ref.command}\`)`
          : `reference measurements dropped: ${why.join('; ')}; every cell is measured live (regenerate with \`${ref.command}\`)`,
    };
  }
  if (dropped.size === 0) return { reference: ref, note: referenceNote(ref) };
  const rest: PreviewReference = { ...ref, runs };
  return { reference: rest, note: `${referenceNote(rest)}; cells of another model file dropped (measured live): ${why.join('; ')}` };
}

export function referenceNote(ref: PreviewReference): string {
  return (
    `reference cells: measured beside the model (sha-256 ${ref.modelSha256.slice(0, 12)}…) with ${ref.needles} needle prompts and ` +
    `${ref.evalBytes} eval bytes per cell on ${ref.runtime}; regenerate with \`${ref.command}\``
  );
}

/** The grid a request asks for, resolved without the assets (the same defaults as resolveRequest). */
export interface RequestGrid {
  methods: PreviewMethod[];
  lengths: number[];
  policy: FactorPolicy;
  staticFactor: number;
  probes: ('ppl' | 'needle')[];
}

export function requestGrid(req: PreviewRequest, mini: MiniModelSpec = MINI_MODEL, reference?: PreviewReference): RequestGrid {
  const L0 = mini.originalLength;
  const specs = req.lengths && req.lengths.length > 0 ? req.lengths : [1, 2, 4, 8, 16].map((m) => m * L0);
  const lengths = [...new Set(specs.map((s) => parseLength(s, L0)))].sort((a, b) => a - b);
  const methods: PreviewMethod[] = req.methods && req.methods.length > 0 ? [...new Set(req.methods)] : defaultMethods(lengths, reference, !!req.yours);
  const policy = req.factorPolicy ?? 'per-length';
  const staticFactor = req.staticFactor ?? Math.max(1, lengths[lengths.length - 1]! / L0);
  const probes = (req.probes && req.probes.length > 0 ? [...new Set(req.probes)] : [...ALL_PROBES]) as ('ppl' | 'needle')[];
  return { methods, lengths, policy, staticFactor, probes };
}

/**
 * The default methods: the built-in ones and the window baseline, plus each method with a model of its own whose
 * cells the reference holds at every one of these lengths (shown at no cost; asked for by name they are measured
 * live where the reference lacks them), plus "yours" with a block.
 */
export function defaultMethods(lengths: readonly number[], reference: PreviewReference | undefined, yours: boolean): PreviewMethod[] {
  const held = (m: PreviewMethod): boolean => !!reference && lengths.every((L) => reference.runs.some((r) => r.results.some((c) => c.method === m && c.length === L)));
  return [...BUILTIN_METHODS, ...BASELINE_METHODS, ...MODEL_METHODS.filter(held), ...(yours ? (['yours'] as const) : [])];
}

function runFor(ref: PreviewReference, method: PreviewMethod, grid: RequestGrid): ReferenceRun | undefined {
  // The window baseline never scales, the other models run with their own fixed setting: any run that holds them.
  if (policyFree(method)) return ref.runs.find((r) => r.results.some((c) => c.method === method));
  return ref.runs.find((r) => r.factorPolicy === grid.policy && (grid.policy === 'per-length' || r.staticFactor === grid.staticFactor));
}

/** A reference cell cut to the probes asked for, marked as a reference. */
function trimmed(c: PreviewCell, probes: readonly string[]): PreviewCell {
  const out: ReferenceCell = { ...c, source: 'reference', ms: 0 };
  delete out.reusedFrom;
  delete out.modelSha256;
  if (!probes.includes('ppl')) {
    for (const k of ['perplexity', 'perplexityCi95', 'perplexityBeyondL0', 'perplexityBeyondL0Ci95', 'evalChunks'] as const) delete out[k];
  }
  if (!probes.includes('needle')) {
    for (const k of ['needleAccuracy', 'needleCharAccuracy', 'needles', 'needleCounts', 'needleOutcomes'] as const) delete out[k];
  }
  return out;
}

/** The cells of `request` the reference answers (no forward pass), in grid order (lengths ascending, then methods). */
export function referenceCells(request: PreviewRequest, reference: PreviewReference | undefined, mini: MiniModelSpec = MINI_MODEL): PreviewCell[] {
  return planPreview(request, reference, {}, mini).reference;
}

export interface PreviewPlan {
  /** Cells answered by the reference, source "reference". */
  reference: PreviewCell[];
  /** The cells that must be measured live (the user's block, lengths or factors the reference lacks, or all when
   * re-measuring), in grid order. */
  liveCells: { method: PreviewMethod; length: number }[];
  /** The request to run for them (request.cells set), absent when the reference answers everything. */
  live?: PreviewRequest;
}

/**
 * Splits a request into what the reference answers and what must be measured live. `live: true` (the user asks to
 * re-measure) sends every cell to the live run, and so do exact sample sizes (request.needles / evalBytes: not what
 * the reference measured). A method "yours" is always live.
 */
export function planPreview(request: PreviewRequest, reference: PreviewReference | undefined, opts: { live?: boolean } = {}, mini: MiniModelSpec = MINI_MODEL): PreviewPlan {
  const grid = requestGrid(request, mini, reference);
  const wanted = request.cells ? new Set(request.cells.map((c) => `${c.method}@${c.length}`)) : undefined;
  const ref: PreviewCell[] = [];
  const liveCells: { method: PreviewMethod; length: number }[] = [];
  const allLive = opts.live === true || request.needles !== undefined || request.evalBytes !== undefined;
  for (const L of grid.lengths) {
    for (const m of grid.methods) {
      if (wanted && !wanted.has(`${m}@${L}`)) continue;
      const run = allLive || !reference || m === 'yours' ? undefined : runFor(reference, m, grid);
      const hit = run?.results.find((c) => c.method === m && c.length === L);
      if (hit) ref.push(trimmed(hit, grid.probes));
      else liveCells.push({ method: m, length: L });
    }
  }
  const plan: PreviewPlan = { reference: ref, liveCells };
  // The grid's methods (the defaults resolved against the reference), so the engine sees the same grid.
  if (liveCells.length > 0) plan.live = { ...request, methods: grid.methods, cells: liveCells };
  return plan;
}

/**
 * One result from the reference cells and the live run (either may be empty), cells in grid order. The reference's
 * note (or why it was dropped) leads the notes.
 */
export function combineResult(request: PreviewRequest, plan: PreviewPlan, live: PreviewResult | undefined, loaded: LoadedReference, mini: MiniModelSpec = MINI_MODEL): PreviewResult {
  const grid = requestGrid(request, mini, loaded.reference);
  const all = [...plan.reference, ...(live?.results ?? [])];
  const results: PreviewCell[] = [];
  for (const L of grid.lengths) for (const m of grid.methods) {
    const c = all.find((x) => x.method === m && x.length === L);
    if (c) results.push(c);
  }
  const ref = loaded.reference;
  const notes = [loaded.note, ...(live?.notes ?? [...policyNotes(grid.policy, grid.staticFactor, mini.originalLength), ...modelNotes(grid.methods), ...(ref?.notes ?? []).filter((n) => !/^static policy|^cells with identical/.test(n))])];
  if (plan.reference.length > 0 && live) notes.splice(1, 0, `live cells (${plan.liveCells.map((c) => `${c.method}@${c.length}`).join(', ')}) were measured now; the rest are reference cells`);
  const needleN = (L: number): number => {
    const ns = results.filter((c) => c.length === L && c.needles !== undefined).map((c) => c.needles!);
    return ns.length > 0 ? Math.min(...ns) : 0;
  };
  const out: PreviewResult = {
    model: {
      name: live?.model.name ?? (ref ? ref.model.replace(/\.onnx$/, '') : 'ropelens-mini'),
      originalLength: mini.originalLength,
      headDim: mini.headDim,
      ropeTheta: mini.ropeTheta,
      evalBytes: Math.max(live?.model.evalBytes ?? 0, plan.reference.length > 0 && ref && grid.probes.includes('ppl') ? ref.evalBytes : 0),
      evalWindows: live?.model.evalWindows ?? 0,
      needlesPerCell: grid.probes.includes('needle') ? Math.min(...grid.lengths.map(needleN)) : 0,
      needlesPerLength: grid.probes.includes('needle') ? grid.lengths.map(needleN) : [],
      runtime: [plan.reference.length > 0 && ref ? `reference: ${ref.runtime}` : '', live ? `live: ${live.model.runtime}` : ''].filter(Boolean).join('; '),
    },
    originalLength: mini.originalLength,
    factorPolicy: grid.policy,
    methods: grid.methods,
    lengths: grid.lengths,
    probes: grid.probes,
    results,
    timings: live?.timings ?? { totalMs: 0, firstResultMs: 0, sessionMs: 0, forwardPasses: 0, forwardMs: 0, reusedCells: 0 },
    notes,
  };
  if (live?.model.layers !== undefined) out.model.layers = live.model.layers;
  if (live?.model.parameters !== undefined) out.model.parameters = live.model.parameters;
  if (grid.policy === 'static') out.staticFactor = grid.staticFactor;
  if (live?.yours) out.yours = live.yours;
  return out;
}
