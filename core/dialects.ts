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

export { initPython, isPythonReady, PYTHON_WASM_FILES, type PythonInitOptions };
export const DIALECT_RULES = [maxModelLen, freqScaleConflict, ctxNotRaised, yarnAttnFactorMscale, engineType, legacySubscript];

/** `#` starts a comment when it begins a word (not inside quotes or `a#b`) — close enough for all three dialects. */
function hashComment(text: string, offset: number): boolean {
  // Line start after \n, \r\n or a lone \r (walked back: a lastIndexOf('\r') would scan the whole of a \n file).
  let ls = offset;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
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
  registerWriter('python', pythonWriter);
  registerWriter('yaml', yamlWriter);
  registerWriter('shell', shellWriter);
  for (const r of DIALECT_RULES) registerRule(r);
  for (const d of ['python', 'yaml', 'shell'] as const) registerCommentTest(d, hashComment);
}

/** Registers everything and loads the Python grammar (bytes or a locator for dist/wasm/ files). */
export async function initDialects(opts: PythonInitOptions): Promise<void> {
  registerDialects();
  await initPython(opts);
}

registerDialects();
