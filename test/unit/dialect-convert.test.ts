import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { convertAll, convertBlock } from '../../core/convert';
import { computeRope } from '../../core/rope/index';
import { contextNumbers } from '../../core/rope/dim';
import { parseShell } from '../../core/parse/shell';
import type { RopeBlock } from '../../core/model';
import { analyse, setupDialects } from './dialect-setup';

before(setupDialects);

const CONFIG = (block: string): string =>
  `{"model_type": "qwen2", "max_position_embeddings": 32768, "hidden_size": 3584, "num_attention_heads": 28, "rope_theta": 1000000.0, "rope_scaling": ${block}}`;

function rope(b: RopeBlock, facts = contextNumbers(b), version = '5.15.0') {
  return computeRope({ params: b.params, facts, transformersVersion: version });
}

function close(a: number[], b: number[]): void {
  assert.ok(a.length > 0 && a.every(Number.isFinite), "real frequencies");
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-12 * Math.max(1, Math.abs(x)), `inv_freq[${i}] ${x} vs ${b[i]}`));
}

const BLOCKS = [
  '{"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}',
  '{"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "beta_fast": 16.0, "beta_slow": 2.0}',
  '{"rope_type": "linear", "factor": 2.0}',
  '{"type": "dynamic", "factor": 3.0}',
];

test('config → vLLM / SGLang flags → parse → same rope numbers', () => {
  for (const block of BLOCKS) {
    const src = analyse('file:///m/config.json', CONFIG(block)).doc.blocks[0]!;
    const ref = rope(src);
    for (const target of ['vllm', 'sglang'] as const) {
      const conv = convertBlock(src, target);
      assert.ok(conv.exact);
      const cmd = target === 'vllm' ? `vllm serve m ${conv.text}\n` : `python -m sglang.launch_server --model-path m ${conv.text}\n`;
      const back = parseShell('file:///r.sh', cmd).blocks[0]!;
      assert.equal(back.engine, target);
      close(rope(back, contextNumbers(src)).invFreq, ref.invFreq);
      assert.equal(rope(back, contextNumbers(src)).attentionFactor, ref.attentionFactor);
    }
  }
});

test('config → llama.cpp flags → parse → same rope numbers (linear, yarn); -c and --rope-freq-scale = 1/factor', () => {
  for (const block of [BLOCKS[0]!, BLOCKS[1]!, BLOCKS[2]!]) {
    const src = analyse('file:///m/config.json', CONFIG(block)).doc.blocks[0]!;
    const conv = convertBlock(src, 'llama.cpp');
    const back = parseShell('file:///r.sh', `llama-server -m m.gguf ${conv.text}\n`).blocks[0]!;
    close(rope(back, contextNumbers(src)).invFreq, rope(src).invFreq);
    const f = src.params['factor'] as number;
    const omp = src.params['original_max_position_embeddings'] as number | undefined;
    assert.ok(conv.text.includes(`-c ${(omp ?? 32768) * f}`), conv.text);
    // The inverse spelling parses to the same factor.
    const inv = parseShell('file:///r.sh', `llama-server ${conv.text.replace(`--rope-scale ${f}`, `--rope-freq-scale ${1 / f}`)}\n`).blocks[0]!;
    assert.equal(inv.params['factor'], f);
  }
  const dyn = analyse('file:///m/config.json', CONFIG(BLOCKS[3]!)).doc.blocks[0]!;
  assert.equal(convertBlock(dyn, 'llama.cpp').exact, false);
});

test('transformers v4 ↔ v5 and TGI conversions', () => {
  const src = analyse('file:///m/config.json', CONFIG(BLOCKS[3]!)).doc.blocks[0]!;
  const all = convertAll(src);
  assert.deepEqual(all.map((c) => c.target), ['transformers-v4', 'transformers-v5', 'vllm', 'sglang', 'llama.cpp', 'tgi']);
  const v5 = all[1]!.text;
  assert.equal(v5, '"rope_parameters": {"rope_type": "dynamic", "factor": 3.0, "rope_theta": 1000000.0}');
  const back = analyse('file:///m/config.json', `{"model_type": "qwen2", "max_position_embeddings": 32768, "hidden_size": 3584, "num_attention_heads": 28, ${v5}}`).doc.blocks[0]!;
  close(rope(back, contextNumbers(back)).invFreq, rope(src).invFreq);
  assert.equal(all[5]!.text, '--rope-scaling dynamic --rope-factor 3');
  const tgi = parseShell('file:///t.sh', `text-generation-launcher ${all[5]!.text}\n`).blocks[0]!;
  assert.deepEqual(tgi.params, { rope_type: 'dynamic', factor: 3 });
});
