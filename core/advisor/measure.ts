// Measured numbers for the advice: the top two methods on the bundled mini-model at the same stretch s = target /
// original (length round(s × L0), capped at what the preview can run), per-length policy. Pure: the caller passes
// a preview engine (Node wasm in the CLI and the server).
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
  /** Needle prompts behind needleAccuracy. */
  needles?: number;
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
}

/** Longest measured length: 16 × L0 keeps a background run to seconds (attention is T²; 8192 can exhaust wasm memory). */
export const MEASURE_MAX_LENGTH = Math.min(MAX_LENGTH, 2048);

export interface MeasureOptions extends PreviewRunOptions {
  /** Preview budget in seconds (default 6: a few seconds in the background). */
  budget?: number;
  /** Exact sample sizes (tests): needles per cell and eval bytes. */
  needles?: number;
  evalBytes?: number;
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
  let result: PreviewResult;
  try {
    result = await runner.run({ ...base, probes: ['ppl', 'needle'] as PreviewProbe[] }, runOpts);
  } catch (e) {
    // Lengths shorter than a needle prompt measure perplexity only.
    if (!isPreviewError(e) || e.code !== 'bad-length') throw e;
    result = await runner.run({ ...base, probes: ['ppl'] }, runOpts);
  }
  const candidates: MeasuredCandidate[] = picks.map((m, i) => {
    const cell = result.results.find((c) => c.method === methods[i] && c.length === length);
    const c: MeasuredCandidate = { method: m, previewMethod: methods[i]!, label: methodLabel(m) + (methods[i] !== m ? ` (as ${ENGINES[engine].label} runs it: static NTK)` : '') };
    if (cell?.perplexity !== undefined) c.perplexity = cell.perplexity;
    if (cell?.needleAccuracy !== undefined) c.needleAccuracy = cell.needleAccuracy;
    if (cell?.needles !== undefined) c.needles = cell.needles;
    return c;
  });
  return { length, stretch: length / L0, capped: want > length, candidates, model: result.model.name, runtime: result.model.runtime, ms: result.timings.totalMs };
}

function fmtStretch(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(2).replace(/0+$/, '');
}

/** The sentence the reason paragraph ends with. */
export function describeMeasurement(m: Measurement): string {
  const parts = m.candidates.map((c) => {
    const ppl = c.perplexity === undefined ? 'no perplexity' : `perplexity ${c.perplexity.toFixed(2)}`;
    const n = c.needles ? ` of ${c.needles}` : '';
    const needle = c.needleAccuracy === undefined ? '' : `, needles ${Math.round(c.needleAccuracy * 100)}%${n}`;
    return `${c.label} ${ppl}${needle}`;
  });
  // The mini-model is never fine-tuned: these are zero-shot numbers, which is what a fine-tune starts from.
  let s = `Measured zero-shot on the bundled mini-model at ${fmtStretch(m.stretch)}× its trained length (${m.length} tokens)` +
    `${m.capped ? ', the most it can run' : ''}: ${parts.join('; ')}.`;
  const [a, b] = m.candidates;
  if (a?.perplexity !== undefined && b?.perplexity !== undefined && b.perplexity < a.perplexity) {
    s += ` Here the runner-up scored lower perplexity; the recommendation follows the matrix (results on full-size models), so weigh both.`;
  }
  return s;
}

/** The advice with the measurement sentence appended to its reason. */
export function withMeasurement(advice: Advice, m: Measurement | undefined, skipped?: string): Advice {
  const extra = m ? describeMeasurement(m) : skipped ? skipped : '';
  return extra ? { ...advice, reason: `${advice.reason} ${extra}` } : advice;
}
