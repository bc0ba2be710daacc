// ScoringBackend over llama.cpp in-process, through node-llama-cpp (an optional dependency, loaded on first use;
// prebuilt CPU binaries, never built or downloaded at run time).
//
// How a method reaches llama.cpp (ledger: llama.cpp.node-llama-cpp, llama.cpp.load-rope-hparams, llama.cpp.context-yarn, llama.cpp.override-type). node-llama-cpp 3.22.1 passes no rope parameters to llama.cpp's context (its
// AddonContext is created with contextSize, batchSize, sequences, flashAttention, threads, ... only:
// dist/evaluator/LlamaContext/LlamaContext.js, `new this._llama._bindings.AddonContext(...)`), but LlamaModelOptions
// has `metadataOverrides` (dist/evaluator/LlamaModel/LlamaModel.d.ts), turned into llama.cpp's kv_overrides at model
// load (llama/addon/AddonModel.cpp). So each run loads the model with its GGUF rope keys overridden:
// {arch}.rope.freq_base, {arch}.rope.scaling.type / factor / original_context_length / attn_factor. llama.cpp reads
// them in llama_model::load_hparams and derives the context's rope settings from them (src/llama-context.cpp,
// llama_context constructor: rope_freq_scale = 1/factor, yarn_ext_factor 1 for yarn, yarn_orig_ctx from
// original_context_length, beta_fast 32 / beta_slow 1 by default).
//
// Scores. LlamaContextSequence.controlledEvaluate with generateNext { logits: filter [next token] + top 1,
// totalLogitWeight } per input token (dist/evaluator/LlamaContext/types.d.ts): totalLogitWeight = Σ exp(logit − max)
// over the vocabulary, so NLL = ln(totalLogitWeight) + max − logit[next] and top-1 = (argmax = next). The default
// sampler is greedy with no penalties, so the logits are the model's own.
import { ggufRope } from '../../core/gguf/rope';
import { BackendError, type RopeRun, type ScoreOptions, type ScoringBackend, type TokenScores } from '../../core/preview/sweep/backend';
import { readGgufMetadata } from '../gguf';

export const LLAMACPP_INSTALL = 'npm install node-llama-cpp';

/** The slice of node-llama-cpp's API used here (structural: the package is optional). */
interface NlcToken {
  readonly __brand?: 'Token';
}
type Tok = number & NlcToken;
interface NlcSequence {
  clearHistory(): Promise<void>;
  controlledEvaluate(input: unknown[], options?: Record<string, unknown>): Promise<({ next: { logits?: Map<Tok, number>; totalLogitWeight?: number } } | undefined)[]>;
}
interface NlcContext {
  getSequence(): NlcSequence;
  dispose(): Promise<void>;
}
interface NlcModel {
  tokenize(text: string, specialTokens?: boolean): Tok[];
  readonly tokens: { readonly bos: Tok | null; readonly shouldPrependBosToken: boolean };
  createContext(opts: Record<string, unknown>): Promise<NlcContext>;
  dispose(): Promise<void>;
}
interface NlcLlama {
  loadModel(opts: Record<string, unknown>): Promise<NlcModel>;
  dispose(): Promise<void>;
}
interface NlcModule {
  getLlama(opts: Record<string, unknown>): Promise<NlcLlama>;
}

