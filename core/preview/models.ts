// Which model file each preview method runs on (one place). The RoPE methods share the base model and differ only in
// the rotary tables fed to it; the fine-tuned methods run the base model's graph with weights fine-tuned at 4×L0 (each
// with the block it was tuned with, at factor 4 at every length, as a deployment of that checkpoint would); the other
// encodings are sibling models trained the same way with other position encodings, whose graphs take only the bytes.
import { FINETUNED_METHODS, OTHER_ENCODINGS, type BuiltinMethod, type FinetunedMethod, type OtherEncoding, type PreviewMethod } from './types';

/** The base (RoPE) model's file: every RoPE method, the window baseline and "yours" run on it. */
export const BASE_MODEL_FILE = 'ropelens-mini.onnx';

/** Fine-tuning of the +ft checkpoints (media/model/finetune-results.json: steps, length 4 × L0, factor 4). */
export const FINETUNE = { steps: 200, factor: 4, lengthMultiple: 4 } as const;

export interface PreviewModel {
  /** File name beside the base model (media/model/). */
  file: string;
  /** The graph takes rotary tables (cos, sin, attention_factor) besides input_ids. */
  rotary: boolean;
  /** Shown in notes, e.g. "ropelens-mini fine-tuned 200 steps at 4×L0 with YaRN". */
  description: string;
}

const ft = (method: BuiltinMethod, name: string): PreviewModel => ({
  file: `ropelens-mini-ft-${method}.onnx`,
  rotary: true,
  description: `ropelens-mini fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×L0 with ${name} (factor ${FINETUNE.factor})`,
});

const BASE: PreviewModel = { file: BASE_MODEL_FILE, rotary: true, description: 'ropelens-mini (RoPE)' };

/** Methods that run on a model other than the base one. */
const OWN_MODEL: Record<FinetunedMethod | OtherEncoding, PreviewModel> = {
  'linear+ft': ft('linear', 'PI (linear)'),
  'ntk+ft': ft('ntk', 'NTK-aware'),
  'yarn+ft': ft('yarn', 'YaRN'),
  sinusoidal: { file: 'ropelens-mini-sinusoidal.onnx', rotary: false, description: 'sibling model with sinusoidal absolute positions added to the embeddings' },
  alibi: { file: 'ropelens-mini-alibi.onnx', rotary: false, description: 'sibling model with ALiBi distance biases (geometric slopes per head)' },
};

export function isFinetuned(m: PreviewMethod): m is FinetunedMethod {
  return (FINETUNED_METHODS as readonly string[]).includes(m);
}

export function isOtherEncoding(m: PreviewMethod): m is OtherEncoding {
  return (OTHER_ENCODINGS as readonly string[]).includes(m);
}

/** The model a method runs on. */
export function modelOf(m: PreviewMethod): PreviewModel {
  return isFinetuned(m) || isOtherEncoding(m) ? OWN_MODEL[m] : BASE;
}

/** Every model file the preview can use, the base one first. */
export const MODEL_FILES: readonly string[] = [BASE_MODEL_FILE, ...Object.values(OWN_MODEL).map((m) => m.file)];

/** The RoPE method a fine-tuned checkpoint was tuned (and runs) with. */
export function finetunedBase(m: FinetunedMethod): BuiltinMethod {
  return m.slice(0, -3) as BuiltinMethod;
}

/**
 * Methods whose cells do not depend on the factor policy: the window baseline (unscaled), the other encodings (no
 * factor) and the fine-tuned checkpoints (always their tuning factor). The reference stores them once.
 */
export function policyFree(m: PreviewMethod): boolean {
  return m === 'window' || isFinetuned(m) || isOtherEncoding(m);
}
