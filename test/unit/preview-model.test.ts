// The preview engine on the shipped mini-model, in onnxruntime-web's WebAssembly backend (Node build, 1 thread):
// parity with the PyTorch reference, the model card's perplexity, the method ranking the product promises,
// streaming, cancellation and the bad cases. Accuracy assertions need the trained model (reference.json beside it).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run as previewCli } from '../../cli/commands/preview';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import { PreviewEngine, type PreviewAssets } from '../../core/preview/engine';
import type { ModelSession, OrtLike, PreviewRuntime } from '../../core/preview/runtime';
import { isPreviewError, type PreviewCell, type PreviewError } from '../../core/preview/types';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const REF_PATH = join(MODEL_DIR, 'reference.json');
const trained = existsSync(REF_PATH);
const needTrained = trained ? {} : { skip: 'media/model/reference.json not there yet (random-init placeholder model)' };

interface RefCase {
  name: string;
  T: number;
  input_ids: number[];
  attention_factor: number;
  cos: number[];
  sin: number[];
  logit_rows: number[];
  logits: number[][];
}

/** Counts forward passes and lets a test act between them (the real model underneath). */
function counting(rt: PreviewRuntime): PreviewRuntime & { passes: number; onPass?: () => void } {
  const wrapped = {
    name: rt.name,
    passes: 0,
    onPass: undefined as undefined | (() => void),
    async createSession(model: Uint8Array): Promise<ModelSession> {
      const s = await rt.createSession(model);
      return {
        forward: async (x) => {
          const out = await s.forward(x);
          wrapped.passes++;
          wrapped.onPass?.();
          return out;
        },
        release: () => s.release(),
      };
    },
  };
  return wrapped;
}

