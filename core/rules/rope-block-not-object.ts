import type { Finding, Rule } from './types';
import { jsonData } from '../parse/json';
import { jsonWriter } from '../fixes/json-writer';
import { fix, make, tv } from './util';
import { formatValue } from '../format';

const ROPE_KEYS = ['rope_scaling', 'rope_parameters'] as const;

export const rule: Rule = {
  id: 'rope-block-not-object',
  defaultSeverity: 'error',
  dialects: ['json'],
  docs: {
    summary: '`rope_scaling` / `rope_parameters` holds a string, number or list instead of an object (or null).',
    why: 'The config loads as JSON but the model does not: transformers calls `.get(...)` on the value while reading the config, so loading fails before any weight is read. A bare string such as `"rope_scaling": "linear"` is LLaMA-Factory\'s command-line syntax, not a config value.',
    frameworks: "transformers 4.x: `rope_config_validation` does `rope_scaling.get(\"rope_type\", ...)` → `AttributeError: 'str' object has no attribute 'get'` (a number fails earlier with `TypeError: argument of type 'int' is not iterable`). transformers 5.x: `standardize_rope_params` fails the same way. vLLM reads the config through transformers.",
    fix: 'Write the block as an object, e.g. `{"rope_type": "linear", "factor": 2.0}`, or remove the key (or set it to null) for plain RoPE.',
  },
  checkDocument(ctx) {
    const data = jsonData(ctx.doc);
    if (!data) return [];
    const out: Finding[] = [];
    for (const config of data.configs) {
      for (const key of ROPE_KEYS) {
        const node = config.members.get(key)?.children?.[1];
        if (!node || node.type === 'object' || node.type === 'null') continue;
        const what = node.type === 'array' ? 'a list' : `the ${node.type} ${formatValue(node.value)}`;
        const edits = ctx.fixes ? jsonWriter.removeAt(ctx.doc, config.path, key) : [];
        out.push(make(this, undefined, { offset: node.offset, length: node.length },
          `"${key}" is ${what}, not an object: ${tv(ctx)} fails to load this config (it calls .get() on the value).`,
          'error', [fix(`Remove "${key}" (plain RoPE)`, edits)]));
      }
    }
    return out;
  },
};
