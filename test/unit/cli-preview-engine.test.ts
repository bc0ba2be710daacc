// `ropelens preview --engine ...` through the CLI's main(): the same JSON shapes as the mini-model preview, and every
// fault (bad flags, unreadable model files) as one line on stderr with exit 2, nothing half-written on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { fileIO } from './cli-io';

const root = join(__dirname, '..', '..');
const mini = join(root, 'media', 'model', 'ropelens-mini.onnx');

test('preview --engine onnx --json: the preview result shape, with the engine named', async () => {
  const io = fileIO(root);
  const code = await main(['preview', '--engine', 'onnx', '--model', mini, '--methods', 'none,linear', '--lengths', '1x,2x', '--needles', '2', '--eval-tokens', '256', '--json'], io);
  assert.equal(code, 0, io.err);
  const r = JSON.parse(io.out);
  assert.equal(r.engine, 'onnx');
  assert.deepEqual(r.lengths, [128, 256]);
  assert.equal(r.results.length, 4);
  for (const c of r.results) assert.ok(c.perplexity > 1 && c.needleCounts.total === 2, JSON.stringify(c));
});

test('preview --engine: bad flags are one usage line (exit 2)', async () => {
  const cases: [string[], RegExp][] = [
    [['--engine', 'vllm', '--model', 'x'], /--engine needs onnx, llama\.cpp, openai/],
    [['--engine', 'llama.cpp'], /--engine llama\.cpp needs --model \(a \.gguf file\)/],
    [['--model', 'x.gguf'], /--model needs --engine/],
    [['--engine', 'onnx', '--model', mini, '--lengths', 'lots'], /length "lots" is not a token count/],
  ];
  for (const [args, want] of cases) {
    const io = fileIO(root);
    assert.equal(await main(['preview', ...args], io), 2, args.join(' '));
    assert.match(io.err, want);
    assert.equal(io.err.trim().split('\n').length, 1, io.err);
    assert.equal(io.out, '');
  }
});

test('preview --engine llama.cpp: a missing or non-GGUF model file is one line naming the engine (exit 2)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ropelens-gguf-bad-'));
  try {
    writeFileSync(join(tmp, 'junk.gguf'), 'this is not a GGUF file at all');
    for (const [file, want] of [[join(tmp, 'none.gguf'), /llama\.cpp: cannot read .*none\.gguf as GGUF \(ENOENT\)/], [join(tmp, 'junk.gguf'), /llama\.cpp: cannot read .*junk\.gguf as GGUF/]] as const) {
      const io = fileIO(root);
      assert.equal(await main(['preview', '--engine', 'llama.cpp', '--model', file], io), 2);
      assert.match(io.err, want);
      assert.equal(io.err.trim().split('\n').length, 1, io.err);
      assert.equal(io.out, '');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
