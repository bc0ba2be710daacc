import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { detectDialect } from '../../core/parse/index';
import { analyse, example, setupDialects, slice } from './dialect-setup';

before(setupDialects);

test('Makefile recipes are read as command lines, $(VAR) included', () => {
  assert.equal(detectDialect('file:///x/Makefile'), 'shell');
  assert.equal(detectDialect('file:///x/rules.mk'), 'shell');
  assert.equal(detectDialect('file:///x/Dockerfile.gpu'), 'shell');
  const e = example('serve/Makefile');
  const { doc, findings } = analyse(e.uri, e.text, '5.15.0');
  assert.equal(doc.blocks.length, 1, 'only the YaRN recipe carries a rope block');
  const b = doc.blocks[0]!;
  assert.equal(b.engine, 'llama.cpp');
  assert.equal(b.params['rope_type'], 'yarn');
  assert.equal(b.params['factor'], 8);
  // YaRN without a raised -c: llama.cpp keeps the model's trained context.
  const ctx = findings.find((f) => f.ruleId === 'llama-cpp-ctx-not-raised');
  assert.ok(ctx, `expected llama-cpp-ctx-not-raised, got ${findings.map((f) => f.ruleId).join(', ')}`);
  assert.ok(slice(e, ctx.span).length > 0);
});