export interface LlamaCppBackendOptions {
  /** Path of the .gguf file. */
  model: string;
  threads?: number;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** node-llama-cpp, or BackendError('not-installed') with the install command. */
async function loadBinding(): Promise<NlcModule> {
  try {
    return (await import('node-llama-cpp')) as unknown as NlcModule;
  } catch (e) {
    throw new BackendError('not-installed', `the llama.cpp engine needs node-llama-cpp, which is not installed (${firstLine(e)}): ${LLAMACPP_INSTALL}`);
  }
}

/**
 * node-llama-cpp sends a whole JS number as an integer override and llama.cpp ignores an integer override of a float
 * key ("Bad metadata override type", llama-model-loader.cpp validate_override). A float key's value gets a relative
 * nudge of 2⁻⁴⁰ when it is whole: a double that is not an integer and rounds to the same float32 (llama.cpp stores
 * these keys as float32).
 */
export function floatOverride(x: number): number {
  return Number.isInteger(x) ? x * (1 + 2 ** -40) : x;
}

/** GGUF rope keys (relative to the architecture) for a run. */
export function ropeOverrides(run: RopeRun, fileScalingType: string | undefined): Record<string, unknown> {
  const b = run.block;
  const type = typeof b['rope_type'] === 'string' ? (b['rope_type'] as string) : 'none';
  const factor = Number(b['factor'] ?? 1);
  const scaling: Record<string, unknown> = { factor: floatOverride(type === 'none' ? 1 : factor), attn_factor: floatOverride(1) };
  // llama.cpp reads a missing scaling type as "linear" (llama-model.cpp load_hparams: std::string rope_scaling("linear")),
  // and linear with factor 1 is no scaling: the type is only overridden when the file's would change the result.
  // (node-llama-cpp prints string overrides on stdout, AddonModel.cpp: fewer is better.)
  const fileType = fileScalingType ?? 'linear';
  if (type === 'yarn') scaling['type'] = 'yarn';
  else if (fileType !== 'linear' && fileType !== 'none') scaling['type'] = type === 'linear' ? 'linear' : 'none';
  if (type === 'yarn') scaling['original_context_length'] = Number(b['original_max_position_embeddings']);
  return { rope: { freq_base: floatOverride(run.ropeTheta), scaling } };
}

export async function createLlamaCppBackend(opts: LlamaCppBackendOptions): Promise<ScoringBackend> {
  let meta: Record<string, unknown>;
  try {
    meta = await readGgufMetadata(opts.model);
  } catch (e) {
    throw new BackendError('model-unreadable', `cannot read ${opts.model} as GGUF (${(e as { code?: string }).code ?? firstLine(e)})`);
  }
  const rope = ggufRope(meta);
  if (typeof rope === 'string') throw new BackendError('unsupported-architecture', `${opts.model}: ${rope}`);
  const arch = rope.arch;
  const num = (k: string): number | undefined => {
    const v = meta[`${arch}.${k}`];
    const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const heads = num('attention.head_count');
  const embd = num('embedding_length');
  const headDim = rope.dimensionCount ?? (heads && embd ? embd / heads : undefined);
  // A model already extended by its GGUF (rope.scaling.original_context_length) was trained at that length.
  const originalContext = rope.originalContext ?? rope.contextLength;
  const ropeTheta = rope.freqBase ?? 10000; // llama.cpp's default when the key is absent (llama-model.cpp)

  const nlc = await loadBinding();
  let llama: NlcLlama;
  try {
    llama = await nlc.getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
  } catch (e) {
    throw new BackendError('not-installed', `node-llama-cpp has no prebuilt llama.cpp binary for this machine (${firstLine(e)}); reinstall with ${LLAMACPP_INSTALL}`);
  }
  const threads = opts.threads ?? 2;
  let model: NlcModel | undefined;
  let modelKey: string | undefined;
  let context: NlcContext | undefined;
  let contextSize = 0;
  let sequence: NlcSequence | undefined;
  let tokenizer: NlcModel | undefined;
  let disposed = false;

  const freeContext = async (): Promise<void> => {
    const c = context;
    context = undefined;
    sequence = undefined;
    contextSize = 0;
    await c?.dispose();
  };
  const freeModel = async (): Promise<void> => {
    await freeContext();
    const m = model;
    model = undefined;
    modelKey = undefined;
    if (m !== tokenizer) await m?.dispose();
  };
  const load = async (overrides: Record<string, unknown> | undefined): Promise<NlcModel> => {
    try {
      return await llama.loadModel({ modelPath: opts.model, gpuLayers: 0, ...(overrides ? { metadataOverrides: { [arch]: overrides } } : {}) });
    } catch (e) {
      const msg = firstLine(e);
      if (/unknown model architecture|not supported/i.test(msg)) throw new BackendError('unsupported-architecture', `${opts.model}: llama.cpp cannot run architecture ${arch} (${msg})`);
      throw new BackendError('model-unreadable', `${opts.model}: llama.cpp could not load it (${msg})`);
    }
  };
  // The tokenizer is the file's own (rope overrides do not change it): one vocab-only load serves every run.
  try {
    tokenizer = await llama.loadModel({ modelPath: opts.model, vocabOnly: true });
  } catch (e) {
    await llama.dispose();
    throw new BackendError('model-unreadable', `${opts.model}: llama.cpp could not load it (${firstLine(e)})`);
  }
  const tok = tokenizer;

  return {
    name: `llama.cpp via node-llama-cpp (CPU, ${threads} thread${threads > 1 ? 's' : ''})`,
    originalContext,
    ropeTheta,
    headDim,
    unsupported(method: string) {
      if (method === 'dynamic') return 'llama.cpp has no dynamic NTK scaling (its rope scaling types are none, linear, yarn and longrope: llama.h enum llama_rope_scaling_type)';
      if (method === 'llama3') return "llama.cpp applies llama3 scaling only as per-dimension factors baked into the GGUF at conversion (the rope_freqs tensor), not as a run-time setting";
      return undefined;
    },
    async tokenize(text: string) {
      return tok.tokenize(text, false).map(Number);
    },
    bos() {
      return tok.tokens.shouldPrependBosToken && tok.tokens.bos !== null ? Number(tok.tokens.bos) : undefined;
    },
    async prepare(run: RopeRun) {
      if (disposed) throw new BackendError('died', 'the llama.cpp engine was disposed');
      const overrides = ropeOverrides(run, rope.scalingType);
      const key = JSON.stringify(overrides);
      if (key !== modelKey) {
        await freeModel();
        model = await load(overrides);
        modelKey = key;
      }
      if (!context || contextSize < run.contextTokens) {
        await freeContext();
        try {
          context = await model!.createContext({ contextSize: run.contextTokens, batchSize: Math.min(run.contextTokens, 512), threads, sequences: 1, flashAttention: false });
        } catch (e) {
          throw new BackendError('out-of-memory', `llama.cpp could not make a context of ${run.contextTokens} tokens (${firstLine(e)})`);
        }
        contextSize = run.contextTokens;
        sequence = context.getSequence();
      }
    },
    async score(tokens: readonly number[], _run: RopeRun, signal?: AbortSignal, sopts?: ScoreOptions): Promise<TokenScores> {
      if (!sequence) throw new BackendError('not-ready', 'score() before prepare()');
      await sequence.clearHistory();
      const n = tokens.length;
      // Every read-out is one call into the binding per token (its cost dominates a small model's pass): only the
      // entries the caller reads are asked for.
      const from = sopts?.tail !== undefined ? Math.max(0, n - 1 - sopts.tail) : 0;
      const input = tokens.map((t, i) =>
        i >= from && i < n - 1 ? [t, { generateNext: { logits: { filter: { tokens: [tokens[i + 1]], includeTop: 1 } }, totalLogitWeight: true } }] : t,
      );
      let out: Awaited<ReturnType<NlcSequence['controlledEvaluate']>>;
      try {
        out = await sequence.controlledEvaluate(input);
      } catch (e) {
        if (signal?.aborted) throw new BackendError('cancelled', 'cancelled');
        const msg = firstLine(e);
        throw new BackendError(/memory|alloc|compute/i.test(msg) ? 'out-of-memory' : 'died', `llama.cpp failed at ${n} tokens (${msg})`);
      }
      const nll = new Float64Array(n - 1).fill(NaN);
      const top1 = new Uint8Array(n - 1);
      for (let i = from; i < n - 1; i++) {
        const next = out[i]?.next;
        const logits = next?.logits;
        const w = next?.totalLogitWeight;
        const own = logits?.get(tokens[i + 1]! as Tok);
        if (!logits || w === undefined || own === undefined) throw new BackendError('bad-response', `llama.cpp returned no logits at position ${i}`);
        let max = -Infinity;
        let arg = -1;
        for (const [t, v] of logits) {
          if (v > max) {
            max = v;
            arg = Number(t);
          }
        }
        nll[i] = Math.log(w) + max - own;
        top1[i] = arg === tokens[i + 1] ? 1 : 0;
      }
      return { nll, top1 };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await freeModel();
      await tokenizer?.dispose();
      await llama.dispose();
    },
  };
}
