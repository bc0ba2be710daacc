// `ropelens check` through main() (text/json/sarif, exit codes, bad arguments) and once through the built bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { fileIO as fakeIO } from './cli-io';


// A yarn block without `factor`: transformers raises KeyError (missing required key) in every release.
const BROKEN = `{
  "model_type": "llama",
  "hidden_size": 4096,
  "num_attention_heads": 32,
  "max_position_embeddings": 8192,
  "rope_theta": 500000.0,
  "rope_scaling": {"rope_type": "yarn"}
}
`;
// Llama 3.1 8B as published: transformers accepts it.
const CLEAN = `{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_size": 4096,
  "num_attention_heads": 32,
  "num_key_value_heads": 8,
  "max_position_embeddings": 131072,
  "rope_theta": 500000.0,
  "rope_scaling": {
    "factor": 8.0,
    "low_freq_factor": 1.0,
    "high_freq_factor": 4.0,
    "original_max_position_embeddings": 8192,
    "rope_type": "llama3"
  }
}
`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-cli-'));
  mkdirSync(join(dir, 'models', 'bad'), { recursive: true });
  mkdirSync(join(dir, 'models', 'good'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'models', 'bad', 'config.json'), BROKEN);
  writeFileSync(join(dir, 'models', 'good', 'config.json'), CLEAN);
  writeFileSync(join(dir, 'models', 'tokenizer.json'), '{"version": "1.0", "model": {"type": "BPE"}}');
  writeFileSync(join(dir, 'node_modules', 'x', 'config.json'), BROKEN);
  return dir;
}

test('json: 0-based ranges that point into the rope block, error exit code', async () => {
  const dir = workspace();
  const io = fakeIO(dir);
  const file = join(dir, 'models', 'bad', 'config.json');
  const code = await main(['check', '--format', 'json', file], io);
  assert.equal(code, 1, io.err);
  const results = JSON.parse(io.out) as Array<{ file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: string; code: string; message: string }>;
  assert.ok(results.length >= 1);
  const err = results.find((r) => r.severity === 'error');
  assert.ok(err, 'an error-level finding');
  assert.equal(err.file, file);
  assert.match(err.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.ok(err.message.length > 10);
  // Line 6 (0-based) holds the rope_scaling block.
  const lines = BROKEN.split('\n');
  assert.equal(err.range.start.line, 6);
  assert.ok(lines[err.range.start.line]!.slice(err.range.start.character).includes('rope'));
  for (const r of results) assert.deepEqual(Object.keys(r).sort(), ['code', 'file', 'message', 'range', 'severity']);
});

test('text: clean file exits 0; folders are walked for model configs only', async () => {
  const dir = workspace();
  const good = fakeIO(dir);
  assert.equal(await main(['check', join(dir, 'models', 'good', 'config.json')], good), 0, good.err);
  assert.match(good.out, /no problems in 1 file/);

  const io = fakeIO(dir);
  const code = await main(['check', dir], io);
  assert.equal(code, 1);
  assert.match(io.out, /models[/\\]bad[/\\]config\.json:7:\d+: error \[[a-z-]+\]/);
  assert.ok(!io.out.includes('node_modules'), 'node_modules skipped');
  assert.ok(!io.out.includes('tokenizer.json'));
  assert.match(io.out, /in 2 files/);
});

test('sarif: 2.1.0 with rule metadata; regions are the json ranges + 1', async () => {
  const dir = workspace();
  const file = join(dir, 'models', 'bad', 'config.json');
  const j = fakeIO(dir);
  await main(['check', '--format=json', file], j);
  const s = fakeIO(dir);
  const code = await main(['check', '--format', 'sarif', file], s);
  assert.equal(code, 1);
  const sarif = JSON.parse(s.out);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'ropelens');
  const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.ok(ruleIds.length >= 10, 'every rule described');
  for (const r of run.tool.driver.rules) {
    assert.ok(r.shortDescription.text.length > 0);
    assert.match(r.helpUri, /docs\/rules\.md#/);
  }
  const json = JSON.parse(j.out);
  assert.equal(run.results.length, json.length);
  type SarifRegion = { startLine: number; startColumn: number };
  type SarifResult = { ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { region: SarifRegion; artifactLocation: { uri: string } } }> };
  run.results.forEach((res: SarifResult, i: number) => {
    assert.ok(ruleIds.includes(res.ruleId));
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    const reg = res.locations[0].physicalLocation.region;
    assert.equal(reg.startLine, json[i].range.start.line + 1);
    assert.equal(reg.startColumn, json[i].range.start.character + 1);
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'models/bad/config.json');
    assert.ok(['error', 'warning', 'note'].includes(res.level));
  });
});

test('--transformers changes what the messages describe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-cli-'));
  // Integer factor: 4.x warns "must be a float", 5.x accepts ints.
  const f = join(dir, 'config.json');
  writeFileSync(f, '{"model_type": "llama", "max_position_embeddings": 8192, "rope_theta": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 2}}');
  const v4 = fakeIO(dir);
  await main(['check', '--format', 'json', '--transformers', '4.45.0', f], v4);
  const v5 = fakeIO(dir);
  await main(['check', '--format', 'json', '--transformers', '5.15.0', f], v5);
  const sev = (out: string) => JSON.parse(out).map((r: { code: string; severity: string }) => `${r.code}:${r.severity}`);
  assert.ok(sev(v4.out).some((s: string) => s.endsWith(':warning')), `4.45 warns: ${sev(v4.out)}`);
  assert.ok(!sev(v5.out).some((s: string) => s.endsWith(':warning') || s.endsWith(':error')), `5.15 does not: ${sev(v5.out)}`);
  assert.notDeepEqual(JSON.parse(v4.out).map((r: { message: string }) => r.message), JSON.parse(v5.out).map((r: { message: string }) => r.message));
});

test('usage and I/O errors: exit 2 with one line on stderr', async () => {
  const dir = workspace();
  const cases: string[][] = [
    ['check'],
    ['check', '--format', 'xml', dir],
    ['check', '--transformers', 'banana', dir],
    ['check', '--bogus', dir],
    ['check', join(dir, 'missing.json')],
    ['nope'],
  ];
  for (const argv of cases) {
    const io = fakeIO(dir);
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.equal(io.err.trim().split('\n').length, 1, `one line for ${argv.join(' ')}: ${io.err}`);
    assert.equal(io.out, '');
  }
});

test('help and version', async () => {
  const io = fakeIO('/');
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.out, /ropelens check/);
  assert.match(io.out, /ropelens suggest/);
  const v = fakeIO('/');
  assert.equal(await main(['--version'], v), 0);
  assert.equal(v.out.trim(), JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')).version);
});

test('built bin: node dist/cli.js check sets the process exit code', (t) => {
  const cli = resolve(__dirname, '../../dist/cli.js');
  assert.ok(existsSync(cli), 'dist/cli.js exists (npm run build first)');
  const dir = workspace();
  const ok = spawnSync(process.execPath, [cli, 'check', join(dir, 'models', 'good', 'config.json')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = spawnSync(process.execPath, [cli, 'check', '--format', 'json', join(dir, 'models', 'bad')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.ok(JSON.parse(bad.stdout).length >= 1);
  const usage = spawnSync(process.execPath, [cli, 'check', '--format'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.equal(execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).trim().length > 0, true);
  t.diagnostic('bin ok');
});
