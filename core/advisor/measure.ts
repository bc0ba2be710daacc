// Measured numbers for the advice: the top two methods on the bundled mini-model at the same stretch s = target /
// original (length round(s × L0), capped at what the preview can run), per-length policy. Pure: the caller passes
// a preview engine (Node wasm in the CLI and the server).
import { combineResult, planPreview, type LoadedReference } from '../preview/reference';
import { MAX_LENGTH } from '../preview/request';
import type { MiniModelSpec } from '../preview/tables';
import { isPreviewError, type PreviewMethod, type PreviewProbe, type PreviewRequest, type PreviewResult, type PreviewRunOptions } from '../preview/types';
import { ENGINES, type AdvisedMethod } from './engines';
import { methodLabel, type Advice } from './recommend';

/** What measure needs of core/preview's PreviewEngine. */
export interface PreviewRunner {
  readonly mini: MiniModelSpec;
  run(request: PreviewRequest, options?: PreviewRunOptions): Promise<PreviewResult>;
}

export interface MeasuredCandidate {
  method: AdvisedMethod;
  /** The preview method run for it ("ntk" for dynamic on an engine that freezes it). */
  previewMethod: PreviewMethod;
  label: string;
  perplexity?: number;
  needleAccuracy?: number;
  /** Needle prompts behind needleAccuracy, the count retrieved and its Wilson 95% interval. */
  needles?: number;
  needleCounts?: { correct: number; total: number; ci95: [number, number] };
  perplexityCi95?: [number, number];
  /** Predictions the perplexity rests on, when no interval was recorded (fine-tuning log). */
  perplexityPredictions?: number;
  /** Read from the reference measurements beside the model, or measured now. */
  source?: 'reference' | 'live';
}

export interface Measurement {
  /** Bytes (mini-model tokens) measured at, and the stretch that stands for. */
  length: number;
  stretch: number;
  /** True when the target's stretch was above what the preview can run and the length was capped. */
  capped: boolean;
  candidates: MeasuredCandidate[];
  model: string;
  runtime: string;
  ms: number;
  /** Set when the numbers are the fine-tuned checkpoints' after this many steps at `length` (else: zero-shot). */
  finetuneSteps?: number;
  /** Reference cells at the reference length nearest the target's stretch, not at the stretch itself. */
  nearest?: boolean;
}

/** Longest measured length: 16 × L0 keeps a background run to seconds (attention is T²; 8192 can exhaust wasm memory). */
export const MEASURE_MAX_LENGTH = Math.min(MAX_LENGTH, 2048);

export interface MeasureOptions extends PreviewRunOptions {
  /** Preview budget in seconds (default 6: a few seconds in the background). */
  budget?: number;
  /** Exact sample sizes (tests): needles per cell and eval bytes. */
  needles?: number;
  evalBytes?: number;
  /** Reference measurements for this model (loadReference): cells it holds are read, not measured. */
  reference?: LoadedReference;
}

/** A method as the engine runs it: vLLM/SGLang/llama.cpp freeze "dynamic" at the full stretch = static NTK. */
function previewMethodFor(m: AdvisedMethod, engineDynamic: boolean): PreviewMethod {
  return m === 'dynamic' && !engineDynamic ? 'ntk' : m;
}

/** Why there is nothing to measure (inside the trained context both candidates are plain RoPE), else undefined. */
export function nothingToMeasure(advice: Advice): string | undefined {
  if (advice.ratio <= 1) return 'Inside the trained length every candidate runs plain RoPE, so there is nothing to measure.';
  return undefined;
}

export async function measureAdvice(runner: PreviewRunner, advice: Advice, engine: keyof typeof ENGINES, opts: MeasureOptions = {}): Promise<Measurement> {
  const L0 = runner.mini.originalLength;
  const want = Math.max(L0, Math.round(advice.ratio * L0));
  const length = Math.min(want, MEASURE_MAX_LENGTH);
  const dyn = ENGINES[engine].dynamicIsDynamic;
  const picks = [advice.method, advice.runnerUp].filter((m, i, a) => a.indexOf(m) === i);
  const methods = picks.map((m) => previewMethodFor(m, dyn));
  const base: PreviewRequest = { methods, lengths: [length], factorPolicy: 'per-length', budget: opts.budget ?? 6 };
  if (opts.needles !== undefined) base.needles = opts.needles;
  if (opts.evalBytes !== undefined) base.evalBytes = Math.max(opts.evalBytes, length);
  const runOpts: PreviewRunOptions = {};
  if (opts.signal) runOpts.signal = opts.signal;
  if (opts.onProgress) runOpts.onProgress = opts.onProgress;
  // Reference cells answer at once unless exact sample sizes were asked for.
  const loaded = opts.needles === undefined && opts.evalBytes === undefined ? opts.reference : undefined;
  const measure = async (req: PreviewRequest): Promise<PreviewResult> => {
    if (!loaded) return runner.run(req, runOpts);
    const plan = planPreview(req, loaded.reference);
    return combineResult(req, plan, plan.live ? await runner.run(plan.live, runOpts) : undefined, loaded, runner.mini);
  };
  let result: PreviewResult;
  try {
    result = await measure({ ...base, probes: ['ppl', 'needle'] as PreviewProbe[] });
  } catch (e) {
    // Lengths shorter than a needle prompt measure perplexity only.
    if (!isPreviewError(e) || e.code !== 'bad-length') throw e;
    result = await measure({ ...base, probes: ['ppl'] });
  }
  const candidates: MeasuredCandidate[] = picks.map((m, i) => {
    const cell = result.results.find((c) => c.method === methods[i] && c.length === length);
    const c: MeasuredCandidate = { method: m, previewMethod: methods[i]!, label: methodLabel(m) + (methods[i] !== m ? ` (as ${ENGINES[engine].label} runs it: static NTK)` : '') };
    if (cell?.perplexity !== undefined) c.perplexity = cell.perplexity;
    if (cell?.needleAccuracy !== undefined) c.needleAccuracy = cell.needleAccuracy;
    if (cell?.needles !== undefined) c.needles = cell.needles;
    if (cell?.needleCounts) c.needleCounts = cell.needleCounts;
    if (cell?.perplexityCi95) c.perplexityCi95 = cell.perplexityCi95;
    if (cell) c.source = cell.source;
    return c;
  });
  return { length, stretch: length / L0, capped: want > length, candidates, model: result.model.name, runtime: result.model.runtime, ms: result.timings.totalMs };
}