describe('preview on the shipped model (onnxruntime-web wasm, Node)', () => {
  let assets: PreviewAssets;
  let runtime: ReturnType<typeof counting>;
  let engine: PreviewEngine;

  before(async () => {
    assets = loadPreviewAssets(MODEL_DIR);
    runtime = counting(await nodeWasmRuntime(1));
    engine = new PreviewEngine(runtime, assets);
    await engine.warm();
  });
  after(async () => engine.dispose());

  it('matches the PyTorch reference logits within 1e-4', needTrained, async () => {
    const ref = JSON.parse(readFileSync(REF_PATH, 'utf8')) as { cases: RefCase[] };
    const rt = await nodeWasmRuntime(1);
    const session = await rt.createSession(assets.model);
    try {
      assert.ok(ref.cases.length >= 3);
      for (const c of ref.cases) {
        const logits = await session.forward({
          ids: Uint8Array.from(c.input_ids),
          cos: Float32Array.from(c.cos),
          sin: Float32Array.from(c.sin),
          attentionFactor: c.attention_factor,
        });
        let worst = 0;
        c.logit_rows.forEach((row, i) => {
          c.logits[i]!.forEach((v, k) => (worst = Math.max(worst, Math.abs(logits[row * 256 + k]! - v))));
        });
        assert.ok(worst < 1e-4, `${c.name}: max |logit diff| ${worst}`);
      }
    } finally {
      await session.release();
    }
  });

  it('gives the model card perplexity for "none" at L0', needTrained, async () => {
    const ref = JSON.parse(readFileSync(REF_PATH, 'utf8')) as { perplexity_none_L0: { L: number; N: number; perplexity: number } };
    const { L, N, perplexity } = ref.perplexity_none_L0;
    const r = await engine.run({ methods: ['none'], lengths: [L], probes: ['ppl'], evalBytes: N });
    const got = r.results[0]!.perplexity!;
    assert.ok(Math.abs(got - perplexity) / perplexity < 1e-4, `engine ${got} vs model card ${perplexity}`);
  });

  it('retrieves needles at L0 with no scaling (≥ 0.8)', needTrained, async () => {
    const r = await engine.run({ methods: ['none'], lengths: ['1x'], probes: ['needle'], needles: 32 });
    assert.ok(r.results[0]!.needleAccuracy! >= 0.8, `accuracy ${r.results[0]!.needleAccuracy}`);
  });

  it('at 2×L0 yarn retrieves more needles than none', needTrained, async () => {
    const r = await engine.run({ methods: ['none', 'yarn'], lengths: ['2x'], probes: ['needle'], needles: 16 });
    const [none, yarn] = r.results;
    assert.ok(yarn!.needleAccuracy! > none!.needleAccuracy!, `yarn ${yarn!.needleAccuracy} vs none ${none!.needleAccuracy}`);
  });

  it('at 16×L0 none has a higher perplexity than yarn', needTrained, async () => {
    const r = await engine.run({ methods: ['none', 'yarn'], lengths: ['16x'], probes: ['ppl'], evalBytes: 2048 });
    const [none, yarn] = r.results;
    assert.ok(none!.perplexity! > yarn!.perplexity!, `none ${none!.perplexity} vs yarn ${yarn!.perplexity}`);
  });

  it('at L0 dynamic equals none (and costs no forward pass of its own)', async () => {
    const before = runtime.passes;
    const r = await engine.run({ methods: ['none', 'dynamic'], lengths: ['1x'], needles: 2, evalBytes: 512 });
    const [none, dyn] = r.results;
    assert.equal(dyn!.perplexity, none!.perplexity);
    assert.equal(dyn!.needleAccuracy, none!.needleAccuracy);
    assert.equal(dyn!.reusedFrom?.method, 'none');
    assert.equal(runtime.passes - before, 4 + 2); // 4 chunks + 2 needles, once
  });

  it('fires progress once per cell, first result before the sweep ends, and reuses prefixes', async () => {
    const seen: PreviewCell[] = [];
    const totals = new Set<number>();
    const r = await engine.run(
      { methods: ['none', 'linear', 'yarn'], lengths: ['1x', '2x'], factorPolicy: 'static', staticFactor: 2, needles: 1, evalBytes: 256 },
      { onProgress: (p) => (seen.push(p.cell), totals.add(p.total)) },
    );
    assert.equal(seen.length, 6);
    assert.deepEqual([...totals], [6]);
    assert.deepEqual(new Set(seen.map((c) => `${c.method}@${c.length}`)).size, 6);
    assert.deepEqual(r.results, seen);
    assert.ok(r.timings.firstResultMs <= r.timings.totalMs);
    // static tables: linear/yarn at 128 and 256 share the chunk at byte 0 (prefix of the 256 pass).
    const lin256 = r.results.find((c) => c.method === 'linear' && c.length === 256)!;
    assert.equal(lin256.factor, 2);
    assert.ok(r.timings.forwardPasses < 6 * 3, `passes ${r.timings.forwardPasses}`);
  });

  it('stops within one forward pass when cancelled', async () => {
    const ac = new AbortController();
    let atAbort = -1;
    runtime.onPass = () => {
      if (atAbort < 0 && runtime.passes >= 3) {
        atAbort = runtime.passes;
        ac.abort();
      }
    };
    try {
      await assert.rejects(
        engine.run({ methods: ['none', 'linear'], lengths: ['1x', '2x', '4x'], needles: 4, evalBytes: 1024 }, { signal: ac.signal }),
        (e: unknown) => isPreviewError(e) && (e as PreviewError).code === 'cancelled',
      );
    } finally {
      runtime.onPass = undefined;
    }
    assert.ok(runtime.passes - atAbort <= 1, `${runtime.passes - atAbort} passes after abort`);
  });

  it('reports a corrupt model file clearly', async () => {
    const eng = new PreviewEngine(await nodeWasmRuntime(1), { ...assets, model: new TextEncoder().encode('not an onnx file') });
    await assert.rejects(eng.run({ lengths: ['1x'], probes: ['ppl'] }), (e: unknown) => isPreviewError(e) && (e as PreviewError).code === 'model-corrupt' && /could not be loaded/.test((e as Error).message));
  });

  it('reports a missing model file clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ropelens-model-'));
    copyFileSync(join(MODEL_DIR, 'needles.json'), join(dir, 'needles.json'));
    writeFileSync(join(dir, 'eval.txt'), 'x');
    assert.throws(() => loadPreviewAssets(dir), (e: unknown) => isPreviewError(e) && (e as PreviewError).code === 'model-missing' && /not found/.test((e as Error).message));
  });

  it('ropelens preview --json runs "yours" from a config file, lengths in the user tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ropelens-yours-'));
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ model_type: 'qwen2', max_position_embeddings: 131072, rope_theta: 1e6, rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 32768 } }));
    let out = '';
    let err = '';
    const io = { cwd: dir, stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), readFile: (p: string) => readFileSync(p, 'utf8'), writeFile: () => undefined };
    const code = await previewCli(['--methods', 'none', '--lengths', '1x,2x', '--probe', 'ppl', '--eval-bytes', '256', '--json', 'config.json'], io);
    assert.equal(code, 0, err);
    const r = JSON.parse(out) as { originalLength: number; factorPolicy: string; results: PreviewCell[]; timings: object; model: object; yours: { notes: string[] } };
    assert.equal(r.originalLength, 128);
    assert.equal(r.factorPolicy, 'per-length');
    const yours = r.results.filter((c) => c.method === 'yours');
    assert.deepEqual(yours.map((c) => [c.length, c.lengthMultiple, c.userTokens, c.factor]), [[128, 1, 32768, 4], [256, 2, 65536, 4]]);
    assert.ok(yours.every((c) => typeof c.perplexity === 'number' && c.perplexity > 1));
    assert.ok(r.yours.notes.some((n) => /rope_theta 1000000/.test(n)));
  });
});

