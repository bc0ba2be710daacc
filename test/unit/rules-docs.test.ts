// docs/rules.md and the README rule table are generated from the rule list: they must be up to date (npm run docs),
// and the ids they document must be exactly the ids that run — as the CLI's SARIF output lists them and as the
// diagnostics over the examples report them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc, withReadmeTable } from '../../scripts/gen-rule-docs';
import { main } from '../../cli/main';
import { fileIO } from './cli-io';

const root = fileURLToPath(new URL('../../', import.meta.url));
const documented = (): string[] => [...readFileSync(`${root}docs/rules.md`, 'utf8').matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]!);

async function sarifRun(args: string[]): Promise<{ rules: Array<{ id: string; helpUri: string }>; results: Array<{ ruleId: string }> }> {
  const io = fileIO(root);
  await main(['check', '--format', 'sarif', ...args], io);
  const run = JSON.parse(io.out).runs[0];
  return { rules: run.tool.driver.rules, results: run.results };
}

test('docs/rules.md is up to date', () => {
  assert.equal(readFileSync(`${root}docs/rules.md`, 'utf8'), renderRulesDoc(), 'run `npm run docs`');
});

test('README rules section is up to date and states the documented count', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  assert.equal(readme, withReadmeTable(readme), 'run `npm run docs`');
  const count = /<!-- section:rules -->[\s\S]*?\b(\d+) rules\b/.exec(readme);
  assert.ok(count, 'README rules section states a rule count');
  assert.equal(Number(count[1]), documented().length);
});

test('`ropelens check --format sarif` lists exactly the documented rule ids, each linking to its anchor', async () => {
  const ids = documented();
  assert.equal(new Set(ids).size, ids.length, 'one anchor per rule');
  const run = await sarifRun(['examples/llama-3.1-8b/config.json']);
  assert.deepEqual(run.rules.map((r) => r.id).sort(), [...ids].sort());
  for (const r of run.rules) assert.ok(r.helpUri.endsWith(`/docs/rules.md#${r.id}`), r.helpUri);
});

test('every rule the examples trigger is documented (dialect rules included)', async () => {
  const ids = new Set(documented());
  const run = await sarifRun(['examples']);
  const fired = new Set(run.results.map((r) => r.ruleId));
  assert.ok(fired.size >= 5, `the examples trigger several rules (${[...fired].join(', ')})`);
  for (const id of fired) assert.ok(ids.has(id), `${id} runs but docs/rules.md has no anchor for it`);
});
