// "Preview on a real model…" (issue 14 item 6): the flow's checks without VS Code, the result document built from the
// CLI's own text tables, and the manifest: the command exists and is offered only in trusted workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderPreviewTable as cliTable } from '../../cli/commands/preview';
import { renderPreviewTable } from '../../core/preview/text-table';
import type { PreviewCell, PreviewResult } from '../../core/preview/types';
import { isLoopback, lengthsError, partialMarkdown, planRealPreview, resultMarkdown, UNTRUSTED_MESSAGE } from '../../client/src/realPreview/plan';

const ROOT = resolve(__dirname, '../..');

test('plan: each engine\'s answers become runRealPreview options', () => {
  const gguf = planRealPreview({ engine: 'llama.cpp', model: '/models/llama-sibling.gguf', lengths: '1x, 2x,4x' });
  assert.ok(gguf.ok);
  assert.deepEqual(gguf.opts, { engine: 'llama.cpp', model: '/models/llama-sibling.gguf', lengths: ['1x', '2x', '4x'] });
  assert.equal(gguf.remote, false);
  assert.equal(gguf.title, 'llama.cpp: llama-sibling.gguf');

  const server = planRealPreview({ engine: 'openai', model: 'meta-llama/Llama-3.1-8B', url: '', launch: 'vllm serve {model} {ropeFlags} --port {port}', lengths: '8k,16k', budgetS: 60 });
  assert.ok(server.ok);
  assert.deepEqual(server.opts, { engine: 'openai', model: 'meta-llama/Llama-3.1-8B', url: 'http://127.0.0.1:8000/v1', launch: 'vllm serve {model} {ropeFlags} --port {port}', lengths: ['8k', '16k'], budgetS: 60 });
  assert.equal(server.remote, false, 'loopback by default');

  const onnx = planRealPreview({ engine: 'onnx', model: 'C:\\m\\ropelens-mini-ft-yarn.onnx', methods: 'none,yarn' });
  assert.ok(onnx.ok);
  assert.deepEqual(onnx.opts.methods, ['none', 'yarn']);
  assert.equal(onnx.title, 'onnx: ropelens-mini-ft-yarn.onnx');
});

test('plan: a host other than this machine is flagged, so the flow asks before sending the text there', () => {
  const remote = planRealPreview({ engine: 'openai', model: 'm', url: 'http://gpu-box.lan:8000/v1' });
  assert.ok(remote.ok);
  assert.equal(remote.remote, true);
  for (const u of ['http://127.0.0.1:8000/v1', 'http://localhost:30000', 'http://[::1]:8080/v1', 'http://127.1.2.3/v1']) assert.equal(isLoopback(u), true, u);
  for (const u of ['http://10.0.0.5:8000', 'https://example.com/v1', 'not a url']) assert.equal(isLoopback(u), false, u);
});

test('plan: bad answers give one clear sentence, never options', () => {
  const cases: [Parameters<typeof planRealPreview>[0], RegExp][] = [
    [{ engine: 'vllm', model: 'x' }, /Unknown engine "vllm"/],
    [{ engine: 'llama.cpp', model: '' }, /Choose a \.gguf file/],
    [{ engine: 'llama.cpp', model: 'model.safetensors' }, /reads a \.gguf file/],
    [{ engine: 'onnx', model: 'a.gguf' }, /reads a \.onnx file/],
    [{ engine: 'openai', model: '' }, /model name/],
    [{ engine: 'openai', model: 'm', url: 'ftp://host/x' }, /http or https/],
    [{ engine: 'openai', model: 'm', url: 'localhost 8000' }, /is not a URL/],
    [{ engine: 'openai', model: 'm', launch: 'vllm serve {model}' }, /\{port\} placeholder/],
    [{ engine: 'llama.cpp', model: 'a.gguf', url: 'http://127.0.0.1:1' }, /openai engine only/],
    [{ engine: 'llama.cpp', model: 'a.gguf', lengths: '8k,lots' }, /"lots" is not a length/],
    [{ engine: 'llama.cpp', model: 'a.gguf', methods: 'yarn;rm -rf' }, /Methods:/],
    [{ engine: 'llama.cpp', model: 'a.gguf', budgetS: -1 }, /positive number of seconds/],
  ];
  for (const [a, re] of cases) {
    const p = planRealPreview(a);
    assert.equal(p.ok, false, JSON.stringify(a));
    if (!p.ok) {
      assert.match(p.error, re);
      assert.equal(p.error.split('\n').length, 1);
    }
  }
  assert.equal(lengthsError(''), undefined);
  assert.equal(lengthsError('8192, 32k,1m,2x,1.5x'), undefined);
});

