// The whole decision table (every ratio band × fine-tune × engine): the advisor applied to real files in every dialect
// recommends what README's generated table says, and the block it writes passes RoPE Lens's own check with no error.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseFor } from '../../core/advisor/apply';
import { ENGINE_IDS, ENGINES } from '../../core/advisor/engines';
import { RATIO_BANDS } from '../../core/advisor/matrix';
import { methodLabel } from '../../core/advisor/recommend';
import { advisorTableBlock, sampleTarget, withAdvisorTable } from '../../core/advisor/table';
import { checkDocument } from '../../core/check';
import { applyEdits } from '../../core/edits';
import type { Engine } from '../../core/model';
import { parseDocument } from '../../core/parse/index';
import { ROOT, setupDialects } from './dialect-setup';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

before(setupDialects);

/** README's table as cells: "band label|yes/no|engine label" → method label. */
function readmeCells(): Map<string, string> {
  const cells = new Map<string, string>();
  const lines = README.split('\n').filter((l) => l.startsWith('| '));
  const head = lines.find((l) => l.startsWith('| target / trained context'));
  assert.ok(head, 'README has the decision table');
  const engines = head.split('|').slice(3, -1).map((s) => s.trim());
  for (const l of lines) {
    const cols = l.split('|').slice(1, -1).map((s) => s.trim());
    if (!RATIO_BANDS.some((b) => b.label === cols[0])) continue;
    engines.forEach((e, i) => cells.set(`${cols[0]}|${cols[1]}|${e}`, cols[i + 2]!));
  }
  return cells;
}

test('README decision table is generated from core/advisor/table.ts and up to date (npm run docs)', () => {
  assert.equal(withAdvisorTable(README), README);
  assert.ok(README.includes(advisorTableBlock()));
  assert.equal(readmeCells().size, RATIO_BANDS.length * 2 * ENGINE_IDS.length);
});

const CONFIG_V4 = `{
  "architectures": ["Qwen2ForCausalLM"],
  "model_type": "qwen2",
  "hidden_size": 2048,
  "num_attention_heads": 16,
  "num_key_value_heads": 2,
  "max_position_embeddings": 32768,
  "rope_theta": 1000000.0,
  "transformers_version": "4.57.0"
}
`;
// The same model in the transformers 5 convention (rope_theta inside rope_parameters).
const CONFIG_V5 = CONFIG_V4.replace('"rope_theta": 1000000.0', '"rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0}').replace('4.57.0', '5.1.0');
const PYTHON = `from transformers import AutoConfig, AutoModelForCausalLM

config = AutoConfig.from_pretrained("Qwen/Qwen2.5-7B-Instruct")
config.rope_scaling = {"rope_type": "linear", "factor": 1.0}
model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-7B-Instruct", config=config)
`;
const YAML = `base_model: Qwen/Qwen2.5-7B-Instruct
sequence_len: 32768
rope_scaling:
  rope_type: linear
  factor: 1.0
max_position_embeddings: 32768
`;
const SHELL: Partial<Record<Engine, string>> = {
  // No rope block yet (the advisor adds it as the engine's flags); the context flag makes the file one RoPE Lens reads.
  vllm: 'vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 32768 --port 8000\n',
  sglang: 'python -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct --context-length 32768 --port 30000\n',
  'llama.cpp': './llama-server -hf Qwen/Qwen2.5-7B-Instruct --ctx-size 32768 --port 8080\n',
  // A flag group already there: the advisor rewrites it.
  tgi: 'text-generation-launcher --model-id Qwen/Qwen2.5-7B-Instruct --rope-scaling linear --rope-factor 1.0 --port 8080\n',
};

interface Sample {
  name: string;
  uri: string;
  text: string;
  /** Engines this file can be served by (a command line is served by its own). */
  engines: readonly Engine[];
}

const SAMPLES: Sample[] = [
  { name: 'JSON v4', uri: 'file:///m/v4/config.json', text: CONFIG_V4, engines: ENGINE_IDS },
  { name: 'JSON v5', uri: 'file:///m/v5/config.json', text: CONFIG_V5, engines: ENGINE_IDS },
  { name: 'Python', uri: 'file:///m/train.py', text: PYTHON, engines: ENGINE_IDS },
  { name: 'YAML', uri: 'file:///m/axolotl.yaml', text: YAML, engines: ENGINE_IDS },
  ...Object.entries(SHELL).map(([e, text]) => ({ name: `shell ${e}`, uri: `file:///m/serve-${e.replace('.', '')}.sh`, text: text!, engines: [e as Engine] })),
];

const ORIGINAL = 32768;

test('every band × fine-tune × engine: the documented method, written in the file\'s dialect, checks clean', () => {
  const cells = readmeCells();
  let checked = 0;
  for (const s of SAMPLES) {
    const doc = parseDocument(s.uri, s.text);
    assert.ok(doc.relevant, `${s.name} is analysed`);
    assert.deepEqual(checkDocument(doc).filter((f) => f.severity === 'error').map((f) => f.message), [], `${s.name} starts clean`);
    RATIO_BANDS.forEach((band, bi) => {
      for (const finetune of [false, true]) {
        for (const engine of s.engines) {
          const target = sampleTarget(ORIGINAL, bi);
          const where = `${s.name}, ${band.label}, fine-tune ${finetune}, ${engine}`;
          const res = adviseFor(doc, doc.blocks[0], { target, finetune, engine });
          assert.ok(res.ok, `${where}: ${res.ok ? '' : res.error}`);
          assert.equal(res.original, ORIGINAL, where);
          assert.equal(res.engine, engine, where);
          assert.equal(methodLabel(res.advice.method), cells.get(`${band.label}|${finetune ? 'yes' : 'no'}|${ENGINES[engine].label}`), where);
          const after = parseDocument(s.uri, applyEdits(s.text, res.edits));
          const errors = checkDocument(after).filter((f) => f.severity === 'error');
          assert.deepEqual(errors.map((f) => `${f.ruleId}: ${f.message}`), [], `${where}\n${res.preview}`);
          if (res.advice.method === 'none') {
            assert.equal(res.edits.length, 0, `${where}: plain RoPE writes nothing`);
            continue;
          }
          // The written block is the advised one.
          const block = after.blocks.find((b) => (b.params['rope_type'] ?? b.params['type']) === res.advice.method);
          assert.ok(block, `${where}: a ${res.advice.method} block is written\n${res.preview}`);
          assert.ok(Math.abs(Number(block.params['factor']) - target / ORIGINAL) < 1e-9, `${where}: factor`);
          // TGI's launcher has no flag for it: it reads original_max_position_embeddings from config.json.
          if (res.advice.method === 'yarn' && engine !== 'tgi') assert.equal(block.params['original_max_position_embeddings'], ORIGINAL, where);
          checked++;
        }
      }
    });
  }
  assert.ok(checked > 150, `checked ${checked} writes`);
});
