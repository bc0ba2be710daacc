// Markdown from data: a string from a file renders as that text in the hover (no image, link, command: URI or
// HTML), rendered here by a real CommonMark renderer with HTML and linkify on (the most permissive settings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { setupDialects, ROOT } from './dialect-setup';
import { hoverAt } from '../../core/hover';
import { parseDocument } from '../../core/parse/index';
import { mdCode, mdText, notificationText } from '../../core/markdown';

const md = new MarkdownIt({ html: true, linkify: true });

const PAYLOADS = [
  'x` ![img](https://attacker.invalid/leak.png) [run](command:workbench.action.terminal.new) `y',
  '``` ![a](https://attacker.invalid/a.png) ```',
  '`',
  '````x',
  '] (command:x) [y](command:workbench.action.terminal.new "t")',
  '<img src="https://attacker.invalid/x.png"><script>alert(1)</script>',
  '<https://attacker.invalid/auto>',
  'https://attacker.invalid/bare www.attacker.invalid',
  '[ref]: https://attacker.invalid\n\n[ref]',
  'a\n\n# heading\n\n![i](https://attacker.invalid/i.png)',
  '&lt;img src=x&gt; &#96;',
  '*bold* _em_ | table | ~~del~~',
];

/** No element a hover may not contain, and the payload's text is shown. */
function assertInert(markdown: string, payload: string): void {
  const html = md.render(markdown);
  assert.doesNotMatch(html, /<img|<a\s|<script|<h1|<strong|<em|<del/i, html);
  // The visible text keeps the payload (control characters become spaces).
  const text = html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
  const expected = payload.replace(/[\u0000-\u001f]+/g, ' ').trim();
  assert.ok(text.replace(/\s+/g, ' ').includes(expected.replace(/\s+/g, ' ')), `${text} lacks ${expected}`);
}

test('mdCode and mdText render any payload as its own text', () => {
  for (const p of PAYLOADS) {
    assertInert(`Type ${mdCode(p)} here.`, p);
    assertInert(`Type ${mdText(p)} here.`, p);
  }
});

test('notificationText leaves no [label](link) for a notification to render', () => {
  for (const p of PAYLOADS) assert.doesNotMatch(notificationText(p), /\]\(/);
  assert.equal(notificationText('plain text'), 'plain text');
});

test('setup', async () => {
  await setupDialects();
});

test('hovers over a hostile rope type, block key and layer type render inert (JSON, Python, YAML)', () => {
  for (const p of PAYLOADS) {
    const docs = [
      parseDocument('file:///w/config.json', JSON.stringify({ model_type: 'llama', max_position_embeddings: 4096, rope_scaling: { rope_type: p, factor: 4 } })),
      parseDocument('file:///w/train.py', `config.rope_scaling = {"rope_type": ${JSON.stringify(p)}, "factor": 4.0}\n`),
      parseDocument('file:///w/r.yaml', `rope_scaling:\n  rope_type: ${JSON.stringify(p)}\n  factor: 4.0\n`),
      parseDocument('file:///w/config.json', JSON.stringify({ model_type: 'x', layer_types: [p], rope_parameters: { [p]: { rope_type: 'default', rope_theta: 10000 } } })),
    ];
    for (const doc of docs) {
      assert.ok(doc.blocks.length > 0, `${doc.uri} has a block for ${JSON.stringify(p)}`);
      const b = doc.blocks[0]!;
      const h = hoverAt(doc, b.span.offset + 1);
      assert.ok(h, 'a hover');
      const html = md.render(h.markdown);
      assert.doesNotMatch(html, /<img|<a\s|<script|<h1/i, `${doc.uri}: ${html}`);
    }
  }
});

test('no source sets isTrusted or supportHtml on markdown', () => {
  const hits: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      // vscode.workspace.isTrusted (workspace trust, checked before starting processes) is not a markdown flag.
      else if (/\.ts$/.test(name) && /(?<!workspace\.)isTrusted|supportHtml|supportThemeIcons\s*:\s*true/.test(readFileSync(full, 'utf8'))) hits.push(full);
    }
  };
  for (const d of ['core', 'server/src', 'client/src', 'cli', 'media/src']) walk(join(ROOT, d));
  assert.deepEqual(hits, []);
});
