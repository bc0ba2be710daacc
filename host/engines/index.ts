// One entry for previewing a real model (CLI and editor): picks the engine, runs the sweep (core/preview/sweep/run.ts)
// with the shipped eval text and needles, and always frees what the engine started, whatever happens.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNeedles } from '../../core/preview/probes/needle';
import { BackendError, type ScoringBackend } from '../../core/preview/sweep/backend';
import { runSweep, type SweepAssets } from '../../core/preview/sweep/run';
import { PreviewError, type PreviewCell, type PreviewProbe, type PreviewProgress, type PreviewResult } from '../../core/preview/types';
import { findModelDir } from '../ort-node';
import { createOnnxBackend } from './onnx';
import { createLlamaCppProcessBackend } from './worker';
import { createOpenAIBackend, type OpenAIBackendOptions } from './openai';

export type RealEngine = 'onnx' | 'llama.cpp' | 'openai';
export const REAL_ENGINES: readonly RealEngine[] = ['onnx', 'llama.cpp', 'openai'];

export interface RealPreviewOptions {
  engine: RealEngine;
  /** onnx / llama.cpp: the model file; openai: the served model's name. */
  model: string;
  /** openai: the server URL, or several ("URL" for every method, "method=URL" for one). */
  url?: string | string[];
  launch?: string;
  lengths?: string[];
  methods?: string[];
  budgetS?: number;
  /** Exact sample sizes (both given: no clock). */
  needles?: number;
  evalTokens?: number;
  probes?: PreviewProbe[];
  threads?: number;
  /** Model facts an engine cannot read itself (openai: from the model's config.json). */
  originalContext?: number;
  ropeTheta?: number;
  headDim?: number;
  /** Where eval.txt and needles.json lie (default: the bundled media/model). */
  assetsDir?: string;
}

export interface RealPreviewHooks {
  onProgress?(p: PreviewProgress): void;
  onCell?(c: PreviewCell): void;
  signal?: AbortSignal;
}

/** The shipped eval text and needles (media/model), the same the mini-model preview uses. */
export function loadSweepAssets(dir = findModelDir()): SweepAssets {
  const read = (name: string): Buffer => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new PreviewError('assets-invalid', `${name} not found in ${dir}`);
    return readFileSync(p);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(read('needles.json').toString('utf8'));
  } catch (e) {
    if (e instanceof PreviewError) throw e;
    throw new PreviewError('assets-invalid', `needles.json is not valid JSON (${(e as Error).message})`);
  }
  return { evalText: new Uint8Array(read('eval.txt')), needles: parseNeedles(doc) };
}

export async function createBackend(opts: RealPreviewOptions): Promise<ScoringBackend> {
  switch (opts.engine) {
    case 'onnx':
      return createOnnxBackend({ model: opts.model, ...(opts.threads !== undefined ? { threads: opts.threads } : {}) });
    case 'llama.cpp':
      return createLlamaCppProcessBackend({ model: opts.model, ...(opts.threads !== undefined ? { threads: opts.threads } : {}) });
    case 'openai': {
      const o: OpenAIBackendOptions = { model: opts.model };
      if (opts.url !== undefined) o.url = opts.url;
      if (opts.launch !== undefined) o.launch = opts.launch;
      if (opts.originalContext !== undefined) o.originalContext = opts.originalContext;
      if (opts.ropeTheta !== undefined) o.ropeTheta = opts.ropeTheta;
      // Launched servers are sized once for the longest length when it is given in tokens (multiples need L0).
      const tokens = (opts.lengths ?? []).map((l) => (/^\d+(\.\d+)?k$/i.test(l.trim()) ? Number(l.trim().slice(0, -1)) * 1024 : /^\d+$/.test(l.trim()) ? Number(l) : NaN));
      if (tokens.length > 0 && tokens.every((n) => Number.isFinite(n))) o.maxLength = Math.max(...tokens);
      return createOpenAIBackend(o);
    }
    default:
      throw new PreviewError('bad-method', `unknown engine "${String(opts.engine)}" (expected ${REAL_ENGINES.join(', ')})`);
  }
}

/**
 * Runs the sweep on a real engine. Rejects with PreviewError (bad input, cancelled) or BackendError (engine fault:
 * one clear line); cells finished before a fault or cancellation have already reached hooks.onCell. The engine is
 * disposed (contexts freed, processes stopped) on every path.
 */
export async function runRealPreview(opts: RealPreviewOptions, hooks: RealPreviewHooks = {}): Promise<PreviewResult> {
  const assets = loadSweepAssets(opts.assetsDir);
  if (hooks.signal?.aborted) throw new PreviewError('cancelled', 'preview cancelled');
  const backend = await createBackend(opts);
  try {
    return await runSweep(
      backend,
      assets,
      {
        methods: opts.methods,
        lengths: opts.lengths,
        budgetS: opts.budgetS,
        needles: opts.needles,
        evalTokens: opts.evalTokens,
        probes: opts.probes,
        originalContext: opts.originalContext,
        headDim: opts.headDim,
        engine: opts.engine,
        modelName: opts.model.split(/[\\/]/).pop() ?? opts.model,
      },
      { onProgress: hooks.onProgress, onCell: hooks.onCell, signal: hooks.signal },
    );
  } catch (e) {
    if (e instanceof BackendError && e.code === 'cancelled') throw new PreviewError('cancelled', 'preview cancelled');
    throw e;
  } finally {
    await backend.dispose();
  }
}
