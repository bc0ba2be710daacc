// Perplexity per byte on the evaluation text, chunked like the model card (training/probes.py perplexity):
// non-overlapping chunks of L bytes from the start of text[:evalBytes], mean NLL over the L−1 predicted positions of
// each chunk; when L does not divide evalBytes, one more chunk wraps to the start so every byte is scored. Under causal attention the NLLs of a chunk are a prefix of the NLLs of any
// longer pass starting at the same byte with the same tables, which is what the engine reuses.

/** Chunk starts at length L: 0, L, 2L, ..., ceil(evalBytes / L) of them (the last may wrap to the start). */
export function chunkStarts(L: number, evalBytes: number): number[] {
  return Array.from({ length: Math.ceil(evalBytes / L) }, (_, j) => j * L);
}

/** NLL (nats) of byte t+1 given bytes 0..t, for t = 0 .. T−2, from logits [T, vocab]. */
export function nllPerPosition(ids: Uint8Array, logits: Float32Array, vocab = 256): Float64Array {
  const T = ids.length;
  const out = new Float64Array(Math.max(0, T - 1));
  for (let t = 0; t < T - 1; t++) {
    const row = t * vocab;
    let max = -Infinity;
    for (let v = 0; v < vocab; v++) if (logits[row + v]! > max) max = logits[row + v]!;
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[row + v]! - max);
    out[t] = max + Math.log(sum) - logits[row + ids[t + 1]!]!;
  }
  return out;
}
