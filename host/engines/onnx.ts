// ScoringBackend over onnxruntime for any ONNX file with the mini-model graph interface (media/model/INTERFACE.md:
// input_ids, cos, sin, attention_factor → logits over 256 bytes): bytes are tokens, and each run's rotary tables come
// from the same rope math the mini-model preview uses (core/preview/tables.ts tablesFor / cosSin).
import { readFileSync } from 'node:fs';
import type { ModelSession } from '../../core/preview/runtime';
import { BackendError, type RopeRun, type ScoringBackend, type TokenScores } from '../../core/preview/sweep/backend';
import { cosSin, MINI_MODEL, tablesFor, type MethodTables } from '../../core/preview/tables';
import { nodeWasmRuntime } from '../ort-node';

const VOCAB = 256;

export interface OnnxBackendOptions {
  /** Path of the .onnx file. */
  model: string;
  /** The graph's training context (bytes); default the mini-model's 128. */
  originalContext?: number;
  threads?: number;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

export async function createOnnxBackend(opts: OnnxBackendOptions): Promise<ScoringBackend> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(opts.model));
  } catch (e) {
    throw new BackendError('model-unreadable', `cannot read ${opts.model} (${(e as { code?: string }).code ?? firstLine(e)})`);
  }
  const runtime = await nodeWasmRuntime(opts.threads ?? 1);
  let session: ModelSession;
  try {
    session = await runtime.createSession(bytes);
  } catch (e) {
    const msg = firstLine(e);
    const code = /graph inputs/.test(msg) ? 'unsupported-architecture' : 'model-unreadable';
    throw new BackendError(code, `${opts.model}: ${code === 'unsupported-architecture' ? msg : `not a loadable ONNX model (${msg})`}`);
  }
  const L0 = opts.originalContext ?? MINI_MODEL.originalLength;
  let tables: MethodTables | undefined;
  let live: ModelSession | undefined = session;
  return {
    name: `onnx ${runtime.name}`,
    originalContext: L0,
    ropeTheta: MINI_MODEL.ropeTheta,
    headDim: MINI_MODEL.headDim,
    async tokenize(text: string) {
      return [...new TextEncoder().encode(text)];
    },
    bos: () => undefined,
    async prepare(run: RopeRun) {
      const spec = { originalLength: L0, headDim: MINI_MODEL.headDim, ropeTheta: run.ropeTheta };
      const t = tablesFor({ params: run.block, seqLen: run.contextTokens }, spec);
      if (t.error !== undefined || !t.invFreq.every((x) => Number.isFinite(x) && x >= 0) || !Number.isFinite(t.attentionFactor)) {
        throw new BackendError('bad-response', `${run.method} cannot be expressed on this graph (${t.error ?? 'non-finite rotary frequencies'})`);
      }
      tables = t;
    },
    async score(tokens: readonly number[]): Promise<TokenScores> {
      if (!live) throw new BackendError('died', 'the onnx session was released');
      if (!tables) throw new BackendError('not-ready', 'score() before prepare()');
      const T = tokens.length;
      const ids = Uint8Array.from(tokens);
      if (tokens.some((t) => !(t >= 0 && t < VOCAB))) throw new BackendError('bad-response', 'the byte-level graph takes tokens 0–255 only');
      const { cos, sin } = cosSin(tables.invFreq, T);
      let logits: Float32Array;
      try {
        logits = await live.forward({ ids, cos, sin, attentionFactor: tables.attentionFactor });
      } catch (e) {
        const msg = firstLine(e);
        throw new BackendError(/memory|allocat/i.test(msg) ? 'out-of-memory' : 'died', `forward pass at ${T} tokens failed (${msg})`);
      }
      if (logits.length !== T * VOCAB) throw new BackendError('bad-response', `the graph returned ${logits.length} logits for ${T} tokens (expected ×${VOCAB})`);
      const nll = new Float64Array(T - 1);
      const top1 = new Uint8Array(T - 1);
      for (let t = 0; t < T - 1; t++) {
        const row = t * VOCAB;
        let max = -Infinity;
        let arg = 0;
        for (let v = 0; v < VOCAB; v++) {
          const x = logits[row + v]!;
          if (x > max) {
            max = x;
            arg = v;
          }
        }
        let sum = 0;
        for (let v = 0; v < VOCAB; v++) sum += Math.exp(logits[row + v]! - max);
        const next = ids[t + 1]!;
        nll[t] = max + Math.log(sum) - logits[row + next]!;
        top1[t] = arg === next ? 1 : 0;
      }
      return { nll, top1 };
    },
    async dispose() {
      const s = live;
      live = undefined;
      await s?.release();
    },
  };
}
