// After a WebAssembly fault the Python parser restarts on a fresh web-tree-sitter instance: the file that hit the
// fault (and any parsed during the restart) gets an analysis-failed finding, later files are analysed again.
// The fault is the one a dead instance throws from its parse entry point (an abort is a RuntimeError "Aborted(...)");
// a real one needs a file of tens of MB, too slow for a unit test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initDialects } from '../../core/dialects';
import { checkDocument } from '../../core/check';
import { parseDocument } from '../../core/parse/index';

const ROOT = join(__dirname, '..', '..');
const CJS = join(ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.cjs');
const PY = 'from transformers import AutoConfig\nconfig = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf")\nconfig.rope_scaling = {"type": "yarn", "factor": 4}\n';

type TreeSitter = typeof import('web-tree-sitter');
/** Every wasm Module object (emscripten's moduleArg) the parser was started with, in order. */
const modules: Record<string, unknown>[] = [];

function freshTreeSitter(): TreeSitter {
  const req = createRequire(CJS);
  const key = req.resolve(CJS);
  delete req.cache[key];
  const ts = req(key) as TreeSitter;
  const init = ts.Parser.init.bind(ts.Parser);
  ts.Parser.init = async (opts?: object) => {
    modules.push(opts as Record<string, unknown>);
    return init(opts);
  };
  return ts;
}

function findings(uri: string): string[] {
  return checkDocument(parseDocument(uri, PY)).map((f) => f.ruleId);
}

test('the Python parser restarts on a fresh instance after a wasm abort', async () => {
  let restarted: (cause: string) => void = () => {};
  const restart = new Promise<string>((r) => (restarted = r));
  await initDialects({
    locateWasm: (f) => (f.endsWith('tree-sitter-python.wasm') ? join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm', f) : join(ROOT, 'node_modules/web-tree-sitter', f)),
    loadRuntime: freshTreeSitter,
    onRestart: (cause) => restarted(cause),
  });
  const before = findings('file:///w/a.py');
  assert.ok(before.length >= 2, `findings before: ${before.join(', ')}`);
  assert.equal(modules.length, 1);

  // The instance dies: every parse through it now throws what an aborted emscripten module throws.
  const dead = modules[0]!;
  dead['_ts_parser_parse_wasm'] = () => {
    throw new WebAssembly.RuntimeError('Aborted(Cannot enlarge memory arrays)');
  };
  const during = checkDocument(parseDocument('file:///w/b.py', PY));
  assert.deepEqual(during.map((f) => f.ruleId), ['analysis-failed']);
  assert.match(during[0]!.message, /Aborted\(Cannot enlarge memory arrays\)/);

  const cause = await restart;
  assert.match(cause, /Aborted/);
  assert.equal(modules.length, 2, 'a second, fresh instance');
  assert.notEqual(modules[1], dead);
  assert.deepEqual(findings('file:///w/c.py'), before, 'the same findings as before the fault');
});

test('the CLI bundle ships the module a restart loads', () => {
  // esbuild.mjs copies it beside the wasm; the package's `files` allowlist (npm and vsce alike) keeps it.
  assert.match(readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8'), /web-tree-sitter\.cjs/);
  const files = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
  assert.ok(files.includes('dist/**/*.cjs'), files.join(', '));
});
