// Builds every bundle into dist/: the extension client, the language server, the CLI and the webview,
// and copies the runtime assets (onnxruntime-web's wasm, the tree-sitter grammar) beside them.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's "main" is a UMD build with dynamic requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

/** Entries are skipped while their source does not exist yet, so partial checkouts still build. */
const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { in: 'server/src/server.ts', out: 'dist/server.js', platform: 'node', format: 'cjs' },
  { in: 'cli/main.ts', out: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  { in: 'media/src/main.ts', out: 'dist/media/webview.js', platform: 'browser', format: 'esm' },
].filter((e) => existsSync(e.in));

function copyAssets() {
  const copies = [
    // onnxruntime-web: the wasm backend (the JS API is bundled; these are loaded at run time).
    ['node_modules/onnxruntime-web/dist', 'dist/media/ort', (f) => /^ort-wasm-simd-threaded(\.asyncify)?\.(mjs|wasm)$/.test(f)],
    // Python dialect: the web-tree-sitter runtime's wasm and the Python grammar (see core/parse/python.ts).
    // The .cjs too: Node hosts load a fresh copy of it to restart the parser after a wasm abort.
    ['node_modules/web-tree-sitter', 'dist/wasm', (f) => f === 'web-tree-sitter.wasm' || f === 'web-tree-sitter.cjs'],
    ['node_modules/@vscode/tree-sitter-wasm/wasm', 'dist/wasm', (f) => f === 'tree-sitter-python.wasm'],
  ];
  for (const [from, to, keep] of copies) {
    if (!existsSync(from)) continue;
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(from)) if (keep(f)) copyFileSync(join(from, f), join(to, f));
  }
}

async function main() {
  copyAssets();
  const contexts = await Promise.all(
    entries.map((e) =>
      esbuild.context({
        ...common,
        entryPoints: [e.in],
        outfile: e.out,
        platform: e.platform,
        format: e.format,
        target: e.platform === 'node' ? 'node20' : 'chrome120',
        external: e.external ?? [],
        banner: e.banner,
        // The webview loads onnxruntime-web's wasm from dist/media/ort, never from a CDN.
        define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
