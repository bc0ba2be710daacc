// `ropelens explain` end to end through the real parser, with an in-memory CliIO: every golden config written as a
// config.json file must give transformers' numbers again; every example config must explain cleanly; bad input exits 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../cli/commands/explain';
import type { CliIO } from '../../cli/io';
import type { ExplainResult } from '../../core/explain';

const root = join(import.meta.dirname, '..', '..');

function memoryIO(files: Record<string, string>): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: '/work',
    stdout(t: string) { io.out += t; },
    stderr(t: string) { io.err += t; },
    readFile(p: string) {
      if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return files[p]!;
    },
    writeFile() { throw new Error('explain must not write'); },
  };
  return io;
}

interface GoldenCase {
  id: string;
  rope_type: string;
  config: Record<string, unknown>;
  seq_len: number | null;
  rope_dim: number;
  inv_freq: number[];
  attention_factor: number;
}

for (const version of ['4.45.0', '4.57.0', '5.15.0']) {
  const cases = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'golden', `inv_freq_v${version}.json`), 'utf8')) as GoldenCase[];
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

test('explain --json on every example config', async (t) => {
  const dir = join(root, 'examples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) {
    t.skip('examples/*.json not written yet');
    return;
  }
  for (const f of files) {
    const path = join(dir, f);
    const io = memoryIO({ [path]: readFileSync(path, 'utf8') });
    const code = await run(['--json', path], io);
    assert.equal(code, 0, `${f}: ${io.err}`);
    const res = JSON.parse(io.out) as ExplainResult;
    assert.ok(Array.isArray(res.blocks), f);
    for (const b of res.blocks) {
      assert.ok(b.invFreq.length > 0 && b.invFreq.every((x) => Number.isFinite(x) && x >= 0), `${f} ${b.path}`);
      assert.ok(Number.isFinite(b.attentionFactor) && b.attentionFactor > 0, `${f} ${b.path}`);
      assert.equal(b.dims.length, b.invFreq.length);
    }
  }
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
