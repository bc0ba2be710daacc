// Preview engine pieces that need no model: request validation, rotary tables per method, needle prompts,
// the "yours" mapping, and the CLI's usage errors (exit 2, one line).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run as previewCli } from '../../cli/commands/preview';
import { memoryIO } from './cli-io';
import { buildNeedlePrompt, parseNeedles, scoreNeedle } from '../../core/preview/probes/needle';
import { chunkStarts } from '../../core/preview/probes/perplexity';
import { parseLength, resolveRequest } from '../../core/preview/request';
import { builtinBlock, MINI_MODEL, sameTables, tablesFor } from '../../core/preview/tables';
import { isPreviewError, PreviewError } from '../../core/preview/types';
import { mapYours, resampleList } from '../../core/preview/yours';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const needles = parseNeedles(JSON.parse(readFileSync(join(MODEL_DIR, 'needles.json'), 'utf8')));
const evalText = new Uint8Array(readFileSync(join(MODEL_DIR, 'eval.txt')));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isPreviewError(e), `expected a PreviewError, got ${String(e)}`);
    return (e as PreviewError).code;
  }
  assert.fail('expected a PreviewError');
}

describe('preview request', () => {
  it('reads lengths as bytes or multiples of L0', () => {
    assert.equal(parseLength(300, 128), 300);
    assert.equal(parseLength('300', 128), 300);
    assert.equal(parseLength('4x', 128), 512);
    assert.equal(parseLength('1.5x', 128), 192);
    for (const bad of [0, -128, 12.5, 'abc', '0x', '0.3x', '']) assert.equal(code(() => parseLength(bad, 128)), 'bad-length', String(bad));
  });

  it('defaults to six methods and the window baseline, L0..16×L0, both probes, per-length policy', () => {
    const r = resolveRequest({}, MINI_MODEL, needles, evalText.length);
    assert.deepEqual(r.methods, ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3', 'window']);
    assert.deepEqual(r.lengths, [128, 256, 512, 1024, 2048]);
    assert.deepEqual(r.probes, ['ppl', 'needle']);
    assert.equal(r.policy, 'per-length');
    assert.equal(r.staticFactor, 16);
    assert.equal(r.budgetGiven, false);
  });

  it('refuses bad methods, probes, lengths and budgets with typed errors', () => {
    const res = (req: object) => () => resolveRequest(req, MINI_MODEL, needles, evalText.length);
    assert.equal(code(res({ methods: ['rope2'] })), 'bad-method');
    assert.equal(code(res({ methods: ['yours'] })), 'bad-method');
    assert.equal(code(res({ probes: ['bleu'] })), 'bad-probe');
    assert.equal(code(res({ lengths: [32] })), 'bad-length'); // shorter than a needle prompt
    assert.equal(code(res({ lengths: [16384] })), 'bad-length'); // past the wasm memory ceiling
    assert.equal(code(res({ budget: 0 })), 'budget-too-small');
    assert.equal(code(res({ needles: 0 })), 'budget-too-small');
    assert.equal(code(res({ evalBytes: 100 })), 'budget-too-small');
    assert.doesNotThrow(res({ lengths: [32], probes: ['ppl'] }));
  });
});

describe('preview tables', () => {
  const at = (m: Parameters<typeof builtinBlock>[0], s: number, L: number) => tablesFor(builtinBlock(m, s, L, MINI_MODEL), MINI_MODEL);

  it('dynamic at or below L0 is exactly none, and grows the base past L0', () => {
    const none = at('none', 1, 128);
    for (const s of [1, 2, 16]) for (const L of [64, 128]) assert.ok(sameTables(at('dynamic', s, L), none));
    const d = at('dynamic', 2, 256);
    assert.ok(!sameTables(d, none));
    // base' = base · ((s·L/L0) − (s−1))^(d/(d−2)) = 10000 · 3^(32/30): the lowest frequency shrinks accordingly.
    const ratio = none.invFreq[15]! / d.invFreq[15]!;
    assert.ok(Math.abs(ratio - Math.pow(3, (32 / 30) * (30 / 32))) < 1e-3, `ratio ${ratio}`);
  });

  it('each method at factor s moves the frequencies its way', () => {
    const none = at('none', 1, 128);
    const lin = at('linear', 4, 512);
    lin.invFreq.forEach((x, j) => assert.ok(Math.abs(x * 4 - none.invFreq[j]!) < 1e-6 * none.invFreq[j]!));
    const yarn = at('yarn', 4, 512);
    assert.ok(Math.abs(yarn.attentionFactor - (0.1 * Math.log(4) + 1)) < 1e-9);
    assert.equal(yarn.invFreq[0], none.invFreq[0]); // highest frequency kept
    assert.ok(Math.abs(yarn.invFreq[15]! * 4 - none.invFreq[15]!) < 1e-6); // lowest interpolated
    const ntk = at('ntk', 4, 512);
    assert.equal(ntk.invFreq[0], none.invFreq[0]);
    assert.ok(ntk.invFreq[15]! < none.invFreq[15]!);
  });
});

describe('preview needles', () => {
  it('builds prompts of exactly L bytes ending with the query and the key', () => {
    for (const L of [48, 128, 256, 2048]) {
      for (const n of needles.needles.slice(0, 8)) {
        const p = buildNeedlePrompt(evalText, needles, n, L);
        assert.equal(p.length, L);
        const text = Buffer.from(p).toString('latin1');
        assert.ok(text.endsWith(needles.query + n.key));
        const at = text.indexOf(needles.needlePrefix + n.key + needles.needleSuffix);
        assert.ok(at >= 0 && at <= Math.floor(n.depth * (L - needles.minLength)), `needle at ${at}`);
        assert.ok(at === 0 || text[at - 1] === ' ' || text[at - 1] === '\n', 'needle starts at a word start');
      }
    }
    assert.equal(code(() => buildNeedlePrompt(evalText, needles, needles.needles[0]!, 47)), 'bad-length');
  });

  it('reproduces the Python reference prompts byte for byte (needles.json examples)', () => {
    const doc = JSON.parse(readFileSync(join(MODEL_DIR, 'needles.json'), 'utf8')) as { examples?: { id: number; L: number; prompt: string }[] };
    assert.ok((doc.examples ?? []).length >= 3, 'needles.json carries examples built by training/needles.py');
    for (const ex of doc.examples!) {
      const n = needles.needles.find((x) => x.id === ex.id)!;
      assert.equal(Buffer.from(buildNeedlePrompt(evalText, needles, n, ex.L)).toString('latin1'), ex.prompt, `needle ${ex.id} at ${ex.L}`);
    }
  });

  it('scores teacher-forced argmax over the key bytes', () => {
    const p = buildNeedlePrompt(evalText, needles, needles.needles[0]!, 64);
    const logits = new Float32Array(64 * 256);
    for (let t = 0; t < 63; t++) logits[t * 256 + p[t + 1]!] = 1; // a perfect predictor
    assert.deepEqual(scoreNeedle(p, logits, 8), { exact: true, hits: 8, keyLength: 8 });
    logits[(64 - 3) * 256 + p[64 - 2]!] = 0; // one key byte wrong
    assert.deepEqual(scoreNeedle(p, logits, 8), { exact: false, hits: 7, keyLength: 8 });
  });

  it('rejects malformed needle files', () => {
    assert.equal(code(() => parseNeedles({ format: 'x' })), 'assets-invalid');
    assert.equal(code(() => parseNeedles(null)), 'assets-invalid');
  });

  it('chunks the eval text like the model card (plus one wrapped chunk when L does not divide it)', () => {
    assert.deepEqual(chunkStarts(128, 512), [0, 128, 256, 384]);
    assert.deepEqual(chunkStarts(2048, 4000), [0, 2048]);
  });
});

describe('preview yours', () => {
  it('maps a YaRN block onto L0 with its own factor, lengths in the user tokens', () => {
    const m = mapYours({ ropeType: 'yarn', params: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 }, facts: { maxPositionEmbeddings: 131072 } }, MINI_MODEL);
    assert.equal(m.factor, 4);
    assert.equal(m.originalContext, 32768);
    const t = tablesFor(m.blockAt(512), MINI_MODEL);
    const builtin = tablesFor(builtinBlock('yarn', 4, 512, MINI_MODEL), MINI_MODEL);
    assert.ok(sameTables(t, builtin));
  });

  it('resamples LongRoPE lists of another length and keeps the user temperature', () => {
    const long = Array.from({ length: 48 }, (_, j) => 1 + j / 4);
    const m = mapYours(
      { ropeType: 'longrope', params: { rope_type: 'longrope', short_factor: long.map(() => 1), long_factor: long, original_max_position_embeddings: 4096 }, facts: { maxPositionEmbeddings: 131072, headDim: 96 } },
      MINI_MODEL,
    );
    assert.ok(m.notes.some((n) => /48 entries.*resampled/.test(n)));
    const t = tablesFor(m.blockAt(256), MINI_MODEL);
    assert.equal(t.invFreq.length, 16);
    assert.ok(Math.abs(t.attentionFactor - Math.sqrt(1 + Math.log(32) / Math.log(4096))) < 1e-9);
    assert.deepEqual(resampleList([1, 3], 3), [1, 2, 3]);
  });

  it('explains blocks the mini-model cannot express', () => {
    assert.equal(code(() => mapYours({ ropeType: 'dynamic-yarn', params: { rope_type: 'dynamic-yarn', factor: 4 } }, MINI_MODEL)), 'inexpressible-block');
    assert.equal(code(() => mapYours({ ropeType: 'longrope', params: { rope_type: 'longrope', long_factor: 'x' } }, MINI_MODEL)), 'inexpressible-block');
    assert.equal(code(() => mapYours({ ropeType: 'linear', params: { rope_type: 'linear' } }, MINI_MODEL)), 'inexpressible-block');
  });
});

