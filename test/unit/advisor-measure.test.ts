// Measured numbers for the advice on the shipped mini-model (small sample sizes): the top two methods at the same
// stretch, the engine's own form of "dynamic", the reason sentence, cancellation and the CLI's --measure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { fileIO } from './cli-io';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import { describeMeasurement, MEASURE_MAX_LENGTH, measureAdvice, nothingToMeasure, withMeasurement } from '../../core/advisor/measure';
import { recommend } from '../../core/advisor/recommend';
import { PreviewEngine } from '../../core/preview/engine';
import { isPreviewError } from '../../core/preview/types';

let engine: PreviewEngine;
const SMALL = { needles: 1, evalBytes: 1024 };

before(async () => {
  engine = new PreviewEngine(await nodeWasmRuntime(1), loadPreviewAssets());
});

after(async () => {
  await engine.dispose();
});

test('4× zero-shot on transformers: dynamic NTK and YaRN measured at 4 × L0, numbers in the reason', async () => {
  const advice = recommend({ originalContext: 32768, target: 131072, finetune: false, engine: 'transformers' });
  const progress: number[] = [];
  const m = await measureAdvice(engine, advice, 'transformers', { ...SMALL, onProgress: (p) => progress.push(p.done) });
  assert.equal(m.length, 4 * engine.mini.originalLength);
  assert.equal(m.stretch, 4);
  assert.equal(m.capped, false);
  assert.deepEqual(m.candidates.map((c) => [c.method, c.previewMethod]), [['dynamic', 'dynamic'], ['yarn', 'yarn']]);
  for (const c of m.candidates) {
    assert.ok(Number.isFinite(c.perplexity) && c.perplexity! >= 1, `${c.method} perplexity ${c.perplexity}`);
    assert.ok(c.needleAccuracy !== undefined && c.needleAccuracy >= 0 && c.needleAccuracy <= 1);
  }
  // Different rotary tables at 4×: the two numbers come from different passes.
  assert.notEqual(m.candidates[0]!.perplexity, m.candidates[1]!.perplexity);
  assert.ok(progress.length >= 2, 'progress per cell');
  const sentence = describeMeasurement(m);
  assert.match(sentence, /^Measured zero-shot on the bundled mini-model at 4× its trained length \(512 tokens\): dynamic NTK perplexity \d+\.\d\d \(95% [\d.]+–[\d.]+\), needles \d+\/\d+ \(95% \d+–\d+%\); YaRN perplexity \d+\.\d\d/);
  const a = withMeasurement(advice, m);
  assert.ok(a.reason.startsWith(advice.reason) && a.reason.endsWith(sentence));
});

test('vLLM freezes "dynamic": the runner-up is measured as static NTK; long stretches are capped', async () => {
  const advice = recommend({ originalContext: 4096, target: 4096 * 128, finetune: false, engine: 'vllm' });
  assert.equal(advice.method, 'yarn');
  assert.equal(advice.runnerUp, 'dynamic');
  const m = await measureAdvice(engine, advice, 'vllm', { ...SMALL, evalBytes: MEASURE_MAX_LENGTH });
  assert.equal(m.length, MEASURE_MAX_LENGTH);
  assert.equal(m.capped, true);
  assert.deepEqual(m.candidates.map((c) => c.previewMethod), ['yarn', 'ntk']);
  assert.match(describeMeasurement(m), /the most it can run/);
});

test('inside the trained length there is nothing to measure; a cancelled run stops with "cancelled"', async () => {
  assert.match(nothingToMeasure(recommend({ originalContext: 8192, target: 4096, finetune: false, engine: 'transformers' })) ?? '', /nothing to measure/);
  const advice = recommend({ originalContext: 8192, target: 8192 * 8, finetune: true, engine: 'transformers' });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(measureAdvice(engine, advice, 'transformers', { ...SMALL, signal: ac.signal }), (e) => isPreviewError(e) && e.code === 'cancelled');
});

test('ropelens suggest --measure prints the measured sentence; bad options exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-advise-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{\n  "model_type": "llama",\n  "max_position_embeddings": 8192,\n  "rope_theta": 500000.0\n}\n');
  const io = fileIO(dir);
  assert.equal(await main(['suggest', '--target', '16k', '--measure', '--budget', '1', file], io), 0, io.err);
  assert.match(io.out, /^Recommended: dynamic NTK \(runner-up: YaRN\)/);
  assert.match(io.out, /Measured zero-shot on the bundled mini-model at 2× its trained length \(256 tokens\): dynamic NTK perplexity [\d.]+.*; YaRN perplexity [\d.]+/);
  // Will fine-tune: --measure does not quote zero-shot numbers; the fine-tuned checkpoints are quoted, and said so.
  io.out = '';
  io.err = '';
  assert.equal(await main(['suggest', '--target', '16k', '--finetune', '--measure', '--budget', '1', file], io), 0, io.err);
  const out = io.out;
  assert.match(out, /^Recommended: YaRN \(runner-up: linear Position Interpolation\)/);
  assert.match(out, /Measured after \d+ fine-tuning steps at 4× the mini-model's trained length \(512 tokens\), one checkpoint per method: YaRN perplexity [\d.]+.*; linear Position Interpolation perplexity [\d.]+/);
  assert.doesNotMatch(out, /zero-shot/);
  assert.match(io.err, /with --finetune the fine-tuned checkpoints' measurements are quoted instead/);
  assert.match(out, /^\+\s+"rope_type": "yarn",$/m);
  for (const argv of [['suggest', '--target', '16k', '--engine', 'ollama', file], ['suggest', '--target', '16k', '--steps', '0', file], ['suggest', '--target', '16k', '--method', 'yarn', '--finetune', file]]) {
    io.err = '';
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.equal(io.err.trim().split('\n').length, 1, io.err);
  }
});
