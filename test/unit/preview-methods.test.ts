// The methods with a model of their own (core/preview/models.ts): the method → model registry, the runtime adapter
// feeding only the inputs a graph declares, lazy per-model sessions kept warm, the fine-tuned checkpoints' fixed
// factor, reference cells checked per model (only a changed model's cells drop), default methods from the reference,
// the request parser's new names (fake runtimes and small reference documents), and the CLI command of issue 13 run
// through the real CLI on the shipped models and reference.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as previewCli } from '../../cli/commands/preview';
import { describe, it } from 'node:test';
import { PreviewEngine, type PreviewAssets } from '../../core/preview/engine';
import { BASE_MODEL_FILE, FINETUNE, MODEL_FILES, finetunedBase, modelOf, policyFree } from '../../core/preview/models';
import { parseNeedles } from '../../core/preview/probes/needle';
import { defaultMethods, loadReference, planPreview, REFERENCE_FILE, REFERENCE_FORMAT, sha256Hex, type PreviewReference, type ReferenceCell } from '../../core/preview/reference';
import { resolveRequest } from '../../core/preview/request';
import { ortRuntime, type ForwardInputs, type ModelSession, type OrtLike, type PreviewRuntime } from '../../core/preview/runtime';
import { builtinBlock, MINI_MODEL, tablesFor } from '../../core/preview/tables';
import { ALL_METHODS, BUILTIN_METHODS, FINETUNED_METHODS, isPreviewError, MODEL_METHODS, OTHER_ENCODINGS, type PreviewCell, type PreviewMethod, type PreviewResult } from '../../core/preview/types';
import { wilson95 } from '../../core/preview/stats';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const needles = parseNeedles(JSON.parse(readFileSync(join(MODEL_DIR, 'needles.json'), 'utf8')));
const evalText = new Uint8Array(readFileSync(join(MODEL_DIR, 'eval.txt')));
const L0 = MINI_MODEL.originalLength;

describe('method → model registry', () => {
  it('puts the RoPE methods, the window and yours on the base model, each other method on a file of its own', () => {
    for (const m of [...BUILTIN_METHODS, 'window', 'yours'] as PreviewMethod[]) assert.equal(modelOf(m).file, BASE_MODEL_FILE, m);
    const files = MODEL_METHODS.map((m) => modelOf(m).file);
    assert.equal(new Set(files).size, MODEL_METHODS.length, 'one file per method');
    assert.ok(files.every((f) => f !== BASE_MODEL_FILE && MODEL_FILES.includes(f)));
    assert.deepEqual(FINETUNED_METHODS.map((m) => modelOf(m).file), ['ropelens-mini-ft-linear.onnx', 'ropelens-mini-ft-ntk.onnx', 'ropelens-mini-ft-yarn.onnx']);
    assert.deepEqual(FINETUNED_METHODS.map(finetunedBase), ['linear', 'ntk', 'yarn']);
    assert.ok(FINETUNED_METHODS.every((m) => modelOf(m).rotary));
    assert.ok(OTHER_ENCODINGS.every((m) => !modelOf(m).rotary));
    assert.ok(MODEL_METHODS.every(policyFree) && policyFree('window') && !BUILTIN_METHODS.some(policyFree));
  });

  it('states the fine-tuning the checkpoints were made with (finetune-results.json)', () => {
    const ft = JSON.parse(readFileSync(join(MODEL_DIR, 'finetune-results.json'), 'utf8')) as { steps: number; factor: number; length: number; methods: Record<string, unknown> };
    assert.equal(ft.steps, FINETUNE.steps);
    assert.equal(ft.factor, FINETUNE.factor);
    assert.equal(ft.length, FINETUNE.lengthMultiple * L0);
    assert.deepEqual(Object.keys(ft.methods).sort(), FINETUNED_METHODS.map(finetunedBase).sort());
  });
});

/** A structural onnxruntime with one graph whose declared inputs are `inputs`; records the feeds of each run. */
function fakeOrt(inputs: string[]): OrtLike & { feeds: string[][] } {
  const feeds: string[][] = [];
  class Tensor {
    constructor(readonly type: string, readonly data: unknown, readonly dims: readonly number[]) {}
  }
  return {
    feeds,
    Tensor: Tensor as unknown as OrtLike['Tensor'],
    InferenceSession: {
      create: async () => ({
        inputNames: inputs,
        outputNames: ['logits'],
        run: async (f: Record<string, { dims: readonly number[] }>) => {
          feeds.push(Object.keys(f).sort());
          return { logits: { data: new Float32Array(f['input_ids']!.dims[1]! * 256), dims: [1, f['input_ids']!.dims[1]!, 256] } };
        },
      }),
    },
  };
}

