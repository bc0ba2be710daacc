// "Extend context…": turns (original context, target, fine-tune?, engine) into a method, a rope block and the reason,
// by reading the decision matrix and the engine table. Pure: no measurement here (the preview adds numbers).
import type { Engine, RopeApi } from '../model';
import { ENGINES, type AdvisedMethod } from './engines';
import { matrixRow, ratioBand, type RatioBand } from './matrix';

export interface AdviceInput {
  originalContext: number;
  target: number;
  finetune: boolean;
  /** Rough fine-tuning budget in optimizer steps (advice only). */
  finetuneSteps?: number;
  engine: Engine;
  /** The convention the file already uses. */
  api?: RopeApi;
}

export interface Advice {
  method: AdvisedMethod;
  /** The other candidate the preview measures beside `method`. */
  runnerUp: AdvisedMethod;
  ratio: number;
  band: RatioBand;
  /** The rope block to write (empty when no scaling is advised). */
  params: Record<string, unknown>;
  /** max_position_embeddings the config should carry afterwards. */
  maxPositionEmbeddings: number;
  /** One paragraph citing the matrix. */
  reason: string;
  /** Engine notes and fallbacks. */
  notes: string[];
  /** Things the user must know (an ignored flag, quality cautions). */
  warnings: string[];
  /** Serving flags to pass alongside the block, e.g. ["--max-model-len", "131072"]. */
  engineFlags: string[];
  /** Ledger rows (core/ledger/facts.ts) the engine statements in reason, notes and warnings rest on. */
  facts: string[];
}

export class AdviceError extends Error {}

const METHOD_LABEL: Record<AdvisedMethod, string> = {
  none: 'plain RoPE (no scaling)',
  dynamic: 'dynamic NTK',
  yarn: 'YaRN',
  linear: 'linear Position Interpolation',
};

export function methodLabel(m: AdvisedMethod): string {
  return METHOD_LABEL[m];
}

function validate(input: AdviceInput): void {
  for (const [name, v] of [['original context', input.originalContext], ['target', input.target]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new AdviceError(`${name} must be a positive integer, got ${v}`);
  }
  if (!(input.engine in ENGINES)) throw new AdviceError(`unknown engine "${input.engine}"`);
}

/** The first of the row's methods the engine supports; records the fallback when it had to skip one. */
function pickSupported(wanted: readonly AdvisedMethod[], engine: Engine, notes: string[]): AdvisedMethod[] {
  const caps = ENGINES[engine];
  const out: AdvisedMethod[] = [];
  if (wanted[0] === 'dynamic' && caps.methods.includes('dynamic') && !caps.dynamicIsDynamic) {
    // A frozen "dynamic" is static NTK at full stretch: it loses what makes dynamic NTK good zero-shot.
    notes.push(`${caps.label} computes "dynamic" once for the maximum length (static NTK-aware scaling), so short inputs are stretched too; YaRN is the better static method.`);
    wanted = ['yarn', 'dynamic'];
  }
  for (const m of wanted) {
    if (caps.methods.includes(m)) {
      if (!out.includes(m)) out.push(m);
    } else {
      const fallback: AdvisedMethod = m === 'dynamic' ? 'yarn' : 'linear';
      notes.push(`${caps.label} does not support ${METHOD_LABEL[m]}; the static fallback it will use is ${METHOD_LABEL[fallback]}.`);
      if (!out.includes(fallback)) out.push(fallback);
    }
  }
  for (const m of ['yarn', 'linear', 'dynamic'] as const) if (out.length < 2 && caps.methods.includes(m) && !out.includes(m)) out.push(m);
  return out;
}

function blockFor(method: AdvisedMethod, factor: number, original: number): Record<string, unknown> {
  switch (method) {
    case 'none':
      return {};
    case 'linear':
      return { rope_type: 'linear', factor };
    case 'dynamic':
      return { rope_type: 'dynamic', factor };
    case 'yarn':
      return { rope_type: 'yarn', factor, original_max_position_embeddings: original };
  }
}

export function recommend(input: AdviceInput): Advice {
  validate(input);
  const ratio = input.target / input.originalContext;
  const band = ratioBand(ratio);
  const row = matrixRow(band, input.finetune);
  const caps = ENGINES[input.engine];
  const notes: string[] = [];
  const warnings: string[] = [];
  const facts = new Set<string>(caps.facts);
  const [method, runnerUp] = pickSupported(row.methods, input.engine, notes) as [AdvisedMethod, AdvisedMethod];
  const factor = Math.max(1, ratio);
  const params = blockFor(method, factor, input.originalContext);

  // dynamic NTK reads max_position_embeddings as the original length; YaRN and PI expect it to be the new length.
  const maxPositionEmbeddings = method === 'yarn' || method === 'linear' ? input.target : input.originalContext;

  if (method === 'yarn' && input.finetune) {
    // ledger: llama.cpp.finetuned-flag, transformers.yarn-keys, vllm.static-scaling — no engine changes YaRN for a
    // fine-tuned model: the temperature 0.1·ln(s)+1 applies either way, which is what YaRN fine-tuning assumes.
    for (const id of ['llama.cpp.finetuned-flag', 'transformers.received-keys']) facts.add(id);
    notes.push(`Fine-tuned YaRN needs no extra key: ${caps.label} applies the attention temperature 0.1·ln(s)+1 = ${fmt(0.1 * Math.log(factor) + 1)} whether or not the model was fine-tuned, which is what YaRN fine-tuning assumes (a \`finetuned\` key is ignored by transformers and by llama.cpp's Llama graph).`);
  }
  if (input.finetune && input.finetuneSteps !== undefined && method !== 'none') {
    const few = input.finetuneSteps < 400;
    notes.push(few
      ? `With about ${input.finetuneSteps} steps, YaRN is the method that is known to converge in such short runs (the YaRN paper used 400 steps for 64K).`
      : `About ${input.finetuneSteps} steps is enough for YaRN or PI to adapt; YaRN still keeps short-context quality better.`);
  }
  if (row.caution) warnings.push(row.caution);
  if (caps.note) notes.push(caps.note);

  const engineFlags: string[] = [];
  if (caps.contextFlag && method !== 'none') engineFlags.push(caps.contextFlag, String(input.target));

  const reason =
    `Target ${input.target.toLocaleString('en-US')} tokens is ${fmt(ratio)}× the trained context of ${input.originalContext.toLocaleString('en-US')} ` +
    `(${input.finetune ? 'with' : 'without'} fine-tuning, served by ${caps.label}): ${row.reason} ` +
    `Recommended: ${METHOD_LABEL[method]}${method === 'none' ? '' : ` with factor ${fmt(factor)}`}; runner-up: ${METHOD_LABEL[runnerUp]}.`;

  return { method, runnerUp, ratio, band, params, maxPositionEmbeddings, reason, notes, warnings, engineFlags, facts: [...facts] };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 3 : 2).replace(/0+$/, '').replace(/\.$/, '');
}
