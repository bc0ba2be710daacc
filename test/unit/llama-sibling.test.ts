// The llama-architecture sibling (training/llama_sibling.py): its ONNX export against the PyTorch reference in
// onnxruntime-web (the preview's runtime), and its GGUF in llama.cpp (node-llama-cpp, CPU) against the ONNX export:
// byte tokenizer, and log-probabilities of eval chunks at rope "none". The rope sweep across engines is the
// cross-check's job; this file checks the model files themselves.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import { PreviewEngine } from '../../core/preview/engine';
import type { ModelSession } from '../../core/preview/runtime';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const ONNX = join(MODEL_DIR, 'ropelens-llama-sibling.onnx');
const GGUF = join(MODEL_DIR, 'ropelens-llama-sibling.gguf');
const REF = join(MODEL_DIR, 'llama-sibling-reference.json');
const L0 = 128;

interface SiblingRef {
  L0: number;
  cases: { name: string; T: number; input_ids: number[]; attention_factor: number; cos: number[]; sin: number[]; logit_rows: number[]; logits: number[][]; mean_nll: number }[];
  perplexity_none_L0: { L: number; N: number; perplexity: number };
  chunk_mean_nll_none_L0: number[];
}
const present = existsSync(REF) && existsSync(ONNX);
const ref = (present ? JSON.parse(readFileSync(REF, 'utf8')) : {}) as SiblingRef;
const evalText = readFileSync(join(MODEL_DIR, 'eval.txt'));

function logSoftmax(row: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i]!);
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i]! - m);
  const lse = m + Math.log(s);
  return Array.from(row, (v) => v - lse);
}

/** Default (unscaled) half tables for positions 0..T-1, float64 angles rounded to float32 (INTERFACE.md). */
function noneTables(T: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(T * 16);
  const sin = new Float32Array(T * 16);
  for (let p = 0; p < T; p++) {
    for (let j = 0; j < 16; j++) {
      const a = p / Math.pow(10000, (2 * j) / 32);
      cos[p * 16 + j] = Math.cos(a);
      sin[p * 16 + j] = Math.sin(a);
    }
  }
  return { cos, sin };
}

describe('llama-architecture sibling: ONNX export (onnxruntime-web wasm)', present ? {} : { skip: 'sibling model files not exported yet' }, () => {
  let session: ModelSession;
  before(async () => {
    session = await (await nodeWasmRuntime(1)).createSession(new Uint8Array(readFileSync(ONNX)));
  });
  after(async () => session.release());

  it('matches the PyTorch reference logits within 1e-4', async () => {
    assert.ok(ref.cases.length >= 3);
    for (const c of ref.cases) {
      const logits = await session.forward({ ids: Uint8Array.from(c.input_ids), cos: Float32Array.from(c.cos), sin: Float32Array.from(c.sin), attentionFactor: c.attention_factor });
      let worst = 0;
      c.logit_rows.forEach((row, i) => c.logits[i]!.forEach((v, k) => (worst = Math.max(worst, Math.abs(logits[row * 256 + k]! - v)))));
      assert.ok(worst < 1e-4, `${c.name}: max |logit diff| ${worst}`);
    }
  });

  it('gives the reference perplexity for "none" at L0 through the preview engine', async () => {
    const { L, N, perplexity } = ref.perplexity_none_L0;
    const engine = new PreviewEngine(await nodeWasmRuntime(1), { ...loadPreviewAssets(MODEL_DIR), model: new Uint8Array(readFileSync(ONNX)), name: 'ropelens-llama-sibling' });
    try {
      const r = await engine.run({ methods: ['none'], lengths: [L], probes: ['ppl'], evalBytes: N });
      const got = r.results[0]!.perplexity!;
      assert.ok(Math.abs(got - perplexity) / perplexity < 1e-4, `engine ${got} vs reference ${perplexity}`);
    } finally {
      await engine.dispose();
    }
  });
});

