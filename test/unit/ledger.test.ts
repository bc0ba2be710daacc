// The engine-facts ledger: every row is sourced, and every text RoPE Lens shows that names an engine (rule docs and
// messages, the advisor's reasons and notes, string literals elsewhere in core/) cites a ledger row of that engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FACTS, fact, hasFact, type LedgerEngine } from '../../core/ledger/facts';
import { RULE_FACTS, enginesNamed } from '../../core/ledger/cite';
import { allRules } from '../../core/rules/index';
import { ENGINES, ENGINE_IDS } from '../../core/advisor/engines';
import { MATRIX, RATIO_BANDS } from '../../core/advisor/matrix';
import { recommend } from '../../core/advisor/recommend';
import { FIRST_ROPE_SCALING_VERSION, versionError } from '../../core/versions';
import { renderFactsDoc } from '../../scripts/gen-rule-docs';
import { CASES } from './rules-cases-data';
import { check } from './rules-helpers';
import { analyse, ROOT, setupDialects } from './dialect-setup';

const enginesOf = (ids: readonly string[]): Set<LedgerEngine> => new Set(ids.map((id) => fact(id).engine));
const uncovered = (text: string, ids: readonly string[]): LedgerEngine[] => {
  const have = enginesOf(ids);
  return enginesNamed(text).filter((e) => !have.has(e));
};

test('every ledger row is complete, unique and named after its engine', () => {
  const seen = new Set<string>();
  for (const f of FACTS) {
    assert.ok(!seen.has(f.id), `duplicate ${f.id}`);
    seen.add(f.id);
    assert.ok(f.id.startsWith(`${f.engine}.`), `${f.id} is not under ${f.engine}`);
    for (const k of ['versions', 'fact', 'source', 'readAt'] as const) assert.ok(f[k].trim().length > 2, `${f.id}.${k}`);
    // A source names a repository file or a PR/issue, never just a word.
    assert.match(f.source, /\/|#\d+/, `${f.id}: source must name a file or PR`);
  }
  assert.throws(() => fact('no.such-row'), /no ledger row/);
});

test('every rule whose docs name an engine cites a ledger row of that engine', async () => {
  await setupDialects();
  for (const [id, rows] of Object.entries(RULE_FACTS)) for (const r of rows) assert.ok(hasFact(r), `${id} cites unknown row ${r}`);
  for (const r of allRules()) {
    const text = Object.values(r.docs).join('\n');
    assert.deepEqual(uncovered(text, RULE_FACTS[r.id] ?? []), [], `${r.id}: docs name an engine no cited row covers`);
  }
});

test('every finding message that names an engine comes from a rule citing a row of that engine', async () => {
  await setupDialects();
  let checked = 0;
  for (const c of CASES) {
    for (const f of check(c.text, c.version)) {
      assert.deepEqual(uncovered(f.message, RULE_FACTS[f.ruleId] ?? []), [], `${f.ruleId}: ${f.message}`);
      checked++;
    }
  }
  // The command-line dialect rules, on the bundled serving examples.
  const serve = join(ROOT, 'examples', 'serve');
  for (const name of readdirSync(serve)) {
    const text = readFileSync(join(serve, name), 'utf8');
    for (const f of analyse(`file:///examples/serve/${name}`, text, '5.15.0').findings) {
      assert.deepEqual(uncovered(f.message, RULE_FACTS[f.ruleId] ?? []), [], `${f.ruleId}: ${f.message}`);
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} messages checked`);
});

test('the advisor cites the rows its engine statements rest on', () => {
  for (const e of ENGINE_IDS) {
    const c = ENGINES[e];
    for (const id of c.facts) assert.ok(hasFact(id), `${e} cites unknown ${id}`);
    assert.deepEqual(uncovered(c.note ?? '', c.facts), [], `${e} note`);
  }
  for (const row of MATRIX) assert.deepEqual(enginesNamed(`${row.reason} ${row.caution ?? ''}`), [], `matrix ${row.band}/${row.finetune} names an engine without a row`);
  let n = 0;
  for (const engine of ENGINE_IDS) for (const b of RATIO_BANDS) for (const finetune of [false, true]) {
    const target = Math.round(8192 * Math.min(b.max, 64) * 0.9) + 8192 * (b.band === 'within' ? 0 : 0);
    const a = recommend({ originalContext: 8192, target: Math.max(target, 4096), finetune, finetuneSteps: 200, engine });
    for (const id of a.facts) assert.ok(hasFact(id), id);
    for (const t of [a.reason, ...a.notes, ...a.warnings]) assert.deepEqual(uncovered(t, a.facts), [], `${engine}: ${t}`);
    n++;
  }
  assert.equal(n, ENGINE_IDS.length * RATIO_BANDS.length * 2);
});

/** String literals in core/ that make a statement (five words or more) about a named engine. */
function engineStatements(file: string): { line: number; text: string }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: { line: number; text: string }[] = [];
  lines.forEach((l, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(l)) return;
    for (const m of l.matchAll(/'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`|"((?:[^"\\]|\\.)*)"/g)) {
      const s = m[1] ?? m[2] ?? m[3] ?? '';
      // Labels ("transformers ${v}", "vLLM command line") are not statements: ≥ 5 words once ${...} is removed.
      const words = s.replace(/\$\{[^}]*\}/g, ' ').split(/\s+/).filter((w) => /[a-z]/i.test(w));
      if (words.length >= 5 && enginesNamed(s).length) out.push({ line: i, text: s });
    }
  });
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every other engine statement in core/ carries a `ledger:` citation of its engine', () => {
  const core = join(ROOT, 'core');
  const missing: string[] = [];
  let seen = 0;
  for (const file of tsFiles(core)) {
    // Rules and the advisor are checked through their docs, messages and output above; the ledger is the source.
    // (Matched below core/ only: a checkout folder named after one of them must not hide every file.)
    if (/[\\/](rules|ledger|advisor)[\\/]/.test(file.slice(core.length))) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const s of engineStatements(file)) {
      seen++;
      const near = lines.slice(Math.max(0, s.line - 3), s.line + 1).join('\n');
      const ids = [...near.matchAll(/ledger: ([\w.\-, ]+)/g)].flatMap((m) => m[1]!.split(/[,\s]+/).filter(Boolean));
      const bad = ids.filter((id) => !hasFact(id));
      if (bad.length) missing.push(`${file.slice(ROOT.length + 1)}:${s.line + 1} cites unknown ${bad.join(', ')}`);
      else if (uncovered(s.text, ids).length) missing.push(`${file.slice(ROOT.length + 1)}:${s.line + 1} ${uncovered(s.text, ids).join('/')}: ${s.text.slice(0, 90)}`);
    }
  }
  assert.ok(seen > 20, `only ${seen} statements found: the scan is broken`);
  assert.deepEqual(missing, []);
});

test('docs/engine-facts.md is the rendered ledger (npm run docs)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs', 'engine-facts.md'), 'utf8'), renderFactsDoc());
});

test('--transformers below the first release with rope scaling is refused with a reason', () => {
  assert.equal(FIRST_ROPE_SCALING_VERSION, '4.31.0');
  assert.match(versionError('3.0')!, /transformers 3\.0\.0 has no rope scaling: rope_scaling first appeared in 4\.31\.0/);
  assert.match(versionError('4.30.2')!, /has no rope scaling/);
  assert.match(versionError('banana')!, /not a transformers version/);
  for (const ok of ['4.31', '4.31.0', '4.57', '5.15.0', 'latest']) assert.equal(versionError(ok), undefined, ok);
});
