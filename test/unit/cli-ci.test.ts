// `ropelens` in CI: project config and transformers pin, --max-warnings, --format github, stdin, globs, the
// .gitignore-aware walk, the skipped-file report, help on the right stream, and a closed pipe (EPIPE) through the bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { chooseTransformersVersion, findTransformersPin, parseProjectConfig } from '../../core/project-config';
import { findProject } from '../../host/projectConfig';
import { fileIO } from './cli-io';

// A typo'd key transformers ignores: a warning (unknown-key), no error.
const WARNS = '{"model_type": "llama", "max_position_embeddings": 8192, "rope_theta": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 2.0, "scaling_factr": 2.0}}\n';
// Integer factor: transformers 4.x warns "must be a float" (int-where-float at warning level), 5.x does not.
const INT_FACTOR = '{"model_type": "llama", "max_position_embeddings": 8192, "rope_theta": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 2}}\n';
// yarn without factor: an error in every release.
const BROKEN = '{"model_type": "llama", "max_position_embeddings": 8192, "rope_scaling": {"rope_type": "yarn"}}\n';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-ci-'));
  mkdirSync(join(dir, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function run(dir: string, argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const io = fileIO(dir);
  if (stdin !== undefined) io.readStdin = () => stdin;
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

test('config parsing: [tool.ropelens] and ropelens.toml keys, bad entries reported, other pyprojects ignored', () => {
  const py = parseProjectConfig('[project]\nname = "x"\n\n[tool.ropelens]\ntransformers-version = "4.57.1"\nexclude = ["out/**"]\n[tool.ropelens.rules]\nunknown-key = "error"\nstatic-yarn-advice = "off"\nbogus-rule = "warn"\n[tool.ropelens.per-file-ignores]\n"legacy/*.json" = ["legacy-type-key"]\n', 'pyproject.toml')!;
  assert.equal(py.transformersVersion, '4.57.1');
  assert.deepEqual(py.rules, { 'unknown-key': 'error', 'static-yarn-advice': 'off' });
  assert.deepEqual(py.exclude, ['out/**']);
  assert.deepEqual(py.perFileIgnores, { 'legacy/*.json': ['legacy-type-key'] });
  assert.equal(py.problems.length, 1);
  assert.match(py.problems[0]!, /unknown rule "bogus-rule"/);
  assert.equal(parseProjectConfig('[project]\nname = "x"\n', 'pyproject.toml'), undefined);
  const standalone = parseProjectConfig('transformers_version = "latest"\ncolour = 3\n[rules]\nunknown-key = "information"\n', 'ropelens.toml')!;
  assert.equal(standalone.transformersVersion, 'latest');
  assert.deepEqual(standalone.rules, { 'unknown-key': 'information' });
  assert.match(standalone.problems.join('\n'), /unknown key "colour"/);
  const broken = parseProjectConfig('transformers-version = ', 'ropelens.toml')!;
  assert.match(broken.problems[0]!, /not valid TOML/);
});

test('pin discovery: requirements and pyproject (PEP 621, Poetry); ranges are not pins', () => {
  assert.deepEqual(findTransformersPin('requirements.txt', 'torch>=2\n# transformers==1.0.0\ntransformers[torch] == 4.57.1 ; python_version >= "3.9"  # pinned\n'), { version: '4.57.1', line: 3 });
  assert.equal(findTransformersPin('requirements.txt', 'transformers>=4.45,<5\n'), undefined);
  assert.equal(findTransformersPin('requirements.txt', 'transformers==4.*\n'), undefined);
  assert.equal(findTransformersPin('pyproject.toml', '[project]\ndependencies = ["torch", "transformers==4.51.3"]\n')?.version, '4.51.3');
  assert.equal(findTransformersPin('pyproject.toml', '[tool.poetry.dependencies]\ntransformers = "4.45.2"\n')?.version, '4.45.2');
  assert.equal(findTransformersPin('pyproject.toml', '[tool.poetry.dependencies]\ntransformers = "^4.45"\n'), undefined);
  assert.deepEqual(chooseTransformersVersion({ explicit: { version: '5.0.0', source: 'setting' }, config: { version: '4.57.1', file: 'ropelens.toml' } }), { version: '5.0.0', source: 'setting' });
  assert.match(chooseTransformersVersion({ config: { file: 'ropelens.toml' }, pin: { version: '4.45.2', file: 'requirements.txt', line: 2 } }).source, /pinned in requirements\.txt:2/);
});

test('CLI: the pin sets the version and the header says where it came from; the config file beats the pin; the flag beats both', async () => {
  const dir = project({ 'requirements.txt': 'transformers==4.45.2\n', 'models/m/config.json': INT_FACTOR });
  const pinned = await run(dir, ['check', 'models']);
  assert.match(pinned.out, /^transformers 4\.45\.2 \(pinned in requirements\.txt:1\)\n/);
  assert.match(pinned.out, /warning \[int-where-float\]/, '4.45 warns about the integer factor');
  writeFileSync(join(dir, 'ropelens.toml'), 'transformers-version = "5.15.0"\n');
  const configured = await run(dir, ['check', 'models']);
  assert.match(configured.out, /^transformers 5\.15\.0 \(set in ropelens\.toml\)\n/);
  assert.doesNotMatch(configured.out, /warning \[int-where-float\]/);
  const flagged = await run(dir, ['check', '--transformers', '4.45', 'models']);
  assert.match(flagged.out, /^transformers 4\.45 \(--transformers\)\n/);
  assert.deepEqual(findProject(join(dir, 'models', 'm')).pin, { version: '4.45.2', line: 1, file: join(dir, 'requirements.txt') });
});

test('CLI: config rules, per-file-ignores and exclude apply; problems in the file go to stderr', async () => {
  const dir = project({
    'pyproject.toml': '[tool.ropelens]\nexclude = ["vendored"]\nmystery = 1\n[tool.ropelens.rules]\nunknown-key = "error"\n[tool.ropelens.per-file-ignores]\n"quiet/**" = ["unknown-key"]\n',
    'loud/config.json': WARNS,
    'quiet/config.json': WARNS,
    'vendored/config.json': BROKEN,
  });
  const r = await run(dir, ['check', '--verbose', '.']);
  assert.equal(r.code, 1);
  assert.match(r.out, /loud[/\\]config\.json:1:\d+: error \[unknown-key\]/);
  assert.doesNotMatch(r.out, /quiet[/\\]config\.json:.*unknown-key/);
  assert.doesNotMatch(r.out, /vendored[/\\]config\.json:\d/);
  assert.match(r.out, /set in pyproject\.toml \[tool\.ropelens\]|default/);
  assert.match(r.err, /unknown key "mystery"/);
});

test('--max-warnings: warnings alone pass, more than N fail (exit 1), -1 means no limit', async () => {
  const dir = project({ 'a/config.json': WARNS, 'b/config.json': WARNS });
  assert.equal((await run(dir, ['check', '.'])).code, 0);
  assert.equal((await run(dir, ['check', '--max-warnings', '2', '.'])).code, 0);
  const over = await run(dir, ['check', '--max-warnings=1', '.']);
  assert.equal(over.code, 1);
  assert.match(over.err, /2 warnings, more than --max-warnings 1/);
  assert.equal((await run(dir, ['check', '--max-warnings', '-1', '.'])).code, 0);
  assert.equal((await run(dir, ['check', '--max-warnings', 'many', '.'])).code, 2);
});

test('--format github: one workflow annotation per finding, 1-based positions, escaped data', async () => {
  const dir = project({ 'm/config.json': WARNS, 'bad/config.json': BROKEN });
  const json = JSON.parse((await run(dir, ['check', '--format', 'json', '.'])).out) as Array<{ file: string; severity: string; code: string; range: { start: { line: number; character: number } } }>;
  const gh = await run(dir, ['check', '--format', 'github', '.']);
  assert.equal(gh.code, 1);
  const lines = gh.out.trim().split('\n');
  assert.equal(lines.length, json.length);
  lines.forEach((line, i) => {
    const m = /^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=\d+,endColumn=\d+,title=ropelens ([a-z-]+)::(.+)$/.exec(line);
    assert.ok(m, line);
    const r = json[i]!;
    assert.equal(m[1], r.severity === 'error' ? 'error' : r.severity === 'warning' ? 'warning' : 'notice');
    assert.equal(m[2], r.file.split('\\').join('/'));
    assert.equal(Number(m[3]), r.range.start.line + 1);
    assert.equal(Number(m[4]), r.range.start.character + 1);
    assert.equal(m[5], r.code);
    assert.doesNotMatch(m[6]!, /\n/);
  });
});

test('stdin: check - and explain - read standard input; --stdin-filename names it and picks the dialect', async () => {
  const dir = project({});
  const r = await run(dir, ['check', '--stdin-filename', 'models/x/config.json', '-'], BROKEN);
  assert.equal(r.code, 1);
  assert.match(r.out, /^models\/x\/config\.json:1:\d+: error \[missing-required-key\]/m);
  const anon = await run(dir, ['check', '--format', 'json', '-'], BROKEN);
  assert.equal(JSON.parse(anon.out)[0].file, '<stdin>');
  const shell = await run(dir, ['check', '--stdin-filename', 'serve.sh', '-'], "vllm serve Qwen/Qwen2.5-7B-Instruct --rope-scaling '{\"rope_type\":\"yarn\",\"factor\":4.0,\"original_max_position_embeddings\":32768}' --max-model-len 262144\n");
  assert.match(shell.out, /serve\.sh:1:\d+: error \[max-model-len-above-derived\]/);
  const ex = await run(dir, ['explain', '-'], INT_FACTOR);
  assert.equal(ex.code, 0, ex.err);
  assert.match(ex.out, /linear/);
});

test('globs are expanded by the tool; a glob matching nothing is a usage error', async () => {
  const dir = project({ 'a/config.json': BROKEN, 'b/deep/config.json': WARNS, 'b/deep/other.json': BROKEN, 'c/serve.sh': 'echo hi\n' });
  const r = await run(dir, ['check', '--format', 'json', '**/config.json']);
  const files = [...new Set(JSON.parse(r.out).map((x: { file: string }) => x.file.split('\\').join('/')))].sort();
  assert.deepEqual(files, ['a/config.json', 'b/deep/config.json']);
  const none = await run(dir, ['check', '**/nothing.json']);
  assert.equal(none.code, 2);
  assert.match(none.err, /no file matches/);
});

test('walk: .gitignore (nested too) decides, not a fixed list: out/ and dist/ are read unless ignored', async () => {
  const dir = project({
    '.gitignore': 'dist/\n*.tmp.json\n',
    'out/checkpoint-500/config.json': BROKEN,
    'dist/config.json': BROKEN,
    'x.tmp.json': BROKEN,
    'sub/.gitignore': 'private/\n',
    'sub/private/config.json': BROKEN,
    'sub/public/config.json': BROKEN,
    'node_modules/pkg/config.json': BROKEN,
  });
  const r = await run(dir, ['check', '--format', 'json', '.']);
  const files = [...new Set(JSON.parse(r.out).map((x: { file: string }) => x.file.split('\\').join('/')))].sort();
  assert.deepEqual(files, ['out/checkpoint-500/config.json', 'sub/public/config.json']);
  // Starting below the repository root still obeys the root .gitignore.
  const sub = await run(join(dir, 'sub'), ['check', '--format', 'json', '..']);
  assert.ok(!JSON.parse(sub.out).some((x: { file: string }) => /dist/.test(x.file)));
});

test('skipped files: named or walked files no dialect reads are counted, and listed with --verbose', async () => {
  // README.md (a model card) and Modelfile have dialects; NOTES.md and LICENSE have none.
  const dir = project({ 'NOTES.md': '# x\n', LICENSE: 'MIT\n', 'm/config.json': WARNS, 'm/tokenizer.json': '{"model": {"type": "BPE"}}' });
  const named = await run(dir, ['check', 'NOTES.md', 'LICENSE']);
  assert.equal(named.code, 0);
  assert.match(named.out, /no problems in 0 files/);
  assert.match(named.out, /2 files skipped .*--verbose lists them/);
  const walked = await run(dir, ['check', '--verbose', '.']);
  assert.match(walked.out, /3 files skipped/);
  assert.match(walked.out, /skipped NOTES\.md: no RoPE Lens dialect/);
  assert.match(walked.out, /skipped m[/\\]tokenizer\.json: JSON that is not a model config/);
  const quiet = await run(dir, ['check', '--format', 'json', '--verbose', '.']);
  assert.doesNotThrow(() => JSON.parse(quiet.out), 'machine formats keep stdout clean');
  assert.match(quiet.err, /skipped LICENSE/);
});

test('help: none → stderr, exit 2; --help → stdout, exit 0; every command describes every option with an example', async () => {
  const none = await run('/', []);
  assert.equal(none.code, 2);
  assert.equal(none.out, '');
  assert.match(none.err, /Usage: ropelens <command>/);
  for (const cmd of ['check', 'explain', 'suggest', 'preview']) {
    const h = await run('/', [cmd, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /Example/);
    // Every option the usage line names is described.
    const usage = (await run('/', ['--help'])).out.split('\n').find((l) => l.trim().startsWith(`ropelens ${cmd}`))!;
    for (const opt of usage.match(/--[a-z-]+/g) ?? []) assert.ok(h.out.includes(opt), `${cmd} --help describes ${opt}`);
    assert.equal((await run('/', ['help', cmd])).out, h.out);
  }
});

test('closed pipe: the bin exits 0 quietly when its reader goes away (EPIPE)', async () => {
  const cli = resolve(__dirname, '../../dist/cli.js');
  assert.ok(existsSync(cli), 'dist/cli.js exists (npm run build first)');
  // Output well beyond a pipe's buffer: 8000 skipped files listed with --verbose (cheap to produce).
  const files: Record<string, string> = { 'm/config.json': BROKEN };
  for (let i = 0; i < 8000; i++) files[`notes/n${i}.txt`] = '';
  const dir = project(files);
  const result = await new Promise<{ code: number | null; err: string }>((done) => {
    const child = spawn(process.execPath, [cli, 'check', '--verbose', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    // Read one chunk, then close our end, as `| head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => done({ code, err }));
  });
  assert.equal(result.err, '', 'no stack trace');
  assert.equal(result.code, 0);
});

test('the problem matcher the extension contributes matches every finding line of the text format', async () => {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { contributes: { problemMatchers: Array<{ name: string; pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number } }> } };
  const m = pkg.contributes.problemMatchers.find((x) => x.name === 'ropelens')!;
  const re = new RegExp(m.pattern.regexp);
  const dir = project({ 'a/config.json': WARNS, 'b/config.json': BROKEN });
  const text = await run(dir, ['check', '.']);
  const json = JSON.parse((await run(dir, ['check', '--format', 'json', '.'])).out) as Array<{ file: string; severity: string; code: string; message: string; range: { start: { line: number; character: number } } }>;
  const lines = text.out.split('\n').filter((l) => re.test(l));
  assert.equal(lines.length, json.length, text.out);
  lines.forEach((l, i) => {
    const g = re.exec(l)!;
    assert.equal(g[m.pattern.file], json[i]!.file);
    assert.equal(Number(g[m.pattern.line]), json[i]!.range.start.line + 1);
    assert.equal(Number(g[m.pattern.column]), json[i]!.range.start.character + 1);
    assert.equal(g[m.pattern.severity], json[i]!.severity);
    assert.equal(g[m.pattern.code], json[i]!.code);
    assert.equal(g[m.pattern.message], json[i]!.message);
  });
});

test('Ctrl-C in preview: the run stops, the cells measured so far are printed, exit 130', { timeout: 120_000 }, async () => {
  const io = fileIO(process.cwd());
  // A signal that turns aborted after 6 checks: the engine checks it before every forward pass, and the same
  // request always prices the same samples, so this stops after some cells, not all.
  let checks = 0;
  io.interrupt = { get aborted() { return ++checks > 6; } } as unknown as AbortSignal;
  // --live: the shipped reference would answer this request without a forward pass.
  // A long budget: the interrupt, not the clock, must end the run (a 1 s budget ran out first on a loaded machine).
  const code = await main(['preview', '--live', '--methods', 'none,yarn', '--lengths', '1x,2x', '--probe', 'ppl', '--budget', '60'], io);
  assert.equal(code, 130, io.err);
  const m = /interrupted after (\d+) of (\d+) cells/.exec(io.err);
  assert.ok(m, io.err);
  // Every cell gets a first answer early (then more samples), so all cells may be known when the run stops.
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]));
  assert.equal(io.out.trim().split('\n').length, Number(m[1]));
  assert.match(io.out, /^none at 1×L0 \(128\): ppl \d/m);
});
