import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../core/parse/index';
import { checkDocument, EAGER_FIX_MAX_BLOCKS, fixesFor } from '../../core/check';
import { applyEdits } from '../../core/edits';

/** A config with many sub-configs, each with a legacy `type` YaRN block and a typo'd key. */
function manyBlocks(n: number): string {
  const subs = Array.from({ length: n }, (_, i) =>
    `  "sub_${i}": {\n    "model_type": "llama",\n    "max_position_embeddings": 4096,\n    "rope_scaling": {"type": "linear", "factor": 2, "attn_factor": 1.0}\n  }`);
  return `{\n  "model_type": "llama",\n${subs.join(',\n')}\n}\n`;
}

test('large documents defer fixes; fixesFor computes the same fixes for one finding', () => {
  const text = manyBlocks(EAGER_FIX_MAX_BLOCKS + 10);
  const doc = parseDocument('file:///m/config.json', text);
  assert.equal(doc.blocks.length, EAGER_FIX_MAX_BLOCKS + 10);
  const lazy = checkDocument(doc, {});
  assert.ok(lazy.length > 0);
  assert.ok(lazy.every((f) => f.fixesDeferred === true && f.fixes === undefined));
  // The last block's finding: fixes on request equal what an eager check computes.
  const target = [...lazy].reverse().find((f) => f.ruleId === 'unknown-key')!;
  const onDemand = fixesFor(doc, target);
  assert.ok(onDemand.length > 0);
  const eager = checkDocument(doc, { fixes: true, blockPaths: [target.blockPath!] })
    .find((f) => f.ruleId === target.ruleId && f.span.offset === target.span.offset)!;
  assert.deepEqual(onDemand, eager.fixes);
  const fixed = applyEdits(text, (onDemand.find((f) => f.isPreferred) ?? onDemand[0]!).edits);
  const again = checkDocument(parseDocument('file:///m/config.json', fixed), {});
  assert.ok(!again.some((f) => f.ruleId === 'unknown-key' && f.blockPath === target.blockPath));
});

test('small documents keep eager fixes; fixes:false turns them off', () => {
  const doc = parseDocument('file:///m/config.json', manyBlocks(2));
  assert.ok(checkDocument(doc).some((f) => (f.fixes?.length ?? 0) > 0));
  assert.ok(checkDocument(doc, { fixes: false }).every((f) => f.fixes === undefined && f.fixesDeferred));
});
