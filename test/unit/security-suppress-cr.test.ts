// "Disable for this line" and "Ignore in this file" work whatever the file's line breaks: LF, CRLF, CR-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { setupDialects, analyse } from './dialect-setup';
import { LineIndex } from '../../core/edits';
import { disableFileEdit, disableLineEdit } from '../../server/src/handlers/codeActions';

const LINES = [
  'from transformers import AutoConfig',
  'config = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf")',
  "note = 'a # quoted hash'",
  'config.rope_scaling = {"type": "yarn", "factor": 4}',
];

test('setup', async () => {
  await setupDialects();
});

for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR-only', '\r']] as const) {
  test(`${name}: the line and file suppressions remove the finding and keep the file's line breaks`, () => {
    // Python ends lines at a lone CR (its reference, "Physical lines"); bash does not (a CR-only script is one line
    // to bash), and the YAML parser reads no block from a CR-only file, so CR-only is tested on Python.
    const files = [['file:///w/s.py', 'python'], ['file:///w/recipe.yaml', 'yaml']] as const;
    for (const [uri, lang] of eol === '\r' ? files.slice(0, 1) : files) {
      const text = uri.endsWith('.py') ? LINES.join(eol) + eol : ['model_name_or_path: meta-llama/Llama-2-7b-hf', '# a comment', 'rope_scaling:', '  type: yarn', '  factor: 4'].join(eol) + eol;
      const before = analyse(uri, text).findings;
      const target = before.find((f) => f.ruleId === 'legacy-type-key');
      assert.ok(target, `${name} ${uri}: legacy-type-key found (${before.map((f) => f.ruleId).join(', ')})`);
      const doc = TextDocument.create(uri, lang, 1, text);
      const line = new LineIndex(text).positionAt(target.span.offset).line;
      assert.equal(doc.positionAt(target.span.offset).line, line, 'the editor and the core count the same lines');

      const lineEdit = disableLineEdit(doc, line, 'legacy-type-key');
      assert.ok(lineEdit);
      const afterLine = TextDocument.applyEdits(doc, [lineEdit]);
      // No foreign line break: every break in the edited text is the file's own.
      assert.equal(afterLine.split(eol).join('').replace(/[^\r\n]/g, ''), '', 'no foreign line break');
      const found = analyse(uri, afterLine).findings.map((f) => f.ruleId);
      assert.ok(!found.includes('legacy-type-key'), `${name} ${uri}: suppressed for the line: ${found.join(', ')}`);
      assert.ok(found.length === before.length - 1, 'only that finding is gone');

      const afterFile = TextDocument.applyEdits(doc, [disableFileEdit(doc, 'legacy-type-key')]);
      assert.ok(!analyse(uri, afterFile).findings.some((f) => f.ruleId === 'legacy-type-key'), `${name} ${uri}: suppressed for the file`);
    }
  });
}