// Every other shipped graph (fine-tuned RoPE checkpoints, the sinusoidal and ALiBi siblings) against its PyTorch
// reference (training/reference_logits.py writes reference-<name>.json beside ropelens-mini-<name>.onnx).
interface SiblingRef {
  model: string;
  model_sha256: string;
  cases: Array<Omit<RefCase, 'cos' | 'sin' | 'attention_factor'> & Partial<Pick<RefCase, 'cos' | 'sin' | 'attention_factor'>>>;
}

describe('every shipped mini-model graph matches its PyTorch reference logits within 1e-4', () => {
  const graphs = readdirSync(MODEL_DIR).filter((f) => /^ropelens-mini-.+\.onnx$/.test(f)).sort();

  it('each graph beside ropelens-mini.onnx has a reference made from these very bytes', () => {
    for (const g of graphs) {
      const refPath = join(MODEL_DIR, g.replace(/^ropelens-mini-(.+)\.onnx$/, 'reference-$1.json'));
      assert.ok(existsSync(refPath), `${g} has no ${refPath}`);
      const ref = JSON.parse(readFileSync(refPath, 'utf8')) as SiblingRef;
      assert.equal(ref.model, g);
      assert.equal(ref.model_sha256, createHash('sha256').update(readFileSync(join(MODEL_DIR, g))).digest('hex'), `${refPath} is stale`);
    }
  });

  for (const g of graphs) {
    it(g, async () => {
      const refPath = join(MODEL_DIR, g.replace(/^ropelens-mini-(.+)\.onnx$/, 'reference-$1.json'));
      if (!existsSync(refPath)) return assert.fail(`${g} has no reference`);
      const ref = JSON.parse(readFileSync(refPath, 'utf8')) as SiblingRef;
      await nodeWasmRuntime(1); // sets onnxruntime-web's wasm paths and thread count
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ort = require('onnxruntime-web') as OrtLike;
      const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(MODEL_DIR, g))));
      const rotary = session.inputNames.includes('cos');
      assert.ok(ref.cases.length >= 3);
      for (const c of ref.cases) {
        const T = c.T;
        const feeds: Record<string, unknown> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(c.input_ids, BigInt), [1, T]) };
        if (rotary) {
          assert.ok(c.cos && c.sin && c.attention_factor !== undefined, `${g} takes rotary tables; ${c.name} has none`);
          feeds['cos'] = new ort.Tensor('float32', Float32Array.from(c.cos), [T, c.cos.length / T]);
          feeds['sin'] = new ort.Tensor('float32', Float32Array.from(c.sin), [T, c.sin.length / T]);
          feeds['attention_factor'] = new ort.Tensor('float32', Float32Array.of(c.attention_factor), []);
        }
        const out = await session.run(feeds as Parameters<typeof session.run>[0]);
        const logits = out['logits']!.data as Float32Array;
        assert.equal(logits.length, T * 256);
        let worst = 0;
        c.logit_rows.forEach((row, i) => {
          c.logits[i]!.forEach((v, k) => (worst = Math.max(worst, Math.abs(logits[row * 256 + k]! - v))));
        });
        assert.ok(worst < 1e-4, `${g} ${c.name}: max |logit diff| ${worst}`);
      }
      await session.release?.();
    });
  }
});