describe('ropelens preview usage errors', () => {
  const io = (files: Record<string, string> = {}) => memoryIO(files, '/tmp', true);
  const cases: [string[], RegExp][] = [
    [['--lengths', '0'], /length "0"|positive whole number/],
    [['--lengths', '1.5'], /not a positive integer/],
    [['--budget', '0'], /--budget needs a positive number/],
    [['--budget', '0.01'], /budget 0.01 s is too small/],
    [['--methods', 'rope2'], /unknown method "rope2"/],
    [['--factor-policy', 'sometimes'], /--factor-policy needs per-length or static/],
    [['--wat'], /unknown option --wat/],
    [['/tmp/missing.json'], /cannot read \/tmp\/missing.json \(ENOENT\)/],
  ];
  for (const [argv, re] of cases) {
    it(`exits 2 with one line for ${argv.join(' ')}`, async () => {
      const o = io();
      assert.equal(await previewCli(argv, o), 2);
      assert.match(o.err, re);
      assert.equal(o.err.trim().split('\n').length, 1, o.err);
      assert.equal(o.out, '');
    });
  }
  it('explains an inexpressible block from FILE', async () => {
    const o = io({ '/tmp/c.json': JSON.stringify({ max_position_embeddings: 4096, rope_scaling: { rope_type: 'dynamic-yarn', factor: 4 } }) });
    assert.equal(await previewCli(['--lengths', '1x', '--probe', 'ppl', '/tmp/c.json'], o), 2);
    assert.match(o.err, /rope type 'dynamic-yarn' has no RoPE formula/);
  });
});
