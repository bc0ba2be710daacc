// ropelens.ignoredRules comes from workspace settings a cloned repository may ship: whatever the pattern and path,
// matching returns (bounded cost; see common/glob.ts). The times are printed, not asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoredRulesFor, parseSettings } from '../../common/settings';
import { globMatcher } from '../../common/glob';

const LONG = `${'a'.repeat(255)}/`.repeat(15) + 'a'.repeat(255);
const PATHS = [`/w/${'Z'.repeat(40)}`, `models/${'a'.repeat(200)}/config.json`, LONG, 'a'.repeat(4000)];

const HOSTILE = [
  '**************Z',
  `${'**/'.repeat(60)}Z`,
  `${'*'.repeat(500)}Z`,
  'a*a*a*a*a*a*a*a*a*a*b',
  '*a*/*a*/*a*/*a*/*a*/*a*/b',
  '**/a*a*/**/a*a*/**/a*a*/**/b',
  '+(a|aa)+(a|aa)+(a|aa)+(a|aa)b',
  '{a,{b,{c,{d,{e}}}}}*{a,b}*',
  `${'{a,aa}'.repeat(40)}b`,
  '[a-z]*[a-z]*b',
  `${'{a,b}'.repeat(100)}`,
];

test('the issue\'s pattern {"**************Z": ["x"]} returns, and matches what it should', (t) => {
  const settings = parseSettings({ ignoredRules: { '**************Z': ['x'] } });
  const t0 = performance.now();
  const ids = ignoredRulesFor(settings.ignoredRules, ['/w/' + 'a'.repeat(60), 'a'.repeat(60)]);
  const ms = performance.now() - t0;
  assert.deepEqual(ids, []);
  // `**************Z` is one segment of stars: any name ending in Z, in the top folder.
  assert.deepEqual(ignoredRulesFor(settings.ignoredRules, ['fooZ']), ['x']);
  t.diagnostic(`issue pattern: ${ms.toFixed(2)} ms`);
});

test('hostile patterns against long and deep paths all return', (t) => {
  const t0 = performance.now();
  for (const g of HOSTILE) {
    const m = globMatcher(g);
    for (const p of PATHS) if (m) assert.equal(typeof m(p), 'boolean');
    // Through the settings path too (exact-path fallback for rejected patterns).
    assert.deepEqual(ignoredRulesFor(parseSettings({ ignoredRules: { [g]: ['r'] } }).ignoredRules, PATHS), []);
  }
  t.diagnostic(`${HOSTILE.length} hostile patterns × ${PATHS.length} paths: ${(performance.now() - t0).toFixed(1)} ms`);
});

test('patterns past the limits match only the path they spell', () => {
  assert.equal(globMatcher('a*a*a*b'), undefined);
  assert.deepEqual(ignoredRulesFor({ 'a*a*a*b': ['r'] }, ['a*a*a*b']), ['r']);
  assert.equal(globMatcher('x'.repeat(513)), undefined);
  assert.equal(globMatcher('{a/b,c}/x.json'), undefined);
});

test('a settings object with thousands of entries is cut to the limit', () => {
  const many: Record<string, string[]> = {};
  for (let i = 0; i < 5000; i++) many[`dir${i}/**/*.json`] = ['r'];
  const s = parseSettings({ ignoredRules: many });
  assert.equal(Object.keys(s.ignoredRules).length, 256);
});

test('untrusted workspaces cannot set the settings that shape matching or analysis cost', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations?: string[] } };
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const u = pkg.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited', 'restrictedConfigurations needs "limited"');
  const restricted = new Set(u.restrictedConfigurations ?? []);
  for (const key of ['ropelens.rules', 'ropelens.ignoredRules', 'ropelens.preview.budgetSeconds', 'ropelens.preview.backend', 'ropelens.trace.server']) {
    assert.ok(restricted.has(key), `${key} is restricted`);
  }
  // Every restricted name is a real setting.
  for (const key of restricted) assert.ok(key in pkg.contributes.configuration.properties, `${key} exists`);
});
