// Loads the Python grammar for Node hosts (the server, the CLI, the extension host's preview view) from dist/wasm/
// beside the bundle, so the wasm lookup lives in one place.
import { existsSync } from 'node:fs';
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

/** Registers every dialect and loads the Python grammar once; resolves false (Python off) when it cannot load. */
export function loadDialects(baseDir: string, onError: (e: unknown) => void = () => {}): Promise<boolean> {
  loading ??= initDialects({ locateWasm: (f) => locate(baseDir, f) }).then(
    () => true,
    (e: unknown) => {
      onError(e);
      return false;
    },
  );
  return loading;
}