function fmtStretch(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(2).replace(/0+$/, '');
}

/** Whether two 95% intervals are apart (neither overlaps the other). */
function apart(x?: [number, number], y?: [number, number]): boolean {
  return x !== undefined && y !== undefined && (x[1] < y[0] || y[1] < x[0]);
}

/** The sentence the reason paragraph ends with: what was measured, on what (zero-shot or fine-tuned), with n and intervals. */
export function describeMeasurement(m: Measurement): string {
  const pct = (x: number): string => `${Math.round(x * 100)}`;
  const parts = m.candidates.map((c) => {
    const ci = c.perplexityCi95
      ? ` (95% ${c.perplexityCi95[0].toFixed(2)}–${c.perplexityCi95[1].toFixed(2)})`
      : c.perplexityPredictions ? ` (${c.perplexityPredictions.toLocaleString('en-US')} predictions, no interval recorded)` : '';
    const ppl = c.perplexity === undefined ? 'no perplexity' : `perplexity ${c.perplexity.toFixed(2)}${ci}`;
    const needle = c.needleCounts
      ? `, needles ${c.needleCounts.correct}/${c.needleCounts.total} (95% ${pct(c.needleCounts.ci95[0])}–${pct(c.needleCounts.ci95[1])}%)`
      : c.needleAccuracy === undefined ? '' : `, needles ${pct(c.needleAccuracy)}%${c.needles ? ` of ${c.needles}` : ''}`;
    return `${c.label} ${ppl}${needle}`;
  });
  const at = `${fmtStretch(m.stretch)}× its trained length (${m.length} tokens)`;
  let s = m.finetuneSteps !== undefined
    ? `Measured after ${m.finetuneSteps} fine-tuning steps at ${fmtStretch(m.stretch)}× the mini-model's trained length (${m.length} tokens), one checkpoint per method: ${parts.join('; ')}.`
    : `Measured zero-shot on the bundled mini-model at ${at}${m.capped ? ', the most it can run' : ''}${m.nearest ? ', the reference length nearest your stretch' : ''}: ${parts.join('; ')}.`;
  const [a, b] = m.candidates;
  // A difference inside the intervals is not worded as a difference; without intervals none is worded at all.
  if (a?.perplexity !== undefined && b?.perplexity !== undefined && b.perplexity < a.perplexity && apart(a.perplexityCi95, b.perplexityCi95)) {
    s += ` Here the runner-up scored lower perplexity; the recommendation follows the matrix (results on full-size models), so weigh both.`;
  } else if (a?.perplexityCi95 && b?.perplexityCi95 && !apart(a.perplexityCi95, b.perplexityCi95)) {
    s += ` The two perplexities are within each other's 95% intervals: no difference measured.`;
  }
  if (a?.needleCounts && b?.needleCounts) {
    const ra = a.needleCounts.correct / a.needleCounts.total;
    const rb = b.needleCounts.correct / b.needleCounts.total;
    if (apart(a.needleCounts.ci95, b.needleCounts.ci95)) s += ` ${ra > rb ? a.label : b.label} retrieved more needles than ${ra > rb ? b.label : a.label} (the 95% intervals do not overlap).`;
    else if (ra !== rb) s += ' The needle counts are within each other\'s 95% intervals: no difference measured.';
  }
  if (m.finetuneSteps === undefined && m.candidates.some((c) => c.source === 'reference')) s += ' (Reference measurements shipped with the model.)';
  return s;
}

/** The advice with the measurement sentence appended to its reason. */
export function withMeasurement(advice: Advice, m: Measurement | undefined, skipped?: string): Advice {
  const extra = m ? describeMeasurement(m) : skipped ? skipped : '';
  return extra ? { ...advice, reason: `${advice.reason} ${extra}` } : advice;
}
