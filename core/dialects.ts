// The one asynchronous step before Python files parse: loading the tree-sitter grammar. The server and the CLI
// await initDialects() with the wasm files from dist/wasm/ (web-tree-sitter.wasm, tree-sitter-python.wasm); every
// other dialect, writer and rule is listed statically (core/parse/index.ts, core/fixes/writers.ts, core/rules/index.ts).
import { initPython, type PythonInitOptions } from './parse/python';

/** Loads the Python grammar (bytes or a locator for dist/wasm/ files). */
export async function initDialects(opts: PythonInitOptions): Promise<void> {
  await initPython(opts);
}
