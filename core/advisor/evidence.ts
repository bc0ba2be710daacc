// The evidence the advisor quotes, read from the files shipped beside the model: the fine-tuned checkpoints'
// measurements (media/model/finetune-results.json: perplexity and needles at 4×L0 after 0/50/100/200 steps per method)
// for "will fine-tune", and the zero-shot reference cells (preview-reference.json) for "zero-shot". Pure: hosts read
// and JSON.parse the files and pass the values in (host/evidence.ts loadAdvisorEvidence).
import type { PreviewReference } from '../preview/reference';
import type { PreviewCell, PreviewMethod } from '../preview/types';
import { ENGINES, type AdvisedMethod } from './engines';
import { describeMeasurement as describeMeasurementOf, type MeasuredCandidate, type Measurement } from './measure';
import { methodLabel, type Advice } from './recommend';
import type { Engine } from '../model';

/** The RoPE methods the mini-model was fine-tuned with. */
export type FinetunedMethod = 'linear' | 'ntk' | 'yarn';
export const FINETUNED_METHODS: readonly FinetunedMethod[] = ['yarn', 'ntk', 'linear'];

export interface FinetuneStep {
  step: number;
  perplexity: number;
  /** Byte predictions the perplexity rests on. */
  predictions: number;
  needles: { correct: number; total: number; ci95: [number, number] };
}

export interface FinetuneEvidence {
  /** Length (bytes) fine-tuned and measured at, the factor it stands for, and the step budget. */
  length: number;
  factor: number;
  steps: number;
  methods: Partial<Record<FinetunedMethod, { steps: FinetuneStep[]; cell?: PreviewCell }>>;
}

const FT_LABEL: Record<FinetunedMethod, string> = { linear: 'linear Position Interpolation', ntk: 'NTK-aware', yarn: 'YaRN' };

