// Node host: reads only a GGUF file's header (metadata; tensor data is never loaded) with @huggingface/gguf, for `ropelens explain model.gguf`.
import { gguf } from '@huggingface/gguf';

export async function readGgufMetadata(path: string): Promise<Record<string, unknown>> {
  const r = await gguf(path, { allowLocalFile: true });
  return r.metadata as unknown as Record<string, unknown>;
}
