// The README's and the model card's preview reference tables are generated from media/model/preview-reference.json
// (`npm run docs`): they must be current, and carry n and intervals.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { previewReferenceMarkdown, withPreviewTables } from '../../scripts/preview-tables';
import type { PreviewReference } from '../../core/preview/reference';

const ROOT = join(__dirname, '..', '..');
const REF = join(ROOT, 'media', 'model', 'preview-reference.json');

test('README and MODEL_CARD carry the current reference tables (run `npm run docs` after `npm run reference`)', existsSync(REF) ? {} : { skip: 'no reference file' }, () => {
  const ref = JSON.parse(readFileSync(REF, 'utf8')) as PreviewReference;
  const md = previewReferenceMarkdown(ref);
  assert.match(md, /\d+\/64 \(\d+–\d+%\)/, 'needles as k/n with an interval');
  assert.match(md, /\d\.\d\d \(\d\.\d\d–\d\.\d\d\)/, 'perplexity with an interval');
  assert.match(md, /npm run reference/);
  for (const file of ['README.md', join('media', 'model', 'MODEL_CARD.md')]) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    assert.equal(withPreviewTables(text, md), text, `${file} is not current: run npm run docs`);
  }
});
