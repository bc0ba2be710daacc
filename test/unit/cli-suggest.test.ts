// `ropelens suggest --target N [--write] FILE`: preview as a diff, then write, then the file re-checks clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { unifiedDiff } from '../../cli/commands/suggest';
import { fileIO as fakeIO } from './cli-io';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';


const QWEN = `{
  "architectures": ["Qwen2ForCausalLM"],
  "model_type": "qwen2",
  "hidden_size": 2048,
  "num_attention_heads": 16,
  "max_position_embeddings": 32768,
  "rope_theta": 1000000.0,
  "rope_scaling": null,
  "transformers_version": "4.43.1"
}
`;

test('unifiedDiff: one hunk with context, nothing for equal texts', () => {
  assert.equal(unifiedDiff('f', 'a\nb\nc\n', 'a\nb\nc\n'), '');
  const d = unifiedDiff('f', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nD\ne\nf\ng\nh\n', 1);
  assert.equal(d, '--- f\n+++ f\n@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n');
});

test('suggest prints the YaRN change as a diff and leaves the file alone; --write applies it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-suggest-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, QWEN);
  const io = fakeIO(dir);
  assert.equal(await main(['suggest', '--method', 'yarn', '--target', '128k', file], io), 0, io.err);
  assert.equal(readFileSync(file, 'utf8'), QWEN, 'preview does not write');
  assert.match(io.out, /^--- /m);
  assert.match(io.out, /^\+.*"yarn"/m);
  assert.match(io.out, /^-\s*"max_position_embeddings": 32768/m);
  assert.match(io.out, /^\+\s*"max_position_embeddings": 131072/m);

  const w = fakeIO(dir);
  assert.equal(await main(['suggest', '--method', 'yarn', '--target', '131072', '--write', file], w), 0, w.err);
  const after = readFileSync(file, 'utf8');
  JSON.parse(after);
  const doc = parseDocument(file, after);
  const block = doc.blocks[0]!;
  assert.equal(block.params['rope_type'], 'yarn');
  assert.equal(block.params['factor'], 4);
  assert.equal(block.params['original_max_position_embeddings'], 32768);
  assert.equal(block.context.maxPositionEmbeddings?.value, 131072);
  assert.deepEqual(checkDocument(doc).filter((f) => f.severity === 'error'), []);
});

test('suggest: usage errors exit 2 with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-suggest-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, QWEN);
  for (const argv of [['suggest', file], ['suggest', '--target', 'lots', file], ['suggest', '--method', 'yarn', '--target', '1000', file], ['suggest', '--target', '65536'], ['suggest', '--target', '65536', join(dir, 'nope.json')]]) {
    const io = fakeIO(dir);
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.equal(io.err.trim().split('\n').length, 1, io.err);
  }
});