const fwd = (T: number): ForwardInputs => ({ ids: new Uint8Array(T), cos: new Float32Array(T * 16), sin: new Float32Array(T * 16), attentionFactor: 1 });

describe('runtime adapter', () => {
  it('feeds only the inputs a graph declares: all four to a RoPE graph, input_ids alone to one without', async () => {
    const rope = fakeOrt(['input_ids', 'cos', 'sin', 'attention_factor']);
    const s1 = await ortRuntime(rope, 'fake').createSession(new Uint8Array(1));
    await s1.forward(fwd(5));
    assert.deepEqual(rope.feeds, [['attention_factor', 'cos', 'input_ids', 'sin']]);
    assert.notEqual(s1.rotary, false);
    const plain = fakeOrt(['input_ids']);
    const s2 = await ortRuntime(plain, 'fake').createSession(new Uint8Array(1));
    assert.equal((await s2.forward(fwd(5))).length, 5 * 256);
    assert.deepEqual(plain.feeds, [['input_ids']]);
    assert.equal(s2.rotary, false);
  });

  it('refuses a graph with some rotary inputs but not all, or inputs it does not know', async () => {
    for (const inputs of [['input_ids', 'cos'], ['input_ids', 'position_ids'], ['cos', 'sin', 'attention_factor']]) {
      await assert.rejects(ortRuntime(fakeOrt(inputs), 'fake').createSession(new Uint8Array(1)), /not the mini-model's/, inputs.join(','));
    }
  });
});

/** A runtime of fake sessions: `rotary` per model bytes' first byte (0: input_ids only), passes counted per model. */
function countingRuntime(): PreviewRuntime & { created: number[]; passes: Map<number, number> } {
  const rt = {
    name: 'counting fake',
    created: [] as number[],
    passes: new Map<number, number>(),
    async createSession(model: Uint8Array): Promise<ModelSession> {
      const id = model[0]!;
      rt.created.push(id);
      return {
        rotary: id !== 0,
        forward: async ({ ids }) => {
          rt.passes.set(id, (rt.passes.get(id) ?? 0) + 1);
          return new Float32Array(ids.length * 256);
        },
        release: async () => undefined,
      };
    },
  };
  return rt;
}

/** Base model bytes [9]; other files: [0] for the encodings without RoPE, [1 + index] for the fine-tuned ones. */
function assetsWithModels(loaded: string[]): PreviewAssets {
  return {
    model: new Uint8Array([9]),
    evalText,
    needles,
    loadModel: async (file) => {
      loaded.push(file);
      const m = MODEL_METHODS.find((x) => modelOf(x).file === file)!;
      return new Uint8Array([modelOf(m).rotary ? 1 + FINETUNED_METHODS.indexOf(m as (typeof FINETUNED_METHODS)[number]) : 0]);
    },
  };
}

describe('engine with models of their own', () => {
  it('loads a model only when a method needs it, once, and keeps its session warm across runs', async () => {
    const loaded: string[] = [];
    const rt = countingRuntime();
    const engine = new PreviewEngine(rt, assetsWithModels(loaded));
    await engine.run({ methods: ['none', 'yarn'], lengths: ['1x'], needles: 1, evalBytes: 128 });
    assert.deepEqual(loaded, [], 'base methods fetch no other model');
    const r = await engine.run({ methods: ['yarn', 'yarn+ft', 'alibi'], lengths: ['1x', '2x'], needles: 1, evalBytes: 256 });
    assert.deepEqual(loaded.sort(), ['ropelens-mini-alibi.onnx', 'ropelens-mini-ft-yarn.onnx']);
    assert.ok(r.timings.sessionMs >= 0);
    await engine.run({ methods: ['yarn+ft', 'alibi'], lengths: ['1x'], needles: 1, evalBytes: 128 });
    assert.equal(loaded.length, 2, 'sessions kept warm');
    assert.deepEqual(rt.created, [9, 3, 0]);
    await engine.dispose();
  });

  it('runs a fine-tuned checkpoint with its tuning block at factor 4 at every length and either policy, on its own passes', async () => {
    const rt = countingRuntime();
    const engine = new PreviewEngine(rt, assetsWithModels([]));
    for (const factorPolicy of ['per-length', 'static'] as const) {
      const r = await engine.run({ methods: ['yarn', 'yarn+ft', 'linear+ft', 'ntk+ft'], lengths: ['1x', '4x', '8x'], factorPolicy, needles: 1, evalBytes: 1024 });
      for (const c of r.results.filter((x) => x.method.endsWith('+ft'))) {
        const base = tablesFor(builtinBlock(finetunedBase(c.method as (typeof FINETUNED_METHODS)[number]), FINETUNE.factor, c.length, MINI_MODEL), MINI_MODEL);
        assert.equal(c.factor, FINETUNE.factor, `${c.method}@${c.length} ${factorPolicy}`);
        assert.equal(c.attentionFactor, base.attentionFactor);
        assert.equal(c.reusedFrom?.method === 'yarn', false, 'never read from the base model\'s passes');
      }
      assert.ok(r.notes.some((n) => /linear\+ft.*factor 4 at every length/.test(n)), 'the notes say how the checkpoints run');
    }
    // yarn at 4×L0 (per-length s = 4) has the same tables as yarn+ft, yet both models ran their own passes.
    assert.ok((rt.passes.get(9) ?? 0) > 0 && (rt.passes.get(3) ?? 0) > 0);
    await engine.dispose();
  });

  it('says which model is wrong when its graph does not fit the method, and when a host cannot load it', async () => {
    // A RoPE graph served for ALiBi (the registry says no rotary inputs).
    const engine = new PreviewEngine(countingRuntime(), { ...assetsWithModels([]), loadModel: async () => new Uint8Array([5]) });
    await assert.rejects(engine.run({ methods: ['alibi'], lengths: ['1x'], needles: 1, evalBytes: 128 }), (e: unknown) => isPreviewError(e) && e.code === 'model-corrupt' && /ropelens-mini-alibi\.onnx takes rotary tables/.test(e.message));
    const none = new PreviewEngine(countingRuntime(), { model: new Uint8Array([9]), evalText, needles });
    await assert.rejects(none.run({ methods: ['sinusoidal'], lengths: ['1x'], needles: 1, evalBytes: 128 }), (e: unknown) => isPreviewError(e) && e.code === 'model-missing' && /sinusoidal/.test(e.message));
    const failing = new PreviewEngine(countingRuntime(), { ...assetsWithModels([]), loadModel: async (f) => { throw new Error(`ENOENT ${f}`); } });
    await assert.rejects(failing.run({ methods: ['linear+ft'], lengths: ['1x'], needles: 1, evalBytes: 128 }), /ropelens-mini-ft-linear\.onnx could not be read \(ENOENT/);
  });
});

describe('request parsing of the new method names', () => {
  it('accepts every method name and lists them when one is unknown', () => {
    const r = resolveRequest({ methods: ['sinusoidal', 'alibi', 'linear+ft', 'ntk+ft', 'yarn+ft', 'none'] }, MINI_MODEL, needles, evalText.length);
    assert.deepEqual(r.methods, ['sinusoidal', 'alibi', 'linear+ft', 'ntk+ft', 'yarn+ft', 'none']);
    assert.throws(
      () => resolveRequest({ methods: ['yarn-ft' as PreviewMethod] }, MINI_MODEL, needles, evalText.length),
      (e: unknown) => isPreviewError(e) && e.code === 'bad-method' && ALL_METHODS.filter((m) => m !== 'yours').every((m) => e.message.includes(m)),
    );
  });
});

describe('reference cells checked per model', () => {
  const base = new Uint8Array([7, 7, 7]);
  const cell = (method: PreviewMethod, length: number, sha?: string): ReferenceCell => {
    const c: ReferenceCell = {
      method, length, lengthMultiple: length / L0, factor: 1, attentionFactor: 1, ms: 0, source: 'reference',
      perplexity: 3, needles: 64, needleCounts: { correct: 60, total: 64, ci95: wilson95(60, 64) }, needleOutcomes: [],
    };
    if (sha) c.modelSha256 = sha;
    return c;
  };
  const FT = 'a'.repeat(64);
  const SIN = 'b'.repeat(64);
  const doc = async (): Promise<PreviewReference> => ({
    format: REFERENCE_FORMAT, model: BASE_MODEL_FILE, modelSha256: await sha256Hex(base), runtime: 'test', command: 'npm run reference',
    needles: 64, evalBytes: 65000, generated: '2026-01-01', wallSeconds: 1, originalLength: 128, notes: [],
    runs: [
      {
        factorPolicy: 'per-length', lengths: [128, 256],
        // Older cells name no model (the base one); the new methods' cells name theirs.
        results: [128, 256].flatMap((L) => [cell('none', L), cell('yarn', L), cell('yarn+ft', L, FT), cell('sinusoidal', L, SIN)]),
      },
      { factorPolicy: 'static', staticFactor: 2, lengths: [128, 256], results: [cell('yarn', 128), cell('yarn', 256)] },
    ],
  });
  const keys = (cs: PreviewCell[]): string[] => cs.map((c) => `${c.method}@${c.length}`);

  it('keeps every cell while each model is the one it was measured on (or not loaded yet)', async () => {
    const all = await loadReference(await doc(), base, { 'ropelens-mini-ft-yarn.onnx': FT, 'ropelens-mini-sinusoidal.onnx': SIN });
    assert.equal(all.reference?.runs[0]!.results.length, 8);
    assert.doesNotMatch(all.note, /dropped/);
    const unloaded = await loadReference(await doc(), base, {});
    assert.equal(unloaded.reference?.runs[0]!.results.length, 8, 'a model not read yet keeps its cells (checked when it loads)');
  });

  it('drops only the cells of a model that changed, or is not there, and says which', async () => {
    const ft = await loadReference(await doc(), base, { 'ropelens-mini-ft-yarn.onnx': 'c'.repeat(64), 'ropelens-mini-sinusoidal.onnx': SIN });
    assert.deepEqual(keys(ft.reference!.runs[0]!.results), ['none@128', 'yarn@128', 'sinusoidal@128', 'none@256', 'yarn@256', 'sinusoidal@256']);
    assert.match(ft.note, /dropped.*ropelens-mini-ft-yarn\.onnx is cccccccccccc… \(measured on aaaaaaaaaaaa…\)/);
    const plan = planPreview({ methods: ['none', 'yarn+ft', 'sinusoidal'], lengths: ['1x'] }, ft.reference);
    assert.deepEqual(keys(plan.reference), ['none@128', 'sinusoidal@128']);
    assert.deepEqual(plan.liveCells, [{ method: 'yarn+ft', length: 128 }]);
    const gone = await loadReference(await doc(), base, { 'ropelens-mini-sinusoidal.onnx': null });
    assert.ok(!gone.reference!.runs[0]!.results.some((c) => c.method === 'sinusoidal'));
    assert.match(gone.note, /ropelens-mini-sinusoidal\.onnx is not there/);
    // A retrained base model drops the base cells; the other models' cells stay.
    const retrained = await loadReference(await doc(), new Uint8Array([8]), { 'ropelens-mini-ft-yarn.onnx': FT });
    assert.deepEqual(keys(retrained.reference!.runs[0]!.results), ['yarn+ft@128', 'sinusoidal@128', 'yarn+ft@256', 'sinusoidal@256']);
    assert.equal(retrained.reference!.runs[1]!.results.length, 0);
    assert.match(retrained.note, /ropelens-mini\.onnx is/);
  });

  it('answers the policy-free methods under either factor policy, and shows them by default only where it holds them', async () => {
    const loaded = await loadReference(await doc(), base);
    const st = planPreview({ methods: ['yarn', 'yarn+ft', 'sinusoidal'], lengths: ['1x', '2x'], factorPolicy: 'static', staticFactor: 2 }, loaded.reference);
    assert.deepEqual(keys(st.reference), ['yarn@128', 'yarn+ft@128', 'sinusoidal@128', 'yarn@256', 'yarn+ft@256', 'sinusoidal@256']);
    assert.deepEqual(defaultMethods([128, 256], loaded.reference, false), [...BUILTIN_METHODS, 'window', 'sinusoidal', 'yarn+ft']);
    assert.deepEqual(defaultMethods([128, 384], loaded.reference, true), [...BUILTIN_METHODS, 'window', 'yours'], 'not held at 3×: not a default');
    assert.deepEqual(defaultMethods([128], undefined, false), [...BUILTIN_METHODS, 'window']);
    // A request without methods gets the defaults, and the live part names them so the engine runs the same grid.
    const plan = planPreview({ lengths: ['1x', '2x'] }, loaded.reference);
    assert.ok(keys(plan.reference).includes('sinusoidal@256') && keys(plan.reference).includes('yarn+ft@128'));
    assert.deepEqual(plan.live?.methods, [...BUILTIN_METHODS, 'window', 'sinusoidal', 'yarn+ft']);
  });

  it('rejects a cell whose model hash is not a sha-256', async () => {
    const d = await doc();
    d.runs[0]!.results[2]!.modelSha256 = 'xyz';
    assert.match((await loadReference(d, base)).note, /ignored.*modelSha256/);
  });
});

describe('ropelens preview with the new methods, through the real CLI', () => {
  const METHODS = ['sinusoidal', 'alibi', 'none', 'linear', 'yarn', 'linear+ft', 'yarn+ft'];
  const io = (cwd: string) => {
    const o = { out: '', err: '' };
    return {
      o,
      io: { cwd, stdout: (t: string) => void (o.out += t), stderr: (t: string) => void (o.err += t), readFile: (p: string) => readFileSync(p, 'utf8'), writeFile: () => undefined },
    };
  };

  it('runs --json --methods sinusoidal,alibi,none,linear,yarn,linear+ft,yarn+ft --lengths 1x,2x,4x: every result carries its method', async () => {
    const { o, io: cli } = io(MODEL_DIR);
    const code = await previewCli(['--json', '--methods', METHODS.join(','), '--lengths', '1x,2x,4x'], cli);
    assert.equal(code, 0, o.err);
    const r = JSON.parse(o.out) as PreviewResult;
    assert.deepEqual(r.methods, METHODS);
    assert.deepEqual(r.lengths, [128, 256, 512]);
    assert.deepEqual(r.results.map((c) => `${c.method}@${c.length}`), [128, 256, 512].flatMap((L) => METHODS.map((m) => `${m}@${L}`)));
    for (const c of r.results) {
      assert.equal(c.lengthMultiple, c.length / L0);
      if (c.method.endsWith('+ft')) assert.equal(c.factor, FINETUNE.factor, `${c.method}@${c.length} runs at its tuning factor`);
      if (c.source === 'reference') assert.ok(c.needleCounts!.total >= 64 && c.perplexityCi95, `${c.method}@${c.length}: reference n and interval`);
    }
    assert.ok(r.notes.some((n) => n.startsWith('linear+ft, yarn+ft = ropelens-mini fine-tuned 200 steps')), 'the fine-tuned checkpoints are explained');
    assert.ok(r.notes.some((n) => n.startsWith('alibi = ')) && r.notes.some((n) => n.startsWith('sinusoidal = ')));

    // The text tables list every method in each table.
    const t = io(MODEL_DIR);
    assert.equal(await previewCli(['--methods', METHODS.join(','), '--lengths', '1x,2x,4x'], t.io), 0, t.o.err);
    for (const m of METHODS) assert.equal(t.o.out.split('\n').filter((l) => l.startsWith(`${m} `)).length, 3, `${m}: a row in each of the three tables`);
  });

  it('drops only the reference cells of a model file that changed and measures those live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ropelens-permodel-'));
    for (const f of ['eval.txt', 'needles.json', REFERENCE_FILE, ...MODEL_FILES]) if (existsSync(join(MODEL_DIR, f))) copyFileSync(join(MODEL_DIR, f), join(dir, f));
    // Another checkpoint in yarn+ft's place (a retrained one, as far as the reference can tell).
    copyFileSync(join(MODEL_DIR, 'ropelens-mini-ft-linear.onnx'), join(dir, 'ropelens-mini-ft-yarn.onnx'));
    const { o, io: cli } = io(dir);
    const prev = process.env['ROPELENS_MODEL_DIR'];
    process.env['ROPELENS_MODEL_DIR'] = dir;
    try {
      assert.equal(await previewCli(['--json', '--methods', 'none,linear+ft,yarn+ft', '--lengths', '1x', '--budget', '1'], cli), 0, o.err);
    } finally {
      if (prev === undefined) delete process.env['ROPELENS_MODEL_DIR'];
      else process.env['ROPELENS_MODEL_DIR'] = prev;
    }
    const r = JSON.parse(o.out) as PreviewResult;
    const src = Object.fromEntries(r.results.map((c) => [c.method, c.source]));
    assert.deepEqual(src, { none: 'reference', 'linear+ft': 'reference', 'yarn+ft': 'live' });
    assert.match(r.notes[0]!, /dropped \(measured live\): ropelens-mini-ft-yarn\.onnx is [0-9a-f]{12}… \(measured on [0-9a-f]{12}…\)/);
  });
});
