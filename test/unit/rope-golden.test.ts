// Parity with transformers: every golden case (numbers produced by running transformers' own rope code, see
// test/fixtures/golden/README.md) must give the same inv_freq (1e-6 relative) and attention factor (1e-6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRope } from '../../core/rope/index';
import { factsFromConfig } from '../../core/rope/dim';
import { GOLDEN_VERSIONS, loadGolden } from './golden-fixtures';

const VERSIONS = GOLDEN_VERSIONS;

function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

for (const version of VERSIONS) {
  const cases = loadGolden(version);
  test(`golden v${version}: ${cases.length} cases loaded`, () => {
    assert.ok(cases.length >= 30);
  });
  for (const c of cases) {
    test(`golden v${version} ${c.id} seq_len=${c.seq_len}`, () => {
      const params = (c.config['rope_scaling'] as Record<string, unknown> | null) ?? {};
      const input = { params, facts: factsFromConfig(c.config), transformersVersion: version };
      const r = computeRope(c.seq_len === null ? input : { ...input, seqLen: c.seq_len });
      assert.equal(r.ropeType, c.rope_type);
      assert.equal(r.error, undefined);
      assert.equal(r.invFreq.length, c.inv_freq.length, 'frequency count');
      if (c.rope_type !== 'proportional') assert.equal(r.ropeDim, c.rope_dim, 'rotary dim');
      let worst = 0;
      let at = -1;
      c.inv_freq.forEach((g, j) => {
        const e = relErr(r.invFreq[j]!, g);
        if (e > worst) { worst = e; at = j; }
      });
      assert.ok(worst <= 1e-6, `inv_freq[${at}] = ${r.invFreq[at]} vs ${c.inv_freq[at]} (rel ${worst.toExponential(2)})`);
      assert.ok(Math.abs(r.attentionFactor - c.attention_factor) <= 1e-6, `attention ${r.attentionFactor} vs ${c.attention_factor}`);
    });
  }
}
