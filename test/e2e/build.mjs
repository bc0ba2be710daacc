// Bundles the e2e code to test/e2e/out/: the extension-host mocha suite (one file per test file, plus index.js that
// mocha loads them from) and the Node launchers. `vscode` is provided by the extension host; mocha, playwright-core
// and @vscode/test-electron stay in node_modules.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
rmSync(out, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning' };
const suiteDir = join(here, 'suite');
const suiteEntries = readdirSync(suiteDir).filter((f) => f.endsWith('.ts')).map((f) => join(suiteDir, f));

await Promise.all([
  esbuild.build({ ...common, entryPoints: suiteEntries, outdir: join(out, 'suite'), external: ['vscode', 'mocha'] }),
  esbuild.build({
    ...common,
    entryPoints: ['run-code-server.ts', 'run-electron.ts', 'walkthrough.ts', 'run-all.ts', 'code-server.ts'].map((f) => join(here, f)).filter(existsSync),
    outdir: out,
    packages: 'external',
  }),
]);