function cell(method: PreviewCell['method'], length: number, ppl: number, k: number): PreviewCell {
  return {
    method, length, lengthMultiple: length / 4096, factor: length / 4096, attentionFactor: 1, perplexity: ppl, perplexityCi95: [ppl * 0.98, ppl * 1.02],
    needles: 16, needleCounts: { correct: k, total: 16, ci95: [Math.max(0, k / 16 - 0.2), Math.min(1, k / 16 + 0.2)] }, source: 'live', ms: 1000,
  };
}

test('result document: the CLI\'s own text tables (one formatter, moved to core/preview/text-table.ts)', () => {
  const r: PreviewResult = {
    model: { name: 'llama-sibling.gguf', originalLength: 4096, headDim: 64, ropeTheta: 10000, evalBytes: 0, evalWindows: 0, needlesPerCell: 16, needlesPerLength: [16, 16], runtime: 'node-llama-cpp (CPU)' },
    engine: 'llama.cpp', originalLength: 4096, factorPolicy: 'per-length', methods: ['none', 'yarn'], lengths: [4096, 8192], probes: ['ppl', 'needle'],
    results: [cell('none', 4096, 5.1, 16), cell('yarn', 4096, 5.2, 15), cell('none', 8192, 40, 0), cell('yarn', 8192, 6, 12)],
    timings: { totalMs: 12345, firstResultMs: 1000, sessionMs: 0, forwardPasses: 8, forwardMs: 12000, reusedCells: 0 }, notes: [],
  };
  assert.equal(cliTable, renderPreviewTable, 'the CLI prints with the shared formatter');
  const table = renderPreviewTable(r);
  assert.match(table, /^llama-sibling\.gguf on llama\.cpp \(L0 = 4096 tokens\), per-length/);
  const md = resultMarkdown('llama.cpp: llama-sibling.gguf', r);
  assert.ok(md.includes(table.trimEnd()), 'the document holds the table verbatim');
  assert.match(md, /^# RoPE Lens preview: llama\.cpp: llama-sibling\.gguf/);
  assert.match(md, /4 cells in 12\.3 s \(node-llama-cpp \(CPU\)\)/);
  // yarn at 2×: needles 12/16 with its interval, as the CLI prints them.
  assert.match(md, /12\/16 \(55–95%\)/);
  const partial = partialMarkdown('t', r.results.slice(0, 2), 'cancelled.');
  assert.match(partial, /Stopped: cancelled\./);
  assert.match(partial, /Cells measured before it stopped: 2\./);
  assert.match(partial, /yarn at 1×L0 \(4096\): ppl 5\.200/);
});

test('manifest: the command exists, is enabled and listed only in trusted workspaces, and the trust note says why', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string; enablement?: string }[]; menus: Record<string, { command: string; when?: string }[]> };
    capabilities: { untrustedWorkspaces: { supported: string | boolean; description: string } };
  };
  const cmd = pkg.contributes.commands.find((c) => c.command === 'ropelens.previewRealModel');
  assert.ok(cmd, 'ropelens.previewRealModel is contributed');
  assert.equal(cmd.title, 'Preview on a real model…');
  assert.equal(cmd.enablement, 'isWorkspaceTrusted');
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const i of items.filter((x) => x.command === cmd.command)) assert.match(i.when ?? '', /\bisWorkspaceTrusted\b/, `${menu} entry gated on trust`);
  }
  assert.ok(pkg.contributes.menus['commandPalette']!.some((i) => i.command === cmd.command));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.match(pkg.capabilities.untrustedWorkspaces.description, /Preview on a real model…", which loads model files and can start server processes, is not offered/);
  assert.match(UNTRUSTED_MESSAGE, /only in a trusted workspace/);
  // The client registers the same id and refuses before asking anything when the workspace is not trusted.
  const src = readFileSync(join(ROOT, 'client/src/realPreview/command.ts'), 'utf8');
  assert.match(src, /CMD_PREVIEW_REAL_MODEL = 'ropelens\.previewRealModel'/);
  assert.ok(src.indexOf('vscode.workspace.isTrusted') < src.indexOf('await ask()'), 'trust is checked first');
});

test('the real-model engines run in the extension host, never in the webview bundle', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
  for (const f of files(join(ROOT, 'media/src')).filter((f) => f.endsWith('.ts'))) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /host\/engines|realPreview/, f);
  }
});
