// One import wires the Python, YAML and command-line dialects into the shared registries: parsers, writers,
// dialect rules, comment tests for suppression comments. The server and the CLI import this once and, for Python,
// await initDialects() with the wasm files from dist/wasm/ (web-tree-sitter.wasm, tree-sitter-python.wasm).
import { registerParser } from './parse/index';
import { registerWriter } from './fixes/writers';
import { registerRule } from './rules/index';
import { registerCommentTest } from './suppress';
import { initPython, isPythonReady, parsePython, PYTHON_WASM_FILES, type PythonInitOptions } from './parse/python';
import { parseYaml } from './parse/yaml';
import { parseShell } from './parse/shell';
import { pythonWriter } from './fixes/python-writer';
import { yamlWriter } from './fixes/yaml-writer';
import { shellWriter } from './fixes/shell-writer';
import { rule as maxModelLen } from './rules/dialect-max-model-len';
import { ctxNotRaised, freqScaleConflict, yarnAttnFactorMscale } from './rules/dialect-llama-cpp';
import { rule as engineType } from './rules/dialect-engine-type';
import { rule as legacySubscript } from './rules/dialect-legacy-subscript';
import { parseModelfile } from './parse/modelfile';
import { parseMarkdown } from './parse/markdown';
import { parseNotebook } from './parse/notebook';
import { numCtxAboveModel, ropeParamRemoved } from './rules/dialect-ollama';

export { initPython, isPythonReady, PYTHON_WASM_FILES, type PythonInitOptions };
export const DIALECT_RULES = [maxModelLen, freqScaleConflict, ctxNotRaised, yarnAttnFactorMscale, engineType, legacySubscript, ropeParamRemoved, numCtxAboveModel];

/** `#` starts a comment when it begins a word (not inside quotes or `a#b`) — close enough for all three dialects. */
function hashComment(text: string, offset: number): boolean {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(ls, offset);
  if (offset > ls && !/\s/.test(text[offset - 1]!)) return false;
  const singles = (before.match(/'/g) ?? []).length;
  const doubles = (before.match(/"/g) ?? []).length;
  return singles % 2 === 0 && doubles % 2 === 0;
}

let registered = false;

/** Registers the dialects (idempotent). Python parses once initDialects() has resolved; before, .py files are not relevant. */
export function registerDialects(): void {
  if (registered) return;
  registered = true;
  registerParser('python', parsePython);
  registerParser('yaml', parseYaml);
  registerParser('shell', (uri, text) => parseShell(uri, text));
  registerParser('modelfile', parseModelfile);
  registerParser('markdown', parseMarkdown);
  registerParser('notebook', parseNotebook);
  registerWriter('python', pythonWriter);
  registerWriter('yaml', yamlWriter);
  registerWriter('shell', shellWriter);
  for (const r of DIALECT_RULES) registerRule(r);
  for (const d of ['python', 'yaml', 'shell', 'modelfile'] as const) registerCommentTest(d, hashComment);
}

/** Registers everything and loads the Python grammar (bytes or a locator for dist/wasm/ files). */
export async function initDialects(opts: PythonInitOptions): Promise<void> {
  registerDialects();
  await initPython(opts);
}

registerDialects();
