// The seeded slice of `npm run fuzz` (test/fuzz/run.ts): mutated real files in every dialect through parse, every
// rule, hover, completion, explain and the quick fixes. No crash, no junk in messages; each applied fix removes its
// finding and adds no error-level finding unless its title says it reveals the next step; fix-all settles in ≤ 3
// rounds. (Time bounds are the full fuzz run's and the bench's, not this test's.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { setupDialects } from './dialect-setup';
import { emptyCounts, exercise, FUZZ_KINDS, mutate, rng, seedFiles } from '../fuzz/lib';

before(setupDialects);

const PER_DIALECT = 40;

for (const kind of FUZZ_KINDS) {
  test(`fuzz slice: ${PER_DIALECT} mutated ${kind} files`, () => {
    const seeds = seedFiles()[kind];
    const r = rng(20251201 + FUZZ_KINDS.indexOf(kind));
    const c = emptyCounts();
    for (let i = 0; i < PER_DIALECT; i++) exercise(kind, mutate(seeds, r), c, { maxFixes: 3, fixAll: i % 5 === 0 });
    const problems = c.examples.join('\n');
    assert.equal(c.inputs, PER_DIALECT);
    assert.equal(c.crashes, 0, problems);
    assert.equal(c.junk, 0, problems);
    assert.equal(c.fixNotRemoved, 0, problems);
    assert.equal(c.fixNewError, 0, problems);
    assert.equal(c.fixAllOver3Rounds, 0, problems);
  });
}

test('fix properties: every quick fix on every real file (examples/, test/fixtures) in every dialect', () => {
  const c = emptyCounts();
  const seeds = seedFiles();
  for (const kind of FUZZ_KINDS) for (const text of seeds[kind]) exercise(kind, text, c, { maxFixes: 1000, fixAll: true });
  const problems = c.examples.join('\n');
  assert.equal(c.brokenSyntax, 0, 'the real files parse');
  assert.ok(c.fixesApplied >= 20, `quick fixes were applied (${c.fixesApplied})`);
  assert.ok(c.fixAllRuns >= 5, `fix-all ran (${c.fixAllRuns})`);
  assert.equal(c.fixRemoved, c.fixesApplied, problems);
  assert.equal(c.fixNewError, 0, problems);
  assert.equal(c.fixAllOver3Rounds, 0, problems);
  assert.equal(c.crashes + c.junk, 0, problems);
});

test('fuzz slice: the harness sees what it is meant to see', () => {
  // A junk message is told from a value the input itself contains.
  const c = emptyCounts();
  assert.equal(c.junk, 0);
  const seeds = seedFiles();
  for (const kind of FUZZ_KINDS) assert.ok(seeds[kind].length > 0, `${kind} has real files to mutate`);
  const a = mutate(seeds.json, rng(1));
  const b = mutate(seeds.json, rng(1));
  assert.equal(a, b, 'a seed reproduces its input');
});
