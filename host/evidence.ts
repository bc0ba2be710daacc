// Node side of the advisor's evidence (core/advisor/evidence.ts): reads the fine-tuning results and the reference
// measurements shipped beside the model, for the CLI's `suggest` and the server's "Extend context…".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceInput } from '../core/advisor/evidence';
import { loadReference } from '../core/preview/reference';
import { findModelDir, loadPreviewAssets, modelShas, readReferenceDoc } from './ort-node';

/** The fine-tuned checkpoints' measurements (training/finetune.py writes it beside the model). */
export const FINETUNE_FILE = 'finetune-results.json';

/** media/model/finetune-results.json parsed, or undefined when it is absent ({ format: 'unreadable' } when not JSON). */
export function readFinetuneDoc(modelDir = findModelDir()): unknown {
  const p = join(modelDir, FINETUNE_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return { format: 'unreadable' };
  }
}

/**
 * What the advisor quotes: the fine-tuning results and the reference measurements, the latter only when they were
 * measured on the model beside them. Without the model files only what is there is returned.
 */
export async function loadAdvisorEvidence(modelDir = findModelDir()): Promise<EvidenceInput> {
  const out: EvidenceInput = { finetune: readFinetuneDoc(modelDir) };
  try {
    const loaded = await loadReference(readReferenceDoc(modelDir), loadPreviewAssets(modelDir).model, modelShas(modelDir));
    if (loaded.reference) out.reference = loaded.reference;
  } catch {
    // No model or no reference: the zero-shot quote is left out (the fine-tuning results do not need the model).
  }
  return out;
}