// node-llama-cpp is an optional dependency with prebuilt CPU binaries; skip (not fail) where it is not installed.
const haveLlama = (() => {
  try {
    require.resolve('node-llama-cpp');
    return present && existsSync(GGUF);
  } catch {
    return false;
  }
})();

describe('llama-architecture sibling: GGUF in llama.cpp (node-llama-cpp, CPU)', haveLlama ? {} : { skip: present ? 'node-llama-cpp not installed' : 'sibling model files not exported yet' }, () => {
  /* eslint-disable @typescript-eslint/no-explicit-any -- node-llama-cpp is ESM-only and optional: loaded by import() */
  let llama: any;
  let model: any;
  let context: any;
  before(async () => {
    const { getLlama } = (await import('node-llama-cpp')) as any;
    llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
    model = await llama.loadModel({ modelPath: GGUF });
    // contextSize > L0: at contextSize == T node-llama-cpp shifts the context before the last token. F32 KV cache and
    // no flash attention: with llama.cpp's defaults (F16 cache, flash attention auto) logits move by ~2e-4.
    context = await model.createContext({ contextSize: 2 * L0, batchSize: L0, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  });
  after(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
  });

  it('tokenizes text to exactly its UTF-8 bytes, adding nothing', () => {
    for (const text of ['In the beginning God created the heaven and the earth.\n', 'naïve café — 東京 ✓\t\r\n  x', "'s 're 123 4567 <s> </s> <|endoftext|>"]) {
      assert.deepEqual(model.tokenize(text), [...Buffer.from(text, 'utf8')], text);
    }
    assert.equal(model.trainContextSize, L0);
  });

  it('gives the ONNX log-probabilities at rope none (4 eval chunks of L0 bytes)', async () => {
    const onnx = await (await nodeWasmRuntime(1)).createSession(new Uint8Array(readFileSync(ONNX)));
    const seq = context.getSequence();
    const { cos, sin } = noneTables(L0);
    let worst = 0; // over all 256 bytes: the least likely ones (log-prob ~ -30) carry the largest float32 rounding
    let worstNext = 0; // the byte that follows: what perplexity and needle scoring read
    try {
      for (let k = 0; k < 4; k++) {
        const ids = [...evalText.subarray(k * L0, (k + 1) * L0)];
        const a = await onnx.forward({ ids: Uint8Array.from(ids), cos, sin, attentionFactor: 1 });
        await seq.clearHistory();
        const res = (await seq.controlledEvaluate(ids.map((t) => [t, { generateNext: { logits: true } }]))) as { next: { logits: Map<number, number> } }[];
        let nll = 0;
        for (let t = 0; t < L0; t++) {
          const row = new Array<number>(256).fill(-Infinity);
          for (const [tok, v] of res[t]!.next.logits) row[tok] = v;
          const la = logSoftmax(a.subarray(t * 256, (t + 1) * 256));
          const lb = logSoftmax(row);
          for (let v = 0; v < 256; v++) worst = Math.max(worst, Math.abs(la[v]! - lb[v]!));
          if (t < L0 - 1) {
            nll -= lb[ids[t + 1]!]!;
            worstNext = Math.max(worstNext, Math.abs(la[ids[t + 1]!]! - lb[ids[t + 1]!]!));
          }
        }
        const want = ref.chunk_mean_nll_none_L0[k]!;
        assert.ok(Math.abs(nll / (L0 - 1) - want) < 1e-4, `chunk ${k}: llama.cpp mean NLL ${nll / (L0 - 1)} vs PyTorch ${want}`);
      }
    } finally {
      await onnx.release();
      seq.dispose();
    }
    assert.ok(worstNext < 1e-4, `max |log-prob diff| of the next byte ${worstNext}`);
    assert.ok(worst < 5e-4, `max |log-prob diff| over all bytes ${worst}`);
  });
});
