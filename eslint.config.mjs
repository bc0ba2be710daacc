// Lint: typescript-eslint's recommended rules plus the layer boundaries. Layers, bottom up:
//   core/    pure logic: no editor, no LSP, no Node built-ins, nothing above it
//   common/  contracts two processes share (LSP custom protocol, settings, links): pure, may use core
//   host/    what only Node hosts need (model files, wasm lookup): may use core and Node
//   client/, server/, cli/   the three processes: each may use core, common, host — never each other
//   media/src/   the webview (a browser): core and its own files only
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name) => ({ regex: `^(\\.\\.?/)+(.*/)?${name}(/|$)`, message: `This layer must not import from ${name}/ (see eslint.config.mjs).` });
// The extension host and the webview share one contract file, the webview's message types.
const mediaButProtocol = { regex: '^(\\.\\.?/)+(.*/)?media/(?!src/protocol$)', message: 'Only the webview message types (media/src/protocol.ts) may be imported from media/.' };
const packages = (names, why) => names.map((name) => ({ name, message: why }));
const editor = packages(['vscode', 'vscode-languageclient', 'vscode-languageclient/node'], 'Only client/ talks to the editor.');
const lsp = packages(['vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument'], 'Only server/ speaks LSP.');
const node = packages(nodeBuiltins, 'Node built-ins belong in host/, cli/, server/ or client/, not in pure layers.');

const boundary = (files, { layers = [], paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns: [...layers.map(layer), ...patterns] }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test/e2e/.cache/**', 'test/e2e/out/**', 'training/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // The codebase's own conventions: `_`-prefixed parameters are deliberately unused; empty catch blocks say
      // "ignore" where bad input must not crash (the server must survive any bytes).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // Build and start scripts run in Node.
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  // Values copied verbatim from the models' config.json files (float32 round trips), kept as written there.
  { files: ['core/known-models.ts'], rules: { 'no-loss-of-precision': 'off' } },
  boundary(['core/**/*.ts'], { layers: ['client', 'server', 'cli', 'host', 'common', 'media'], paths: [...editor, ...lsp, ...node] }),
  boundary(['common/**/*.ts'], { layers: ['client', 'server', 'cli', 'host'], patterns: [mediaButProtocol], paths: [...editor, ...lsp, ...node] }),
  boundary(['host/**/*.ts'], { layers: ['client', 'server', 'cli', 'media'], paths: [...editor, ...lsp] }),
  boundary(['client/**/*.ts'], { layers: ['server', 'cli'], patterns: [mediaButProtocol], paths: lsp }),
  boundary(['server/**/*.ts'], { layers: ['client', 'cli', 'media'], paths: editor }),
  boundary(['cli/**/*.ts'], { layers: ['client', 'server', 'media'], paths: [...editor, ...lsp] }),
  boundary(['media/src/**/*.ts'], { layers: ['client', 'server', 'cli', 'host', 'common'], paths: [...editor, ...lsp, ...node] }),
);
