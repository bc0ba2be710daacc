// The CLI on hostile input: the repro files end with exit 0/1 and a finding naming the value (never a fatal error);
// broken JSON is an error finding (exit 1); bounds on flags; internal faults exit 3 with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { fileIO, memoryIO } from './cli-io';

const ROOT = join(__dirname, '..', '..');
const HOSTILE = join(ROOT, 'test', 'fixtures', 'hostile');
const REPROS: [string, RegExp][] = [
  ['serve.sh', /partial_rotary_factor 10,000,000/],
  ['compose.yaml', /partial_rotary_factor 10,000,000/],
  ['hf-overrides.sh', /head_dim 1,000,000,000/],
  ['huge-partial.py', /partial_rotary_factor 9,007,199,254,740,99\d/],
];

for (const [file, value] of REPROS) {
  test(`${file}: check exits 1 with value-out-of-range, explain exits 0 and names the value`, async () => {
    const io = fileIO(HOSTILE);
    const code = await main(['check', '--format', 'json', join(HOSTILE, file)], io);
    assert.equal(code, 1, io.err);
    const results = JSON.parse(io.out) as { code: string; message: string }[];
    const f = results.find((r) => r.code === 'value-out-of-range');
    assert.ok(f, io.out);
    assert.match(f.message, value);
    const io2 = fileIO(HOSTILE);
    assert.equal(await main(['explain', join(HOSTILE, file)], io2), 0, io2.err);
    assert.match(io2.out, value);
    assert.ok(io2.out.length < 20_000, 'explain stays small');
  });
}

test('a config.json with a syntax error is an error finding: exit 1, as the editor shows it', async () => {
  const text = '{\n  "model_type": "llama",\n  "rope_scaling": {"rope_type": "yarn" "factor": 4.0}\n}\n';
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-syntax-'));
  writeFileSync(join(dir, 'config.json'), text);
  const real = fileIO(dir);
  const code = await main(['check', '--format', 'json', join(dir, 'config.json')], real);
  assert.equal(code, 1, real.err);
  const results = JSON.parse(real.out) as { code: string; severity: string; range: { start: { line: number; character: number } } }[];
  assert.equal(results[0]?.code, 'syntax-error');
  assert.equal(results[0]?.severity, 'error');
  assert.deepEqual(results[0]?.range.start, { line: 2, character: 39 }, 'at the missing comma');
});

test('--threads and --seq-len past their bounds are usage errors naming the value', async () => {
  const io = memoryIO({});
  assert.equal(await main(['preview', '--threads', '100000'], io), 2);
  assert.match(io.err, /--threads 100000 is above the limit of 32/);
  const io2 = memoryIO({});
  assert.equal(await main(['explain', '--seq-len', '9'.repeat(30), 'x.json'], io2), 2);
  assert.match(io2.err, /--seq-len 9+… is above the limit/);
});

test('an internal fault exits 3 with one line; a missing file stays 2', async () => {
  const io = memoryIO({});
  io.readFile = () => {
    throw new TypeError('simulated bug');
  };
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-internal-'));
  writeFileSync(join(dir, 'config.json'), '{"model_type": "llama"}');
  assert.equal(await main(['check', join(dir, 'config.json')], io), 3);
  assert.equal(io.err, 'ropelens check: internal error: simulated bug\n');
  const io2 = memoryIO({});
  assert.equal(await main(['check', join(dir, 'missing.json')], io2), 2);
  assert.equal(io2.err.split('\n').filter(Boolean).length, 1);
});

test('the built bin: the help names exit code 3, and the repro files never crash it', { skip: !existsSync(join(ROOT, 'dist', 'cli.js')) }, () => {
  const help = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /3 internal error/);
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', ...REPROS.map(([f]) => join(HOSTILE, f))], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout.match(/\[value-out-of-range\]/g)?.length, 4);
});
