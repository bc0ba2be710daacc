// Large inputs for the size benchmark and the fuzz run: one realistic document per dialect, grown to a byte size
// by repeating ordinary content around one rope block, plus the vLLM script of the reliability issue (every line
// a `vllm serve … --rope-scaling '{…}' --max-model-len …` command).

export type BigKind = 'json' | 'python' | 'yaml' | 'shell' | 'dockerfile' | 'makefile' | 'vllm-script';

export const BIG_KINDS: readonly BigKind[] = ['json', 'python', 'yaml', 'shell', 'dockerfile', 'makefile'];

export const BIG_URIS: Record<BigKind, string> = {
  json: 'file:///bench/config.json',
  python: 'file:///bench/train.py',
  yaml: 'file:///bench/recipe.yaml',
  shell: 'file:///bench/serve.sh',
  dockerfile: 'file:///bench/Dockerfile',
  makefile: 'file:///bench/Makefile',
  'vllm-script': 'file:///bench/vllm-many.sh',
};

/** Joins generated lines until the text reaches `bytes`. */
function grow(head: string[], unit: (i: number) => string, bytes: number, tail: string[] = []): string {
  const out = [...head];
  let size = head.join('\n').length + tail.join('\n').length;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    out.push(u);
    size += u.length + 1;
  }
  return [...out, ...tail].join('\n') + '\n';
}

export function bigInput(kind: BigKind, bytes: number): string {
  switch (kind) {
    case 'json': {
      // A config with a block up front and a long tokenizer-like table after it.
      const head = '{\n  "model_type": "qwen2",\n  "max_position_embeddings": 32768,\n  "rope_scaling": {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768},\n  "vocab": {';
      const parts: string[] = [head];
      let size = head.length;
      for (let i = 0; size < bytes; i++) {
        const p = `${i ? ',' : ''}\n    "tok_${i}_${(i * 2654435761) % 99991}": ${i}`;
        parts.push(p);
        size += p.length;
      }
      parts.push('\n  }\n}\n');
      return parts.join('');
    }
    case 'python':
      return grow(['from transformers import AutoConfig, AutoModelForCausalLM', 'MODEL = "Qwen/Qwen2.5-7B-Instruct"'], (i) => {
        const fn = `def step_${i}(cfg, x):\n    y = [v * ${i} for v in x if v > ${i % 7}]\n    return sum(y) / max(len(y), 1)\n`;
        return i % 50 === 0
          ? `${fn}cfg_${i} = AutoConfig.from_pretrained(MODEL)\ncfg_${i}.rope_scaling = {"rope_type": "yarn", "factor": ${(i % 4) + 2}, "original_max_position_embeddings": 32768}\nkind_${i} = cfg_${i}.rope_scaling["type"]`
          : fn;
      }, bytes);
    case 'yaml':
      return grow(['base_model: Qwen/Qwen2.5-7B-Instruct', 'sequence_len: 131072', 'rope_scaling:', '  type: yarn', '  factor: 4', '  original_max_position_embeddings: 32768', 'datasets:'],
        (i) => `  - path: data/shard-${i}.jsonl\n    type: chat_template\n    field_messages: messages\n    roles_to_train: ["assistant"]\n    weight: ${(i % 10) / 10}`, bytes);
    case 'shell':
      return grow(['#!/usr/bin/env bash', 'set -euo pipefail', 'MODEL=Qwen/Qwen2.5-7B-Instruct',
        `vllm serve "$MODEL" --rope-scaling '{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}' --max-model-len 131072`],
      (i) => `for f in data/part-${i}-*.jsonl; do python prep.py --input "$f" --out "out/${i}" --shard ${i} | tee -a log.txt; done`, bytes);
    case 'dockerfile':
      return grow(['FROM vllm/vllm-openai:v0.6.3', 'ENV VLLM_WORKER_MULTIPROC_METHOD=spawn'],
        (i) => `RUN pip install --no-cache-dir package-${i}==1.${i % 10}.0 && echo "layer ${i}" > /tmp/layer-${i}.txt`, bytes,
        ['ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]',
          'CMD ["--model", "Qwen/Qwen2.5-7B-Instruct", "--hf-overrides", "{\\"rope_scaling\\": {\\"rope_type\\": \\"yarn\\", \\"factor\\": 4.0, \\"original_max_position_embeddings\\": 32768}}", "--max-model-len", "131072"]']);
    case 'makefile':
      return grow(['MODEL ?= models/llama-3.1-8b-instruct-q4_k_m.gguf', 'PORT ?= 8080', '', 'serve-long:',
        '\tllama-server -m $(MODEL) --port $(PORT) --rope-scaling yarn --rope-scale 8 --yarn-orig-ctx 8192 -c 65536', ''],
      (i) => `VAR_${i} := $(MODEL)-${i}\ntarget-${i}: dep-${i}\n\t$(CC) -o out/${i} src/${i}.c $(VAR_${i}) && echo done-${i}\n`, bytes);
    case 'vllm-script':
      return grow(['#!/usr/bin/env bash'], (i) =>
        `vllm serve Qwen/Qwen2.5-7B-Instruct --port ${8000 + (i % 1000)} --rope-scaling '{"rope_type":"yarn","factor":${(i % 4) + 2}.0,"original_max_position_embeddings":32768}' --max-model-len ${32768 * ((i % 4) + 2)}`, bytes);
  }
}
