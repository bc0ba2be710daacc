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

/**
 * What SGLang derives (ledger: sglang.context-length): max_position_embeddings, × factor only when the block has no
 * original_max_position_embeddings and is not llama3 — unlike vLLM, a YaRN block with an original length does not
 * raise it.
 */
export function sglangDerivedLen(block: Pick<RopeBlock, 'params'> | undefined, context: RopeBlock['context']): number | undefined {
  const mpe = contextNumbers({ context }).maxPositionEmbeddings;
  if (mpe === undefined || !block) return mpe;
  const p = block.params;
  const factor = typeof p['factor'] === 'number' ? (p['factor'] as number) : 1;
  if ('original_max_position_embeddings' in p || (p['rope_type'] ?? p['type']) === 'llama3') return mpe;
  return Math.floor(mpe * factor);
}

/** SGLang's override replaces top-level keys (ledger: sglang.override-replaces): a max_position_embeddings in it wins. */
function withOverrideMpe(cmd: ShellCommand, context: RopeBlock['context']): RopeBlock['context'] {
  const o = [...cmd.flags].reverse().find((f) => f.name === '--json-model-override-args');
  if (!o?.value) return context;
  try {
    const v = (JSON.parse(o.value.text) as Record<string, unknown>)['max_position_embeddings'];
    return typeof v === 'number' ? { ...context, maxPositionEmbeddings: { value: v, source: 'flag' } } : context;
  } catch {
    return context;
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
    why: 'vLLM refuses to start: "User-specified max_model_len (X) is greater than the derived max_model_len ..." (SGLang: "User-specified context_length (X) is greater than the derived context_length"). Setting VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 / SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1 only turns that into a warning, and positions past the rope cache give garbage or device-side asserts.',
    frameworks: 'vLLM `_get_and_verify_max_len`: max_position_embeddings, × factor for rope types other than llama3/longrope/su; YaRN multiplies original_max_position_embeddings. SGLang `get_context_length` differs: × factor only when the block has no original_max_position_embeddings and is not llama3, so a YaRN block with an original length leaves the context at max_position_embeddings (override: SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1, or raise max_position_embeddings in the override).',
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
      const derived = cmd.engine === 'sglang' ? sglangDerivedLen(block, withOverrideMpe(cmd, context)) : derivedMaxLen(block, context);
      if (!flag?.value || !Number.isFinite(want) || derived === undefined || want <= derived) continue;
      const allowed = cmd.env[ALLOW_ENV[cmd.engine]!]?.text === '1';
      const omp = typeof block?.params['original_max_position_embeddings'] === 'number' ? (block.params['original_max_position_embeddings'] as number) : context.maxPositionEmbeddings?.value;
      const fixes = [fix(`Lower ${flag.name} to the derived ${derived}`, rewriteWord(flag.value, String(derived)), !block)];
      if (cmd.engine === 'vllm' && block && typeof omp === 'number' && omp > 0 && (block.params['rope_type'] ?? block.params['type']) === 'yarn') {
        const factor = Math.ceil(want / omp);
        fixes.unshift(fix(`Raise the YaRN factor to ${factor}.0 (${omp} × ${factor} ≥ ${want})`, ctx.writer.setField(ctx.doc, block, 'factor', factor), true));
      }
      out.push(make(this, block, flag.value.span,
        `${flag.name} ${want} is above the ${cmd.engine === 'vllm' ? 'vLLM' : 'SGLang'} derived maximum ${derived}${block ? ' (from the rope block)' : ' (max_position_embeddings, no rope scaling)'}: ${allowed ? `${ALLOW_ENV[cmd.engine]}=1 turns the refusal into a warning, but positions past ${derived} are outside the trained/scaled range` : cmd.engine === 'vllm' ? `the engine refuses to start ("User-specified max_model_len (${want}) is greater than the derived max_model_len")` : `SGLang refuses it ("User-specified context_length (${want}) is greater than the derived context_length (${derived})")${block && 'original_max_position_embeddings' in block.params ? '; with original_max_position_embeddings in the block SGLang does not multiply by factor, so raise max_position_embeddings in the override instead' : ''}`}.`,
        allowed ? 'warning' : 'error', fixes));
    }
    return out;
  },
};
