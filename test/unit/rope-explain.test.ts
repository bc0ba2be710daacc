// `ropelens explain` end to end through the real parser, with an in-memory CliIO: every golden config written as a
// config.json file must give transformers' numbers again; every example config must explain cleanly; bad input exits 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../cli/commands/explain';
import { memoryIO } from './cli-io';
import { GOLDEN_VERSIONS, loadGolden } from './golden-fixtures';
import type { ExplainResult } from '../../core/explain';
import { detectDialect } from '../../core/parse/index';
// The CLI registers every dialect; so does this test, so recipes, launch files and model cards are explained too.
import '../../core/dialects';

const root = join(import.meta.dirname, '..', '..');

for (const version of GOLDEN_VERSIONS) {
  const cases = loadGolden(version);
  test(`explain --json reproduces every golden v${version} config written as a file`, async () => {
    for (const c of cases) {
      const io = memoryIO({ '/work/cfg/config.json': JSON.stringify(c.config, null, 2) });
      const argv = ['--json', '--transformers', version, 'cfg/config.json'];
      if (c.seq_len !== null) argv.splice(1, 0, '--seq-len', String(c.seq_len));
      const code = await run(argv, io);
      assert.equal(code, 0, `${c.id}: ${io.err}`);
      assert.equal(io.err, '');
      const res = JSON.parse(io.out) as ExplainResult;
      assert.equal(res.blocks.length, 1, c.id);
      const b = res.blocks[0]!;
      // Default cases have no block: explain falls back to the config's default RoPE (path "").
      assert.equal(b.path, 'rope_scaling' in c.config ? '/rope_scaling' : '', c.id);
      assert.equal(b.ropeType, c.rope_type, c.id);
      assert.equal(b.ropeDim, c.rope_dim, c.id);
      assert.equal(b.invFreq.length, c.inv_freq.length, c.id);
      b.invFreq.forEach((x, j) => {
        const g = c.inv_freq[j]!;
        assert.ok(Math.abs(x - g) <= 1e-6 * Math.abs(g), `${c.id} seq=${c.seq_len} j=${j}: ${x} vs ${g}`);
      });
      assert.ok(Math.abs(b.attentionFactor - c.attention_factor) <= 1e-6, c.id);
      assert.equal(b.dims.length, b.invFreq.length);
      assert.equal(b.effectiveContext.transformers, c.config['max_position_embeddings']);
      assert.match(b.summary, /^dims? 0/);
    }
  });
}

test('explain --json on every example file (config.json, scripts, recipes, launch files)', async () => {
  const dir = join(root, 'examples');
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(d, e.name)) : detectDialect(join(d, e.name)) ? [join(d, e.name)] : []);
  const files = walk(dir);
  assert.ok(files.filter((f) => f.endsWith('config.json')).length >= 5, `example configs found: ${files.length}`);
  let blocks = 0;
  for (const path of files) {
    const io = memoryIO({ [path]: readFileSync(path, 'utf8') });
    const code = await run(['--json', path], io);
    assert.equal(code, 0, `${path}: ${io.err}`);
    const res = JSON.parse(io.out) as ExplainResult;
    assert.ok(Array.isArray(res.blocks), path);
    for (const b of res.blocks) {
      blocks++;
      assert.ok(b.invFreq.length > 0 && b.invFreq.every((x) => Number.isFinite(x) && x >= 0), `${path} ${b.path}`);
      assert.ok(Number.isFinite(b.attentionFactor) && b.attentionFactor > 0, `${path} ${b.path}`);
      assert.equal(b.dims.length, b.invFreq.length);
    }
  }
  assert.ok(blocks >= files.length / 2, `blocks explained: ${blocks}`);
});

test('explain text output: summary, effective context and one row per frequency', async () => {
  const cfg = {
    hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 131072, rope_theta: 10000.0,
    rope_scaling: { rope_type: 'yarn', factor: 32.0, original_max_position_embeddings: 4096 },
  };
  const io = memoryIO({ '/work/config.json': JSON.stringify(cfg) });
  assert.equal(await run(['config.json'], io), 0);
  assert.match(io.out, /\/rope_scaling: yarn — transformers 5\.15\.0/);
  assert.match(io.out, /dims 0–20 kept, 21–45 blended, 46–63 interpolated ×32; attention ×1\.35; effective context 131,072 \(transformers 5\.x\), 131,072 \(vLLM\)/);
  assert.match(io.out, /llama\.cpp --rope-scaling yarn --rope-scale 32 --yarn-orig-ctx 4096 -c 131072/);
  assert.equal(io.out.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l)).length, 64);
});