/** The reference method name of a fine-tuned checkpoint ("yarn+ft"). */
export function finetunedPreviewMethod(m: FinetunedMethod): string {
  return `${m}+ft`;
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * finetune-results.json parsed into the evidence, with the reference cells of `linear+ft`, `ntk+ft`, `yarn+ft` at the
 * fine-tuned length when the reference has them (they carry perplexity intervals). A one-line reason when unusable.
 */
export function parseFinetuneEvidence(doc: unknown, reference?: PreviewReference): FinetuneEvidence | string {
  if (typeof doc !== 'object' || doc === null) return 'finetune-results.json is missing or not a JSON object';
  const d = doc as Record<string, unknown>;
  const length = d['length'];
  const factor = d['factor'];
  const steps = d['steps'];
  if (!isNum(length) || !isNum(factor) || !isNum(steps)) return 'finetune-results.json: "length", "factor" and "steps" must be numbers';
  const methods = d['methods'];
  if (typeof methods !== 'object' || methods === null) return 'finetune-results.json: "methods" must be an object';
  const out: FinetuneEvidence = { length, factor, steps, methods: {} };
  for (const m of FINETUNED_METHODS) {
    const rows = (methods as Record<string, { rows?: unknown }>)[m]?.rows;
    if (!Array.isArray(rows)) continue;
    const parsed: FinetuneStep[] = [];
    for (const r of rows as Record<string, unknown>[]) {
      const ci = r?.['needle_ci95'];
      if (!isNum(r?.['step']) || !isNum(r['perplexity']) || !isNum(r['predictions']) || !isNum(r['needle_correct']) || !isNum(r['needle_total'])
        || !Array.isArray(ci) || !isNum(ci[0]) || !isNum(ci[1])) return `finetune-results.json: a ${m} row lacks step, perplexity, predictions or needle counts`;
      parsed.push({ step: r['step'], perplexity: r['perplexity'], predictions: r['predictions'], needles: { correct: r['needle_correct'], total: r['needle_total'], ci95: [ci[0], ci[1]] } });
    }
    parsed.sort((a, b) => a.step - b.step);
    const entry: { steps: FinetuneStep[]; cell?: PreviewCell } = { steps: parsed };
    // A fine-tuned checkpoint runs its own fixed setting: its cells answer either factor policy, so any run may hold them.
    const cell = reference?.runs
      .flatMap((r) => r.results)
      .find((c) => (c.method as string) === finetunedPreviewMethod(m) && c.length === length);
    if (cell) entry.cell = cell;
    out.methods[m] = entry;
  }
  if (Object.keys(out.methods).length === 0) return 'finetune-results.json holds no linear, ntk or yarn rows';
  return out;
}

/** The checkpoint an advised method is quoted with: dynamic NTK has none; at its fine-tuned length it runs NTK-aware frequencies. */
function checkpointOf(m: AdvisedMethod): FinetunedMethod | undefined {
  return m === 'yarn' ? 'yarn' : m === 'linear' ? 'linear' : m === 'dynamic' ? 'ntk' : undefined;
}

/**
 * The fine-tuned checkpoints as a Measurement (after the full step budget, at the fine-tuned length): the advised
 * method, the runner-up, then the other checkpoints. Undefined inside the trained length (nothing is scaled there).
 */
export function finetuneMeasurement(advice: Advice, ev: FinetuneEvidence, originalLength: number): Measurement | undefined {
  if (advice.ratio <= 1) return undefined;
  const order: { m: FinetunedMethod; label: string; method: AdvisedMethod }[] = [];
  for (const a of [advice.method, advice.runnerUp]) {
    const m = checkpointOf(a);
    if (m && ev.methods[m] && !order.some((o) => o.m === m)) {
      order.push({ m, method: a, label: a === 'dynamic' ? 'NTK-aware (the checkpoint nearest dynamic NTK: no dynamic NTK checkpoint was trained)' : FT_LABEL[m] });
    }
  }
  for (const m of FINETUNED_METHODS) if (ev.methods[m] && !order.some((o) => o.m === m)) order.push({ m, method: m === 'ntk' ? 'dynamic' : m, label: FT_LABEL[m] });
  const candidates: MeasuredCandidate[] = [];
  for (const o of order) {
    const e = ev.methods[o.m]!;
    const last = e.steps.find((s) => s.step === ev.steps);
    const c: MeasuredCandidate = { method: o.method, previewMethod: finetunedPreviewMethod(o.m) as PreviewMethod, label: o.label };
    if (e.cell?.perplexity !== undefined) {
      // The reference cell measured the same checkpoint with chunk-level intervals: quote it.
      c.perplexity = e.cell.perplexity;
      if (e.cell.perplexityCi95) c.perplexityCi95 = e.cell.perplexityCi95;
      if (e.cell.needleCounts) c.needleCounts = e.cell.needleCounts;
      c.source = 'reference';
    } else if (last) {
      c.perplexity = last.perplexity;
      c.perplexityPredictions = last.predictions;
      c.needleCounts = last.needles;
      c.source = 'reference';
    } else continue;
    if (c.needleCounts) {
      c.needles = c.needleCounts.total;
      c.needleAccuracy = c.needleCounts.correct / c.needleCounts.total;
    }
    candidates.push(c);
  }
  if (candidates.length === 0) return undefined;
  return {
    length: ev.length, stretch: ev.length / originalLength, capped: false, candidates,
    model: 'ropelens-mini fine-tuned checkpoints', runtime: 'finetune-results.json', ms: 0,
    finetuneSteps: ev.steps,
  };
}

const pct = (x: number): number => Math.round(x * 100);

/** One line per checkpoint: perplexity and needles after each measured step count (the "fewer steps" claim, measured). */
export function finetuneTrajectory(ev: FinetuneEvidence, originalLength: number): string {
  const stretch = ev.length / originalLength;
  const parts = FINETUNED_METHODS.filter((m) => ev.methods[m]).map((m) => {
    const rows = ev.methods[m]!.steps.map((s) => `${s.step} steps: perplexity ${s.perplexity.toFixed(2)}, needles ${s.needles.correct}/${s.needles.total} (95% ${pct(s.needles.ci95[0])}–${pct(s.needles.ci95[1])}%)`);
    return `${FT_LABEL[m]}: ${rows.join('; ')}`;
  });
  const n = ev.methods[FINETUNED_METHODS.find((m) => ev.methods[m])!]!.steps[0]?.predictions;
  return `Fine-tuning the mini-model at ${stretch}× its trained length (${ev.length} tokens), measured after each step count` +
    `${n ? ` (perplexity over ${n.toLocaleString('en-US')} byte predictions, no interval recorded; needles with Wilson 95% intervals)` : ''}: ${parts.join(' | ')}.`;
}

/**
 * Zero-shot reference cells as a Measurement, without running anything: the two candidates at the reference length
 * nearest the target's stretch (log scale). Undefined when the reference lacks the cells or nothing is scaled.
 */
export function referenceMeasurement(advice: Advice, engine: Engine, reference: PreviewReference | undefined): Measurement | undefined {
  if (!reference || advice.ratio <= 1) return undefined;
  const L0 = reference.originalLength;
  const run = reference.runs.find((r) => r.factorPolicy === 'per-length');
  if (!run) return undefined;
  const lengths = run.lengths.filter((L) => L > L0);
  if (!lengths.length) return undefined;
  const want = advice.ratio * L0;
  const length = lengths.reduce((a, b) => (Math.abs(Math.log(b / want)) < Math.abs(Math.log(a / want)) ? b : a));
  const dyn = ENGINES[engine].dynamicIsDynamic;
  const picks = [advice.method, advice.runnerUp].filter((m, i, a) => a.indexOf(m) === i);
  const candidates: MeasuredCandidate[] = [];
  for (const m of picks) {
    const pm: PreviewMethod = m === 'dynamic' && !dyn ? 'ntk' : m;
    const cell = run.results.find((c) => c.method === pm && c.length === length);
    if (!cell) return undefined;
    const c: MeasuredCandidate = { method: m, previewMethod: pm, label: methodLabel(m) + (pm !== m ? ` (as ${ENGINES[engine].label} runs it: static NTK)` : ''), source: 'reference' };
    if (cell.perplexity !== undefined) c.perplexity = cell.perplexity;
    if (cell.perplexityCi95) c.perplexityCi95 = cell.perplexityCi95;
    if (cell.needleCounts) {
      c.needleCounts = cell.needleCounts;
      c.needles = cell.needleCounts.total;
      c.needleAccuracy = cell.needleCounts.correct / cell.needleCounts.total;
    }
    candidates.push(c);
  }
  return { length, stretch: length / L0, capped: false, candidates, model: reference.model, runtime: reference.runtime, ms: 0, nearest: Math.abs(want - length) > 0.5 };
}

/** What a host passes: the parsed finetune-results.json and the loaded reference (either may be absent). */
export interface EvidenceInput {
  finetune?: unknown;
  reference?: PreviewReference;
  /** The mini-model's trained length (default: the reference's, else 128). */
  originalLength?: number;
}

export interface QuotedEvidence {
  /** The advice with the measurement sentence in its reason and, for fine-tuning, the per-step note. */
  advice: Advice;
  measurement?: Measurement;
  /** Why nothing was quoted, when nothing was. */
  skipped?: string;
}

/**
 * The measured evidence for the advice: the fine-tuned checkpoints when the user will fine-tune, the zero-shot
 * reference cells otherwise. Each says which in its first words ("Measured after 200 fine-tuning steps…" /
 * "Measured zero-shot…").
 */
export function quoteEvidence(advice: Advice, finetune: boolean, engine: Engine, input: EvidenceInput): QuotedEvidence {
  const L0 = input.originalLength ?? input.reference?.originalLength ?? 128;
  if (advice.ratio <= 1) return { advice, skipped: 'Inside the trained length every candidate runs plain RoPE, so there is nothing to quote.' };
  if (finetune) {
    const ev = parseFinetuneEvidence(input.finetune, input.reference);
    if (typeof ev === 'string') return { advice, skipped: `No fine-tuned measurements to quote (${ev}).` };
    const m = finetuneMeasurement(advice, ev, L0);
    if (!m) return { advice, skipped: 'No fine-tuned checkpoint matches the advised methods.' };
    return { advice: { ...advice, reason: `${advice.reason} ${describeMeasurementOf(m)}`, notes: [...advice.notes, finetuneTrajectory(ev, L0)] }, measurement: m };
  }
  const m = referenceMeasurement(advice, engine, input.reference);
  if (!m) return { advice, skipped: 'No zero-shot reference cells for these methods.' };
  return { advice: { ...advice, reason: `${advice.reason} ${describeMeasurementOf(m)}` }, measurement: m };
}
