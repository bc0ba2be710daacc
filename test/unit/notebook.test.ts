// Jupyter notebooks: code cells go through the Python dialect as one program (cells share state), findings name the
// cell and the line in it, spans point at the right characters of the notebook JSON (through its string escapes), and
// fixes edit the cell's JSON string so the notebook stays valid and re-checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { example, setupDialects } from './dialect-setup';

const NB = 'notebooks/finetune_long.ipynb';
const PY = 'scripts/finetune_long.py';
const strip = (m: string): string => m.replace(/^cell \d+, line \d+: /, '');

test('the notebook gets the same findings as the same code in a .py file, each naming its cell and line', async () => {
  await setupDialects();
  assert.equal(detectDialect('file:///a/b.ipynb'), 'notebook');
  const nb = example(NB);
  const py = example(PY);
  const nbF = checkDocument(parseDocument(nb.uri, nb.text), {});
  const pyF = checkDocument(parseDocument(py.uri, py.text), {});
  assert.ok(pyF.length >= 3);
  assert.deepEqual(nbF.map((f) => `${f.ruleId}: ${strip(f.message)}`).sort(), pyF.map((f) => `${f.ruleId}: ${f.message}`).sort());
  for (const f of nbF) assert.match(f.message, /^cell \d+, line \d+: /);
  // Each finding covers the same source text in both files (the notebook's is JSON-escaped).
  const slice = (t: string, s: { offset: number; length: number }) => t.slice(s.offset, s.offset + s.length);
  const pyTexts = pyF.map((f) => `${f.ruleId}:${slice(py.text, f.span)}`).sort();
  const nbTexts = nbF.map((f) => `${f.ruleId}:${JSON.parse(`"${slice(nb.text, f.span)}"`) as string}`).sort();
  assert.deepEqual(nbTexts, pyTexts);
});

test('the cell and line named are where the code is', async () => {
  await setupDialects();
  const nb = example(NB);
  const f = checkDocument(parseDocument(nb.uri, nb.text), {}).find((x) => x.ruleId === 'legacy-rope-type-subscript')!;
  const [, cell, line] = /^cell (\d+), line (\d+)/.exec(f.message)!;
  const cells = (JSON.parse(nb.text) as { cells: { source: string[] }[] }).cells;
  const src = cells[Number(cell) - 1]!.source.join('').split('\n')[Number(line) - 1]!;
  assert.match(src, /rope_scaling\["type"\]/);
});

test('a fix edits the cell\'s JSON string: the notebook stays valid JSON and re-checks without the finding', async () => {
  await setupDialects();
  const nb = example(NB);
  const f = checkDocument(parseDocument(nb.uri, nb.text), { fixes: true }).find((x) => x.ruleId === 'unknown-key')!;
  const fix = f.fixes!.find((x) => /attention_factor/.test(x.title)) ?? f.fixes![0]!;
  const fixed = applyEdits(nb.text, fix.edits);
  const parsed = JSON.parse(fixed) as { cells: { source: string[] }[] };
  assert.match(parsed.cells.map((c) => c.source.join('')).join('\n'), /"attention_factor"/);
  assert.deepEqual(checkDocument(parseDocument(nb.uri, fixed), {}).filter((x) => x.ruleId === 'unknown-key'), []);
});

test('odd notebooks: no code cells, broken JSON, a string source, escapes before the block', async () => {
  await setupDialects();
  assert.equal(parseDocument('file:///a.ipynb', '{"cells": []}').relevant, false);
  assert.equal(parseDocument('file:///a.ipynb', '{"cells": [').relevant, false);
  const one = JSON.stringify({ cells: [{ cell_type: 'code', source: 'print("é\\t\\u00e9 \\"x\\"")\nconfig.rope_scaling = {"type": "linear", "factor": 2}\n' }] });
  const f = checkDocument(parseDocument('file:///a.ipynb', one), {}).find((x) => x.ruleId === 'int-where-float')!;
  assert.equal(one.slice(f.span.offset, f.span.offset + f.span.length), '2');
  assert.match(f.message, /^cell 1, line 2: /);
});
