// Dialect analysis time: a 5,000-line Python script and a 1 MB YAML file (parse + all rules).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initDialects } from '../../core/dialects';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import type { BenchRow } from './run';

const ROOT = join(__dirname, '..', '..');

function pythonSource(lines: number): string {
  const out: string[] = ['from transformers import AutoConfig, AutoModelForCausalLM', 'MODEL = "Qwen/Qwen2.5-7B-Instruct"'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`def step_${i}(cfg, x):`, `    y = [v * ${i} for v in x if v > ${i % 7}]`, '    return sum(y) / max(len(y), 1)', '');
    if (i % 50 === 0) {
      out.push(`cfg_${i} = AutoConfig.from_pretrained(MODEL)`, `cfg_${i}.rope_scaling = {"rope_type": "yarn", "factor": ${(i % 4) + 2}, "original_max_position_embeddings": 32768}`);
      out.push(`kind_${i} = cfg_${i}.rope_scaling["type"]`);
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function yamlSource(bytes: number): string {
  const out: string[] = ['base_model: Qwen/Qwen2.5-7B-Instruct', 'sequence_len: 131072', 'rope_scaling:', '  type: yarn', '  factor: 4', '  original_max_position_embeddings: 32768', 'datasets:'];
  let size = out.join('\n').length;
  for (let i = 0; size < bytes; i++) {
    const item = `  - path: data/shard-${i}.jsonl\n    type: chat_template\n    field_messages: messages\n    roles_to_train: ["assistant"]\n    weight: ${(i % 10) / 10}`;
    out.push(item);
    size += item.length + 1;
  }
  return out.join('\n') + '\n';
}

function time(fn: () => void, runs: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t0) / runs;
}

export async function run(): Promise<BenchRow[]> {
  await initDialects({
    runtimeWasm: readFileSync(join(ROOT, 'node_modules/web-tree-sitter/web-tree-sitter.wasm')),
    grammarWasm: readFileSync(join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm')),
  });
  const py = pythonSource(5000);
  const yaml = yamlSource(1024 * 1024);
  const pyBlocks = parseDocument('file:///bench.py', py).blocks.length;
  const yamlFindings = checkDocument(parseDocument('file:///bench.yaml', yaml)).length;
  return [
    { name: 'python 5,000 lines: parse + check', value: time(() => checkDocument(parseDocument('file:///bench.py', py)), 5), unit: 'ms', note: `${(py.length / 1024).toFixed(0)} KB, ${pyBlocks} blocks` },
    { name: 'yaml 1 MB: parse + check', value: time(() => checkDocument(parseDocument('file:///bench.yaml', yaml)), 3), unit: 'ms', note: `${yamlFindings} findings` },
  ];
}

export default run;
