// One effective-context statement per hover, per engine: the block hover states transformers' reach once (and
// vLLM's derived length once when it differs); the per-dimension line repeats neither.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hoverAt } from '../../core/hover';
import { parseDocument } from '../../core/parse/index';
import { exampleFiles, ROOT, setupDialects } from './dialect-setup';

before(setupDialects);

test('every example block: at most one effective-context statement and one vLLM length per hover', () => {
  let hovers = 0;
  for (const path of exampleFiles(join(ROOT, 'examples'))) {
    const doc = parseDocument(pathToFileURL(path).href, readFileSync(path, 'utf8'));
    for (const b of doc.blocks) {
      for (const version of ['4.45.0', '4.51.0', '4.57.0', '5.15.0']) {
        const h = hoverAt(doc, b.span.offset, { transformersVersion: version });
        if (!h) continue;
        hovers++;
        const md = h.markdown;
        assert.ok((md.match(/effective context/gi) ?? []).length <= 1, `${path} @${version}:\n${md}`);
        assert.ok((md.match(/vLLM derives max_model_len/g) ?? []).length <= 1, `${path} @${version}:\n${md}`);
        assert.doesNotMatch(md, /\(transformers \d\.x\)/, 'the per-dimension line carries no context of its own');
      }
    }
  }
  assert.ok(hovers >= 20, `only ${hovers} hovers`);
});

test('a YaRN block written for 131,072 on a 32,768 model: the one statement says 131,072', () => {
  const t = '{"model_type":"qwen2","hidden_size":3584,"num_attention_heads":28,"max_position_embeddings":131072,"rope_scaling":{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}}';
  const md = hoverAt(parseDocument('file:///m/config.json', t), t.indexOf('rope_scaling') + 2, { transformersVersion: '5.15.0' })!.markdown;
  assert.match(md, /Effective context \(transformers 5\.15\.0\): 32,768 × 4 = \*\*131,072\*\*/);
  assert.doesNotMatch(md, /32,768 \(transformers/);
});
