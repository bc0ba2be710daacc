// The npm package as a user gets it: from a fresh copy of the tree (no dist/), `npm pack` builds it (prepack), the
// tarball installs into a temporary prefix, and the installed `ropelens` runs. Also what the tarball and the .vsix
// carry (licence notices in, tests/sources/maps out). Slow (a production build and an install, about a minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MODEL_FILES } from '../../core/preview/models';

const ROOT = resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// No network: the package has no runtime dependencies (everything is bundled), so nothing is fetched.
const QUIET = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_offline: 'true', ONNXRUNTIME_NODE_INSTALL: 'skip' };

test('npm pack from a fresh tree → install into a prefix → ropelens --version and check work', { timeout: 300_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'ropelens-pack-'));
  const tree = join(work, 'tree');
  // The tree as git has it (tracked and untracked-but-not-ignored files): no dist/, no build leftovers.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(tree, f)), { recursive: true });
    cpSync(join(ROOT, f), join(tree, f));
  }
  assert.ok(!existsSync(join(tree, 'dist')), 'fresh: no dist/');
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(tree, 'node_modules'), 'dir');

  const pack = spawnSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: tree, encoding: 'utf8', env: QUIET });
  assert.equal(pack.status, 0, pack.stderr);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }>; unpackedSize: number }>;
  const paths = info[0]!.files.map((f) => f.path);
  t.diagnostic(`${paths.length} files, ${(info[0]!.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
  // Every model file of the preview's methods (core/preview/models.ts) that the tree has.
  const models = MODEL_FILES.map((f) => `media/model/${f}`).filter((f) => existsSync(join(ROOT, f)));
  for (const must of ['dist/cli.js', 'dist/THIRD-PARTY-NOTICES.md', 'dist/wasm/tree-sitter-python.wasm', ...models, 'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
    assert.ok(paths.includes(must), `tarball has ${must}`);
  }
  for (const p of paths) {
    assert.doesNotMatch(p, /^(test|training|core|cli|server|client|scripts|examples)\/|\.map$|\.ts$|asyncify/, `tarball leaves out ${p}`);
  }
  const notices = readFileSync(join(tree, 'dist', 'THIRD-PARTY-NOTICES.md'), 'utf8');
  for (const bundled of ['smol-toml', 'yaml', 'onnxruntime-web', 'vscode-languageserver', 'picomatch']) assert.match(notices, new RegExp(`^## ${bundled} `, 'm'));
  const manifest = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest['private'], undefined, 'publishable');
  assert.deepEqual(manifest['dependencies'] ?? {}, {}, 'runtime packages are bundled (devDependencies)');

  const prefix = join(work, 'prefix');
  const install = spawnSync(NPM, ['install', '-g', '--prefix', prefix, join(work, info[0]!.filename)], { cwd: work, encoding: 'utf8', env: QUIET });
  assert.equal(install.status, 0, install.stderr);
  const bin = process.platform === 'win32' ? join(prefix, 'ropelens.cmd') : join(prefix, 'bin', 'ropelens');
  assert.ok(existsSync(bin), `${bin} installed`);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), manifest['version']);

  const cfg = join(work, 'm', 'config.json');
  mkdirSync(dirname(cfg));
  writeFileSync(cfg, '{"model_type": "llama", "max_position_embeddings": 8192, "rope_scaling": {"rope_type": "yarn"}}\n');
  const check = spawnSync(bin, ['check', cfg], { encoding: 'utf8' });
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /error \[missing-required-key\]/);
  // The Python grammar (wasm beside the bundle) loads from the installed package.
  const py = join(work, 'm', 'train.py');
  writeFileSync(py, 'from transformers import AutoConfig\nc = AutoConfig.from_pretrained("x")\nc.rope_scaling = {"rope_type": "yarn"}\n');
  const pyCheck = spawnSync(bin, ['check', py], { encoding: 'utf8' });
  assert.match(pyCheck.stdout, /train\.py:3:\d+: error \[missing-required-key\]/, pyCheck.stderr);

  // The .vsix takes the same allowlist ("files"): vsce lists the notices and no source maps or tests.
  const vsce = spawnSync(process.execPath, [join(tree, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: tree, encoding: 'utf8', env: QUIET });
  assert.equal(vsce.status, 0, vsce.stderr);
  const listed = vsce.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.ok(listed.includes('dist/THIRD-PARTY-NOTICES.md'), listed.join('\n'));
  assert.ok(listed.includes('media/icon.png'));
  assert.ok(listed.includes('dist/media/ort/ort-wasm-simd-threaded.asyncify.wasm'), 'the webview keeps its WebGPU build');
  assert.ok(!listed.some((l) => /\.map$|^test\//.test(l)));
});
