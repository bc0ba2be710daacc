// Any text in a .py / .yaml / .sh / Dockerfile: parsing and checking never throw and stay within a time bound.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePython } from '../../core/parse/python';
import { parseYaml } from '../../core/parse/yaml';
import { parseShell } from '../../core/parse/shell';
import type { ParsedDocument } from '../../core/model';
import { checkDocument } from '../../core/check';
import { setupDialects } from './dialect-setup';

before(setupDialects);

// The parsers are called directly: parseDocument would swallow their exceptions.
function parseDocument(uri: string, t: string): ParsedDocument {
  if (uri.endsWith('.py')) return parsePython(uri, t);
  if (uri.endsWith('.yaml')) return parseYaml(uri, t);
  return parseShell(uri, t);
}

const FILES = ['file:///f/x.py', 'file:///f/x.yaml', 'file:///f/x.sh', 'file:///f/Dockerfile'];
// Fragments that reach the interesting paths (block keys, flags, quotes, continuations, nesting).
const PIECES = [
  'rope_scaling', 'rope_parameters', '=', ':', '{', '}', '[', ']', '(', ')', '"', "'", '\\', '\n', '  ', '- ', ',', '#',
  '"rope_type"', '"yarn"', 'factor', '4.0', '32768', 'dict(', 'hf_overrides=', '["type"]', '.rope_scaling', 'vllm serve m',
  '--rope-scaling', '--hf-overrides', '--max-model-len', '131072', 'llama-server', '--rope-scale', '--rope-freq-scale',
  '-c', 'text-generation-launcher', 'ROPE_SCALING=', 'CMD [', 'ENTRYPOINT', 'command:', 'args:', 'image: vllm/vllm-openai',
  '${X}', '$(', '`', '&&', '|', ';', '---', '&a', '*a', '!!str', '\t', '\r\n', '\u0000', 'é😀',
];

const text = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((a) => a.join('')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

test('no exception, no hang on arbitrary input', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FILES), text, (uri, t) => {
      const t0 = performance.now();
      const doc = parseDocument(uri, t);
      checkDocument(doc);
      for (const b of doc.blocks) {
        assert.ok(b.span.offset >= 0 && b.span.offset + b.span.length <= t.length, 'block span inside the text');
      }
      assert.ok(performance.now() - t0 < 2000, 'within 2 s');
    }),
    { numRuns: 600 },
  );
});

test('deep nesting does not overflow the stack', () => {
  for (const uri of FILES) {
    const deep = `rope_scaling = ${'{"a": '.repeat(3000)}1${'}'.repeat(3000)}\nrope_scaling: ${'['.repeat(3000)}`;
    assert.doesNotThrow(() => checkDocument(parseDocument(uri, deep)));
    const json = `${'{"rope_scaling": '.repeat(2000)}1${'}'.repeat(2000)}`;
    const deepFlags = `vllm serve m --hf-overrides '${json}'\nrope_scaling: ${json}\n`;
    assert.doesNotThrow(() => checkDocument(parseDocument(uri, deepFlags)));
  }
});
