// The onnx engine (host/engines/onnx.ts) through the generic sweep gives the mini-model preview's own perplexities
// (same chunks, same tables: core/preview/engine.ts), and faults are one clear BackendError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runRealPreview } from '../../host/engines/index';
import { createOnnxBackend } from '../../host/engines/onnx';
import { BackendError } from '../../core/preview/sweep/backend';
import { PreviewEngine } from '../../core/preview/engine';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import type { PreviewCell } from '../../core/preview/types';

const dir = join(__dirname, '..', '..', 'media', 'model');
const mini = join(dir, 'ropelens-mini.onnx');

test('onnx engine: perplexity per cell equals the mini-model preview (none, linear, ntk, yarn at 1x and 2x)', async () => {
  const methods = ['none', 'linear', 'ntk', 'yarn'] as const;
  const cells: PreviewCell[] = [];
  const real = await runRealPreview({ engine: 'onnx', model: mini, methods: [...methods], lengths: ['1x', '2x'], probes: ['ppl'], evalTokens: 512 }, { onCell: (c) => cells.push(c) });
  assert.equal(real.engine, 'onnx');
  assert.equal(cells.length, 8);
  const engine = new PreviewEngine(await nodeWasmRuntime(1), loadPreviewAssets(dir));
  try {
    const ref = await engine.run({ methods: [...methods], lengths: ['1x', '2x'], probes: ['ppl'], evalBytes: 512 });
    for (const c of real.results) {
      const r = ref.results.find((x) => x.method === c.method && x.length === c.length)!;
      assert.ok(Math.abs(c.perplexity! / r.perplexity! - 1) < 1e-6, `${c.method}@${c.length}: ${c.perplexity} vs ${r.perplexity}`);
      assert.equal(c.evalChunks, r.evalChunks);
    }
    // The methods differ past L0 (the comparison is not vacuous).
    const at2 = real.results.filter((c) => c.length === 256).map((c) => c.perplexity!);
    assert.ok(Math.max(...at2) / Math.min(...at2) > 1.01, at2.join(' '));
  } finally {
    await engine.dispose();
  }
});

test('onnx engine: needles are scored on prompts of exactly L tokens; outcomes are pairable by id', async () => {
  const r = await runRealPreview({ engine: 'onnx', model: mini, methods: ['none', 'yarn'], lengths: ['1x', '2x'], probes: ['needle'], needles: 4 });
  for (const c of r.results) {
    assert.equal(c.needleCounts?.total, 4);
    assert.equal(c.needleOutcomes?.length, 4);
    assert.ok(c.needleCharAccuracy! >= c.needleAccuracy!);
  }
  const ids = (c: PreviewCell): string[] => c.needleOutcomes!.map((o) => o.id);
  assert.deepEqual(ids(r.results[0]!), ids(r.results[3]!));
  // At L0 the unscaled model retrieves most keys (the model card's 1×L0 figure is near 100%).
  assert.ok(r.results[0]!.needleCounts!.correct >= 3, JSON.stringify(r.results[0]!.needleCounts));
});

test('onnx engine: a missing file and a non-ONNX file are one clear line each', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ropelens-onnx-'));
  try {
    await assert.rejects(createOnnxBackend({ model: join(tmp, 'nope.onnx') }), (e: unknown) => e instanceof BackendError && e.code === 'model-unreadable' && /ENOENT/.test(e.message));
    writeFileSync(join(tmp, 'junk.onnx'), 'not a model');
    await assert.rejects(createOnnxBackend({ model: join(tmp, 'junk.onnx') }), (e: unknown) => e instanceof BackendError && e.code === 'model-unreadable' && !e.message.includes('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
