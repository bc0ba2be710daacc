// vLLM / SGLang: a serving length above what the engine derives from the config and the rope block
// (user-pain 7: "User-specified max_model_len (X) is greater than the derived max_model_len").
import type { Finding, Rule } from './types';
import type { RopeBlock } from '../model';
import { computeRope } from '../rope/index';
import { vllmDerivedMaxLen } from '../rope/analysis';
import { contextNumbers } from '../rope/dim';
import { knownModel, knownModelContext } from '../known-models';
import { commandBlocks, shellData, type FlagOcc, type ShellCommand } from '../parse/shell';
import { rewriteWord } from '../fixes/dialect-json';
import { fix, make } from './util';

const LEN_FLAG: Record<string, string> = { vllm: '--max-model-len', sglang: '--context-length' };
const ALLOW_ENV: Record<string, string> = { vllm: 'VLLM_ALLOW_LONG_MAX_MODEL_LEN', sglang: 'SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN' };

/** What vLLM derives: max_position_embeddings × factor (yarn: original × factor; llama3/longrope: unchanged). */
export function derivedMaxLen(block: Pick<RopeBlock, 'params' | 'context'> | undefined, context: RopeBlock['context']): number | undefined {
  const facts = contextNumbers({ context });
  if (!block) return facts.maxPositionEmbeddings;
  try {
    const r = computeRope({ params: block.params, facts });
    return vllmDerivedMaxLen(r, block.params, facts) ?? undefined;
  } catch {
    return undefined;
  }
}

function lenFlag(cmd: ShellCommand): FlagOcc | undefined {
  return [...cmd.flags].reverse().find((f) => f.name === LEN_FLAG[cmd.engine]);
}

export const rule: Rule = {
  id: 'max-model-len-above-derived',
  defaultSeverity: 'error',
  dialects: ['shell', 'yaml'],
  docs: {
    summary: '`--max-model-len` (vLLM) / `--context-length` (SGLang) is above the length the engine derives from the model config and rope block.',
    why: 'vLLM refuses to start: "User-specified max_model_len (X) is greater than the derived max_model_len ...". Setting VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 only turns that into a warning, and positions past the rope cache give garbage or device-side asserts.',
    frameworks: 'vLLM `_get_and_verify_max_len`: max_position_embeddings, × factor for rope types other than llama3/longrope/su; YaRN multiplies original_max_position_embeddings. SGLang uses the same rule (override: SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1).',
    fix: 'Add a rope block whose factor covers the length (e.g. YaRN with factor = ceil(length / original)), or lower the length to the derived maximum.',
  },
  checkDocument(ctx) {
    const data = shellData(ctx.doc);
    if (!data) return [];
    const out: Finding[] = [];
    for (const cmd of data.commands) {
      if (cmd.engine !== 'vllm' && cmd.engine !== 'sglang') continue;
      const flag = lenFlag(cmd);
      const want = flag?.value ? Number(/^\d+$/.test(flag.value.text) ? flag.value.text : NaN) : NaN;
      const block = commandBlocks(ctx.doc, cmd)[0];
      let context = block?.context;
      if (!context) {
        const id = cmd.modelId ?? [...cmd.flags].reverse().find((f) => f.name === '--model' || f.name === '--model-path')?.value?.text;
        const km = id ? knownModel(id) : undefined;
        context = km && id ? knownModelContext(km, id) : {};
      }
      const derived = derivedMaxLen(block, context);
      if (!flag?.value || !Number.isFinite(want) || derived === undefined || want <= derived) continue;
      const allowed = cmd.env[ALLOW_ENV[cmd.engine]!]?.text === '1';
      const omp = typeof block?.params['original_max_position_embeddings'] === 'number' ? (block.params['original_max_position_embeddings'] as number) : context.maxPositionEmbeddings?.value;
      const fixes = [fix(`Lower ${flag.name} to the derived ${derived}`, rewriteWord(flag.value, String(derived)), !block)];
      if (block && typeof omp === 'number' && omp > 0 && (block.params['rope_type'] ?? block.params['type']) === 'yarn') {
        const factor = Math.ceil(want / omp);
        fixes.unshift(fix(`Raise the YaRN factor to ${factor}.0 (${omp} × ${factor} ≥ ${want})`, ctx.writer.setField(ctx.doc, block, 'factor', factor), true));
      }
      out.push(make(this, block, flag.value.span,
        `${flag.name} ${want} is above the ${cmd.engine === 'vllm' ? 'vLLM' : 'SGLang'} derived maximum ${derived}${block ? ' (from the rope block)' : ' (max_position_embeddings, no rope scaling)'}: ${allowed ? `${ALLOW_ENV[cmd.engine]}=1 turns the refusal into a warning, but positions past ${derived} are outside the trained/scaled range` : `the engine refuses to start ("User-specified max_model_len (${want}) is greater than the derived max_model_len")`}.`,
        allowed ? 'warning' : 'error', fixes));
    }
    return out;
  },
};
