// Loads the Python grammar for Node hosts (the server, the CLI, the extension host's preview view) from dist/wasm/
// beside the bundle, so the wasm lookup lives in one place.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initDialects } from '../core/dialects';

/** dist/wasm/ beside the bundle; from sources (tests under tsx) the built copy, else node_modules. */
function locate(baseDir: string, file: string): string {
  const candidates = [
    join(baseDir, 'wasm', file),
    join(baseDir, '..', 'dist', 'wasm', file),
    join(baseDir, '..', '..', 'dist', 'wasm', file),
    join(baseDir, '..', '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm', file),
    join(baseDir, '..', '..', 'node_modules', 'web-tree-sitter', file),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

let loading: Promise<boolean> | undefined;

/**
 * A fresh copy of web-tree-sitter's CommonJS module (required again, out of the require cache): a new wasm instance,
 * so a restart after an abort does not reuse the dead one (nor keep its memory alive).
 */
function freshTreeSitter(baseDir: string): typeof import('web-tree-sitter') {
  const file = locate(baseDir, 'web-tree-sitter.cjs');
  const req = createRequire(file);
  // The cache is keyed by the real path (node_modules may be a symlink).
  const key = req.resolve(file);
  delete req.cache[key];
  return req(key) as typeof import('web-tree-sitter');
}

/**
 * Registers every dialect and loads the Python grammar once; resolves false (Python off) when it cannot load.
 * `onRestart`: the Python parser was restarted after a wasm fault (re-check Python files).
 */
export function loadDialects(baseDir: string, onError: (e: unknown) => void = () => {}, onRestart?: (cause: string) => void): Promise<boolean> {
  const loadRuntime = existsSync(locate(baseDir, 'web-tree-sitter.cjs')) ? () => freshTreeSitter(baseDir) : undefined;
  loading ??= initDialects({ locateWasm: (f) => locate(baseDir, f), ...(loadRuntime ? { loadRuntime } : {}), ...(onRestart ? { onRestart } : {}) }).then(
    () => true,
    (e: unknown) => {
      onError(e);
      return false;
    },
  );
  return loading;
}
