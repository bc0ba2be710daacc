// Properties of the rope math that must hold for any model shape, checked with fast-check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeRope, type RopeInput } from '../../core/rope/index';
import { analyzeRope } from '../../core/rope/analysis';
import { defaultInvFreq } from '../../core/rope/default';

const VERSIONS = ['4.45.0', '4.51.0', '4.57.0', '5.15.0'];

const shape = fc.record({
  dim: fc.integer({ min: 2, max: 128 }).map((x) => 2 * x),
  base: fc.double({ min: 100, max: 1e7, noNaN: true }),
  mpe: fc.constantFrom(512, 2048, 4096, 8192, 32768, 131072),
  version: fc.constantFrom(...VERSIONS),
});

function input(s: { dim: number; base: number; mpe: number; version: string }, params: Record<string, unknown>, seqLen?: number): RopeInput {
  const i: RopeInput = {
    params,
    facts: { headDim: s.dim, hiddenSize: s.dim * 8, numAttentionHeads: 8, maxPositionEmbeddings: s.mpe, ropeTheta: s.base },
    transformersVersion: s.version,
  };
  if (seqLen !== undefined) i.seqLen = seqLen;
  return i;
}

function close(a: number[], b: number[], rel = 1e-6): boolean {
  return a.length === b.length && a.every((x, j) => Math.abs(x - b[j]!) <= rel * Math.max(Math.abs(x), Math.abs(b[j]!)));
}

test('linear with factor 1 equals default (exactly)', () => {
  fc.assert(fc.property(shape, (s) => {
    const lin = computeRope(input(s, { rope_type: 'linear', factor: 1.0 }));
    const def = computeRope(input(s, {}));
    assert.deepEqual(lin.invFreq, def.invFreq);
    assert.equal(lin.attentionFactor, 1);
  }));
});

test('yarn with factor 1 equals default (float32 rounding) and attention 1', () => {
  const yarnParams = fc.record({
    beta_fast: fc.constantFrom(undefined, 16, 32, 64),
    beta_slow: fc.constantFrom(undefined, 0.5, 1, 2),
    truncate: fc.boolean(),
    original_max_position_embeddings: fc.constantFrom(undefined, 1024, 4096),
  }, { requiredKeys: [] });
  fc.assert(fc.property(shape, yarnParams, (s, extra) => {
    const params: Record<string, unknown> = { rope_type: 'yarn', factor: 1.0 };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) params[k] = v;
    // 4.51–4.55 replace factor by mpe/omp when omp is set: keep them equal so the factor stays 1.
    if (params['original_max_position_embeddings'] !== undefined) params['original_max_position_embeddings'] = s.mpe;
    const yarn = computeRope(input(s, params));
    const def = computeRope(input(s, {}));
    assert.ok(close(yarn.invFreq, def.invFreq), 'inv_freq');
    assert.equal(yarn.attentionFactor, 1);
  }));
});

test('dynamic at or below the original length equals default (exactly)', () => {
  fc.assert(fc.property(shape, fc.double({ min: 1, max: 64, noNaN: true }), fc.option(fc.double({ min: 0, max: 1 })), (s, factor, frac) => {
    const seqLen = frac === null ? undefined : Math.max(1, Math.floor(frac * s.mpe));
    const dyn = computeRope(input(s, { rope_type: 'dynamic', factor }, seqLen));
    assert.deepEqual(dyn.invFreq, defaultInvFreq(s.base, s.dim));
  }));
});

test('dynamic beyond the original length slows every rotating frequency', () => {
  fc.assert(fc.property(shape, fc.double({ min: 1.5, max: 16, noNaN: true }), fc.integer({ min: 2, max: 8 }), (s, factor, mult) => {
    const dyn = computeRope(input(s, { rope_type: 'dynamic', factor }, s.mpe * mult));
    const def = defaultInvFreq(s.base, s.dim);
    dyn.invFreq.forEach((x, j) => assert.ok(j === 0 ? x === def[0] : x < def[j]!, `j=${j}`));
  }));
});

const method = fc.oneof(
  fc.constant({}),
  fc.double({ min: 1, max: 64, noNaN: true }).map((factor) => ({ rope_type: 'linear', factor })),
  fc.double({ min: 1, max: 64, noNaN: true }).map((factor) => ({ rope_type: 'dynamic', factor })),
  fc.double({ min: 1, max: 64, noNaN: true }).map((factor) => ({ rope_type: 'ntk', factor })),
  fc.record({ factor: fc.double({ min: 1, max: 64, noNaN: true }), omp: fc.constantFrom(256, 2048, 4096) })
    .map(({ factor, omp }) => ({ rope_type: 'yarn', factor, original_max_position_embeddings: omp })),
  fc.record({ factor: fc.double({ min: 1, max: 64, noNaN: true }), low: fc.double({ min: 0.5, max: 2, noNaN: true }), gap: fc.double({ min: 0.5, max: 8, noNaN: true }) })
    .map(({ factor, low, gap }) => ({ rope_type: 'llama3', factor, low_freq_factor: low, high_freq_factor: low + gap, original_max_position_embeddings: 256 })),
);

test('wavelengths grow with the dimension index, for every method', () => {
  fc.assert(fc.property(shape, method, fc.option(fc.integer({ min: 1, max: 1 << 20 })), (s, params, seq) => {
    // A yarn block whose original length exceeds max_position_embeddings gets factor mpe/omp < 1 in 4.51–4.55
    // (it speeds frequencies up); real configs never do that, so the property is about omp <= mpe.
    const omp = (params as { original_max_position_embeddings?: number }).original_max_position_embeddings;
    fc.pre(omp === undefined || omp <= s.mpe);
    const a = analyzeRope(input(s, params, seq ?? undefined));
    for (let j = 1; j < a.dims.length; j++) {
      assert.ok(a.dims[j]!.wavelength > a.dims[j - 1]!.wavelength, `${JSON.stringify(params)} j=${j}`);
    }
  }), { numRuns: 300 });
});

test('yarn and llama3: kept dims come first, then blended, then interpolated; weights rise', () => {
  const order = { kept: 0, blended: 1, interpolated: 2 } as Record<string, number>;
  fc.assert(fc.property(shape, method, (s, params) => {
    const t = (params as { rope_type?: string }).rope_type;
    fc.pre(t === 'yarn' || t === 'llama3');
    const a = analyzeRope(input(s, params));
    for (let j = 1; j < a.dims.length; j++) {
      assert.ok(order[a.dims[j]!.status]! >= order[a.dims[j - 1]!.status]!);
      assert.ok(a.dims[j]!.weight! >= a.dims[j - 1]!.weight!);
    }
  }));
});

test('static NTK with factor 1 and proportional with factor 1 / prf 1 equal default', () => {
  fc.assert(fc.property(shape, (s) => {
    const def = computeRope(input(s, {}));
    assert.deepEqual(computeRope(input(s, { rope_type: 'ntk', factor: 1 })).invFreq, def.invFreq);
    const v5 = { ...s, version: '5.15.0' };
    const prop = computeRope(input(v5, { rope_type: 'proportional', rope_theta: s.base, partial_rotary_factor: 1.0 }));
    assert.ok(close(prop.invFreq, def.invFreq));
  }));
});
