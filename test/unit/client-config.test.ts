import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatcher } from '../../common/glob';
import { DEFAULT_SETTINGS, ignoredRulesFor, parseContextLength, parseSettings, withIgnoredRule } from '../../common/settings';

test('parseSettings: defaults for missing or mistyped input', () => {
  assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(parseSettings(42), DEFAULT_SETTINGS);
  const s = parseSettings({ enable: 'yes', transformersVersion: 'banana', rules: [], ignoredRules: 'x', trace: { server: 'loud' } });
  assert.equal(s.enable, true);
  assert.equal(s.transformersVersion, '5.15.0');
  assert.deepEqual(s.rules, {});
  assert.deepEqual(s.ignoredRules, {});
  assert.equal(s.trace, 'off');
});

test('parseSettings: typed values pass, bad rule severities are dropped, common spellings accepted', () => {
  const s = parseSettings({
    enable: false,
    transformersVersion: ' 4.57 ',
    rules: { 'unknown-key': 'off', 'yarn-factor-mismatch': 'warn', 'static-yarn-advice': 'INFO', bogus: 'loud', n: 3 },
    ignoredRules: { 'models/a/config.json': ['unknown-key', 'unknown-key', 7], single: 'legacy-type-key', empty: [] },
    trace: { server: 'verbose' },
    preview: { backend: 'wasm' },
  });
  assert.equal(s.enable, false);
  assert.equal(s.transformersVersion, '4.57');
  assert.deepEqual(s.rules, { 'unknown-key': 'off', 'yarn-factor-mismatch': 'warning', 'static-yarn-advice': 'information' });
  assert.deepEqual(s.ignoredRules, { 'models/a/config.json': ['unknown-key'], single: ['legacy-type-key'] });
  assert.equal(s.trace, 'verbose');
  assert.equal(s.previewBackend, 'wasm');
  assert.equal(parseSettings({ transformersVersion: 'latest' }).transformersVersion, 'latest');
});

test('globMatcher: *, **, ? and {a,b}', () => {
  const m = (g: string, p: string): boolean => globMatcher(g)!(p);
  assert.ok(m('**/config.json', 'config.json'));
  assert.ok(m('**/config.json', 'a/b/config.json'));
  assert.ok(!m('*/config.json', 'a/b/config.json'));
  assert.ok(m('models/*.json', 'models/x.json'));
  assert.ok(!m('models/*.json', 'models/x/y.json'));
  assert.ok(m('{a,b}/c?.yaml', 'b/c1.yaml'));
  assert.ok(!m('a.json', 'aXjson'), 'dots are literal');
  assert.ok(m('models/**', 'models/a/b/config.json'));
  assert.ok(m('**/.hidden/*.yaml', 'x/.hidden/r.yaml'), 'dot folders match');
});

test('ignoredRulesFor matches exact relative paths and globs only', () => {
  const ignored = { 'models/a/config.json': ['r1'], '**/*.yaml': ['r2'], 'other.json': ['r3'] };
  assert.deepEqual(ignoredRulesFor(ignored, ['/w/models/a/config.json', 'models/a/config.json']).sort(), ['r1']);
  assert.deepEqual(ignoredRulesFor(ignored, ['/w/x/recipe.yaml', 'x/recipe.yaml']), ['r2']);
  assert.deepEqual(ignoredRulesFor(ignored, ['/w/sub/other.json', 'sub/other.json']), []);
});

test('withIgnoredRule adds once and keeps other entries', () => {
  const a = withIgnoredRule({ 'x.json': ['r1'] }, 'y.json', 'r2');
  assert.deepEqual(a, { 'x.json': ['r1'], 'y.json': ['r2'] });
  assert.deepEqual(withIgnoredRule(a, 'y.json', 'r2'), a);
  assert.deepEqual(withIgnoredRule(undefined, 'z.json', 'r3'), { 'z.json': ['r3'] });
});

test('parseContextLength: plain, separators, k/m suffixes, and clear errors', () => {
  assert.deepEqual(parseContextLength('131072'), { value: 131072 });
  assert.deepEqual(parseContextLength('131,072'), { value: 131072 });
  assert.deepEqual(parseContextLength('128k'), { value: 131072 });
  assert.deepEqual(parseContextLength('1M'), { value: 1048576 });
  assert.ok('error' in parseContextLength('abc'));
  assert.ok('error' in parseContextLength('1.5'));
  assert.ok('error' in parseContextLength('0'));
  assert.ok('error' in parseContextLength('99999999999999'));
  const r = parseContextLength('32768', 32768);
  assert.ok('error' in r && /already handles 32768/.test(r.error));
});
