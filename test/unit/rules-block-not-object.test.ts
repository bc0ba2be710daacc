import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { applyEdits } from '../../core/edits';

const config = (rope: string) =>
  `{\n  "model_type": "llama",\n  "max_position_embeddings": 4096,\n  "rope_theta": 10000.0,\n  "rope_scaling": ${rope}\n}\n`;

function findings(text: string, version = '5.15.0') {
  return checkDocument(parseDocument('file:///m/config.json', text), { transformersVersion: version });
}

test('rope-block-not-object fires on strings, numbers and lists, at every version', () => {
  for (const rope of ['"linear"', '4', '[1, 2]', 'true']) {
    for (const v of ['4.45.0', '5.15.0']) {
      const text = config(rope);
      const f = findings(text, v).filter((x) => x.ruleId === 'rope-block-not-object');
      assert.equal(f.length, 1, `${rope} @ ${v}`);
      assert.equal(f[0]!.severity, 'error');
      assert.equal(text.slice(f[0]!.span.offset, f[0]!.span.offset + f[0]!.span.length), rope);
      // The fix removes the key and the result is valid, clean JSON.
      const fixed = applyEdits(text, f[0]!.fixes![0]!.edits);
      assert.doesNotThrow(() => JSON.parse(fixed));
      assert.ok(!('rope_scaling' in JSON.parse(fixed)));
      assert.equal(findings(fixed, v).filter((x) => x.severity === 'error').length, 0);
    }
  }
});

test('rope-block-not-object stays quiet on objects and null', () => {
  for (const rope of ['null', '{"rope_type": "linear", "factor": 2.0}']) {
    assert.equal(findings(config(rope)).filter((x) => x.ruleId === 'rope-block-not-object').length, 0, rope);
  }
});
