// Writes the preview's reference tables (media/model/preview-reference.json, made by `npm run reference`) into
// README.md and media/model/MODEL_CARD.md between <!-- preview-reference --> markers. Part of `npm run docs`;
// test/unit/preview-docs.test.ts checks both are current. The tables carry n and 95% intervals per cell.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { previewReferenceMarkdown, withPreviewTables } from './preview-tables';
import type { PreviewReference } from '../core/preview/reference';

const root = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));
const refPath = root('media/model/preview-reference.json');
if (!existsSync(refPath)) {
  process.stderr.write('media/model/preview-reference.json is missing: run `npm run reference` first\n');
  process.exitCode = 1;
} else {
  const ref = JSON.parse(readFileSync(refPath, 'utf8')) as PreviewReference;
  const md = previewReferenceMarkdown(ref);
  for (const file of ['README.md', 'media/model/MODEL_CARD.md']) {
    const before = readFileSync(root(file), 'utf8');
    const after = withPreviewTables(before, md);
    if (after === undefined) {
      process.stderr.write(`${file} has no <!-- preview-reference --> markers\n`);
      process.exitCode = 1;
      continue;
    }
    writeFileSync(root(file), after);
    process.stdout.write(`${file} preview reference tables ${after === before ? 'already current' : 'updated'}\n`);
  }
}