test('explain follows the transformers version: yarn omp ignored before 4.51', async () => {
  const cfg = {
    hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 32768, rope_theta: 1e6,
    rope_scaling: { type: 'yarn', factor: 4.0, original_max_position_embeddings: 8192 },
  };
  const get = async (v: string) => {
    const io = memoryIO({ '/work/config.json': JSON.stringify(cfg) });
    assert.equal(await run(['--json', '--transformers', v, 'config.json'], io), 0);
    return (JSON.parse(io.out) as ExplainResult).blocks[0]!;
  };
  assert.equal((await get('4.45')).originalContext, 32768);
  const b451 = await get('4.51');
  assert.equal(b451.factor, 4); // implicit mpe/omp = 4 too
  assert.equal(b451.originalContext, 8192);
  assert.equal((await get('5.15.0')).originalContext, 8192);
});

test('explain exits 2 with one line on bad arguments or unreadable files', async () => {
  const cases: [string[], RegExp][] = [
    [[], /missing FILE/],
    [['--bogus', 'a.json'], /unknown option --bogus/],
    [['--seq-len', 'abc', 'a.json'], /--seq-len needs a positive integer/],
    [['--seq-len'], /--seq-len needs a positive integer/],
    [['--transformers', 'banana', 'a.json'], /--transformers needs a version/],
    [['a.json', 'b.json'], /one FILE expected/],
    [['missing.json'], /cannot read missing\.json \(ENOENT\)/],
    [['notes.txt'], /not a file RoPE Lens reads/],
  ];
  for (const [argv, re] of cases) {
    const io = memoryIO({});
    assert.equal(await run(argv, io), 2, argv.join(' '));
    assert.match(io.err, re);
    assert.equal(io.err.trim().split('\n').length, 1);
    assert.equal(io.out, '');
  }
});

test('explain on a file without rope blocks (or broken JSON) does not crash', async () => {
  for (const text of ['{}', '{"rope_scaling": ', 'not json at all', '[1,2,3]']) {
    const io = memoryIO({ '/work/config.json': text });
    assert.equal(await run(['--json', 'config.json'], io), 0, text);
    assert.deepEqual((JSON.parse(io.out) as ExplainResult).blocks, []);
  }
});

test('explain on a v5 per-layer config: proportional rotates only prf·head_dim/2 frequencies, exponents over head_dim', async () => {
  const cfg = {
    hidden_size: 2560, num_attention_heads: 8, head_dim: 256, max_position_embeddings: 131072,
    layer_types: ['sliding_attention', 'full_attention'],
    rope_parameters: {
      full_attention: { rope_type: 'proportional', partial_rotary_factor: 0.25, rope_theta: 1e6 },
      sliding_attention: { rope_type: 'default', rope_theta: 1e4 },
    },
  };
  const io = memoryIO({ '/work/config.json': JSON.stringify(cfg) });
  assert.equal(await run(['--json', 'config.json'], io), 0);
  const [full, sliding] = (JSON.parse(io.out) as ExplainResult).blocks;
  assert.equal(full!.path, '/rope_parameters/full_attention');
  assert.equal(full!.invFreq.length, 128);
  full!.invFreq.forEach((x, j) => {
    if (j < 32) assert.ok(Math.abs(x - 1 / Math.pow(1e6, (2 * j) / 256)) <= 1e-6 * x, `j=${j}`);
    else assert.equal(x, 0);
  });
  assert.match(full!.summary, /^dims 0–31 kept, 32–127 unrotated/);
  assert.equal(sliding!.ropeType, 'default');
  assert.ok(Math.abs(sliding!.invFreq[64]! - 1 / 1e4 ** 0.5) <= 1e-9);
});

test("explain computes Phi-3 'su' blocks as longrope, and flags types the release lacks", async () => {
  const short = Array.from({ length: 48 }, () => 1.0);
  const long = Array.from({ length: 48 }, (_, j) => 1 + j);
  const cfg = {
    model_type: 'phi3', hidden_size: 3072, num_attention_heads: 32, max_position_embeddings: 131072,
    original_max_position_embeddings: 4096, rope_theta: 10000.0,
    rope_scaling: { type: 'su', short_factor: short, long_factor: long },
  };
  const get = async (argv: string[], c: object) => {
    const io = memoryIO({ '/work/config.json': JSON.stringify(c) });
    assert.equal(await run(['--json', ...argv, 'config.json'], io), 0);
    return (JSON.parse(io.out) as ExplainResult).blocks[0]!;
  };
  const atInit = await get([], cfg);
  assert.equal(atInit.ropeType, 'longrope');
  assert.equal(atInit.error, undefined);
  assert.ok(Math.abs(atInit.attentionFactor - Math.sqrt(1 + Math.log(32) / Math.log(4096))) < 1e-12);
  assert.equal(atInit.invFreq[47], atInit.dims[47]!.defaultInvFreq); // short factors (all 1) at init
  const longer = await get(['--seq-len', '8192'], cfg);
  assert.ok(Math.abs(longer.invFreq[47]! * 48 - longer.dims[47]!.defaultInvFreq) <= 1e-6 * longer.dims[47]!.defaultInvFreq);
  const unknown = await get([], { ...cfg, model_type: 'llama', rope_scaling: { rope_type: 'banana', factor: 2 } });
  assert.equal(unknown.ropeType, 'default');
  assert.match(unknown.error ?? '', /no rope type 'banana'/);
});
