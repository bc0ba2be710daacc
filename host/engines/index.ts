// STUB (advisor branch): the signature of runRealPreview that branch `realcore` implements in this file. It lets the
// editor command "Preview on a real model…" compile; the real file replaces this one whole when `realcore` merges.
import { PreviewError, type PreviewCell, type PreviewProgress, type PreviewResult } from '../../core/preview/types';

export interface RealPreviewOptions {
  engine: 'onnx' | 'llama.cpp' | 'openai';
  model: string;
  url?: string;
  launch?: string;
  lengths?: string[];
  methods?: string[];
  budgetS?: number;
}

export interface RealPreviewHooks {
  onProgress?(p: PreviewProgress): void;
  onCell?(c: PreviewCell): void;
  signal?: AbortSignal;
}

export async function runRealPreview(opts: RealPreviewOptions, hooks: RealPreviewHooks = {}): Promise<PreviewResult> {
  void hooks;
  throw new PreviewError('runtime', `the ${opts.engine} engine is not in this build`);
}
