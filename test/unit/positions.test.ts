// Models that do not use RoPE (issue 13 item 5): published configs of MPT, GPT-2, BLOOM and Falcon are recognised, a
// rope block in them is an error, an information finding states the length limit, and `suggest` answers with advice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { memoryIO } from './cli-io';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { nonRopeModel } from '../../core/positions';
import { adviseFor } from '../../core/advisor/apply';
import type { Finding } from '../../core/rules/types';

const ROOT = join(__dirname, '..', '..');
const fixture = (name: string): string => readFileSync(join(ROOT, 'test/fixtures/models', name), 'utf8');
const check = (text: string, uri = 'file:///m/config.json'): Finding[] => checkDocument(parseDocument(uri, text), {});
const ours = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === 'non-rope-positions');
/** The fixture with a Llama-style rope block added as the first member (what people paste). */
const withRope = (text: string): string => text.replace('{', '{\n  "rope_scaling": {"rope_type": "linear", "factor": 4.0},');

const CASES = [
  { file: 'mpt-7b-instruct.json', family: 'MPT', kind: 'alibi', limit: 2048, key: 'max_seq_len' },
  { file: 'gpt2.json', family: 'GPT-2', kind: 'learned', limit: 1024, key: 'n_positions' },
  { file: 'bloom-560m.json', family: 'BLOOM', kind: 'alibi', limit: undefined, key: undefined },
] as const;

for (const c of CASES) {
  test(`${c.file}: recognised as ${c.family} (${c.kind}); information on the limit; a rope block is an error`, () => {
    const text = fixture(c.file);
    const m = nonRopeModel(parseDocument('file:///m/config.json', text))!;
    assert.equal(m.family, c.family);
    assert.equal(m.kind, c.kind);
    assert.equal(m.limit, c.limit);
    assert.equal(m.limitKey, c.key);
    const plain = ours(check(text));
    assert.deepEqual(plain.map((f) => f.severity), ['information']);
    if (c.limit !== undefined) assert.ok(plain[0]!.message.includes(`${c.key} = ${c.limit}`), plain[0]!.message);
    assert.match(plain[0]!.message, c.kind === 'alibi' ? /ALiBi/ : /cannot be extended/);

    const broken = withRope(text);
    const fs = ours(check(broken));
    const err = fs.find((f) => f.severity === 'error')!;
    assert.ok(err, 'rope block reported');
    assert.equal(broken.slice(err.span.offset, err.span.offset + err.span.length), '"rope_scaling"');
    assert.match(err.message, /never reads `rope_scaling`, so this block does nothing/);
  });
}

test('the MPT finding points at attn_config.alibi, the switch that makes it ALiBi', () => {
  const text = fixture('mpt-7b-instruct.json');
  const f = ours(check(text))[0]!;
  assert.equal(text.slice(f.span.offset, f.span.offset + f.span.length), '"alibi"');
});

test('Falcon: alibi false (falcon-7b-instruct, rotary) is not flagged; the same config with alibi true is', () => {
  const rotary = fixture('falcon-7b-instruct.json');
  assert.equal(nonRopeModel(parseDocument('file:///m/config.json', rotary)), undefined);
  assert.deepEqual(ours(check(rotary)), []);
  const alibi = rotary.replace('"alibi": false', '"alibi": true');
  const f = ours(check(alibi));
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /^Falcon \(alibi: true\) uses ALiBi/);
});

test('MPT with attn_config.alibi false uses learned positions: not claimed as ALiBi', () => {
  const text = fixture('mpt-7b-instruct.json').replace('"alibi": true', '"alibi": false');
  assert.equal(nonRopeModel(parseDocument('file:///m/config.json', text)), undefined);
});

test('OPT and Baichuan-13B configs by their keys (model_type, hidden_size 5120); Baichuan-7B (4096) is RoPE', () => {
  const opt = '{"model_type": "opt", "architectures": ["OPTForCausalLM"], "max_position_embeddings": 2048, "hidden_size": 768}';
  assert.deepEqual([nonRopeModel(parseDocument('file:///c.json', opt))?.family, nonRopeModel(parseDocument('file:///c.json', opt))?.limit], ['OPT', 2048]);
  const b13 = '{"model_type": "baichuan", "architectures": ["BaichuanForCausalLM"], "hidden_size": 5120, "model_max_length": 4096}';
  assert.equal(nonRopeModel(parseDocument('file:///c.json', b13))?.family, 'Baichuan-13B');
  const b7 = '{"model_type": "baichuan", "architectures": ["BaichuanForCausalLM"], "hidden_size": 4096, "max_position_embeddings": 4096}';
  assert.equal(nonRopeModel(parseDocument('file:///c.json', b7)), undefined);
  // A RoPE model stays untouched.
  assert.equal(nonRopeModel(parseDocument('file:///c.json', fixture('llama-3.1-8b.json'))), undefined);
});

test('suggest on ALiBi / learned-position configs: advice and exit 0, never "not found"', async () => {
  for (const c of CASES) {
    const io = memoryIO({ '/w/config.json': fixture(c.file) });
    const rc = await main(['suggest', '--target', '16k', '/w/config.json'], io);
    assert.equal(rc, 0, `${c.file}: ${io.err}`);
    assert.equal(io.err, '');
    assert.match(io.out, new RegExp(`^${c.family.replace(/[-()]/g, '.')} uses`));
    assert.match(io.out, /To reach 16,384 tokens/);
    assert.doesNotMatch(io.out, /not found/i);
  }
  // The editor's "Extend context…" gets the same advice instead of a rope recommendation.
  const r = adviseFor(parseDocument('file:///m/config.json', fixture('mpt-7b-instruct.json')), undefined, { target: 8192, finetune: false });
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /raise max_seq_len/);
});
